"""Annual study plans: topics with their source, approval, and which records ticked each topic off."""
import pytest
from django.test import Client
from django.utils import timezone

from sessions_app.models import Activity, PlanTopic, StudyPlan
from sessions_app.testing import record_post

YEAR = timezone.localdate().year


@pytest.fixture
def alice(people):
    client = Client()
    client.force_login(people.secretary_a)
    return client


def plan_post(**extra):
    data = {
        "year": str(YEAR), "title": "甲县委理论学习中心组年度学习计划", "notes": "",
        "topics-TOTAL_FORMS": "3", "topics-INITIAL_FORMS": "0", "topics-MIN_NUM_FORMS": "0",
        "topics-MAX_NUM_FORMS": "1000",
        "topics-0-title": "学习党的二十大精神", "topics-0-source": "assigned", "topics-0-planned_month": "3",
        "topics-1-title": "优化营商环境", "topics-1-source": "found", "topics-1-planned_month": "5",
        "topics-2-title": "", "topics-2-source": "", "topics-2-planned_month": "",
    }
    data.update(extra)
    return data


def test_it_creates_a_plan_with_topics_for_the_secretarys_committee(alice, tree):
    response = alice.post("/plans/new/", plan_post())
    plan = StudyPlan.objects.get()
    assert response.status_code == 302 and response.url == f"/plans/{plan.pk}/"
    assert plan.committee == tree.county_a
    assert list(plan.topics.values_list("title", "source", "planned_month")) == [
        ("学习党的二十大精神", "assigned", 3), ("优化营商环境", "found", 5),
    ]


def test_it_refuses_a_second_plan_for_the_same_year(alice, tree):
    StudyPlan.objects.create(committee=tree.county_a, year=YEAR, title="已有计划")
    response = alice.post("/plans/new/", plan_post())
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert StudyPlan.objects.count() == 1


def test_it_rejects_a_bad_planned_month(alice):
    response = alice.post("/plans/new/", plan_post(**{"topics-0-planned_month": "13"}))
    assert response.context["topics"].forms[0].errors["planned_month"]
    assert not StudyPlan.objects.exists()


def test_it_approves_a_plan_and_refuses_a_future_approval_date(alice, tree):
    plan = StudyPlan.objects.create(committee=tree.county_a, year=YEAR, title="计划")
    future = (timezone.localdate().replace(year=YEAR + 1)).isoformat()
    response = alice.post(f"/plans/{plan.pk}/approve/", {"approved_by": "王书记", "approved_on": future})
    assert response.status_code == 200 and response.context["approval"].errors["approved_on"]
    plan.refresh_from_db()
    assert not plan.is_approved
    alice.post(f"/plans/{plan.pk}/approve/", {"approved_by": "王书记", "approved_on": timezone.localdate().isoformat()})
    plan.refresh_from_db()
    assert plan.is_approved and plan.approved_by == "王书记"


def test_it_ticks_topics_off_from_records_and_shows_coverage(alice, tree, people):
    plan = StudyPlan.objects.create(committee=tree.county_a, year=YEAR, title="计划")
    covered = PlanTopic.objects.create(plan=plan, title="专题一", source="assigned", order=1)
    PlanTopic.objects.create(plan=plan, title="专题二", source="solicited", order=2)
    held_on = timezone.localdate()
    data = record_post("research_report", held_on=held_on, plan_topics=[str(covered.pk)], title="调研报告甲")
    assert alice.post("/records/new/research_report/", data).status_code == 302
    assert list(Activity.objects.get().plan_topics.all()) == [covered]
    page = alice.get(f"/plans/{plan.pk}/")
    assert (page.context["plan"].covered_count, page.context["plan"].topic_count) == (1, 2)
    topics = {t.title: [r.title for r in t.records] for t in page.context["topics"]}
    assert topics == {"专题一": ["调研报告甲"], "专题二": []}
    listing = alice.get("/plans/").context["plans"]
    assert [(p.covered_count, p.topic_count) for p in listing] == [(1, 2)]


def test_it_edits_and_deletes_topics(alice, tree):
    plan = StudyPlan.objects.create(committee=tree.county_a, year=YEAR, title="计划")
    topic = PlanTopic.objects.create(plan=plan, title="旧专题", source="assigned")
    data = plan_post(**{
        "topics-TOTAL_FORMS": "2", "topics-INITIAL_FORMS": "1",
        "topics-0-id": str(topic.pk), "topics-0-plan": str(plan.pk), "topics-0-title": "旧专题",
        "topics-0-source": "assigned", "topics-0-DELETE": "on",
        "topics-1-title": "新专题", "topics-1-source": "established", "topics-1-planned_month": "",
    })
    data.pop("topics-2-title"), data.pop("topics-2-source"), data.pop("topics-2-planned_month")
    assert alice.post(f"/plans/{plan.pk}/edit/", data).status_code == 302
    assert list(plan.topics.values_list("title", flat=True)) == ["新专题"]
