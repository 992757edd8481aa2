"""The assessment pages: who gets what (exact codes), and what the pages do."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from assessment.models import AssessmentRule, PracticalTask, TestRound, TestSitting
from assessment.services import assessment_compute, practical_task_create, round_create
from reports.rollup import rollup_months

from .factories import ActivityFactory, MemberFactory

YEAR = 2021


@pytest.fixture
def world(tree, people):
    for committee, count in ((tree.city, 3), (tree.county_a, 6), (tree.grassroots_a1, 3), (tree.county_b, 6)):
        for _ in range(count):
            MemberFactory(committee=committee)
    city_round = round_create(name="全市第一轮", held_on="2021-06-18", committee=tree.city, sample_size=8, seed="c")
    a_round = round_create(name="甲县抽考", held_on="2021-07-01", committee=tree.county_a, sample_size=4, seed="a")
    task_a = practical_task_create(committee=tree.county_a, title="甲县修路", due_on=datetime.date(2021, 9, 1),
                                   status="done", completed_on=datetime.date(2021, 8, 20))
    task_b = practical_task_create(committee=tree.county_b, title="乙县便民", due_on=datetime.date(2021, 10, 1))
    session = ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 3, 5))
    visit = _visit(tree, people, session)
    assessment_compute(year=YEAR, as_of=datetime.date(2021, 12, 31))
    return {"city_round": city_round, "a_round": a_round, "task_a": task_a, "task_b": task_b, "visit": visit}


def _visit(tree, people, session):
    """A submitted visit to county A's session, rated 4 on each checklist item, with one rectification item."""
    from supervision.models import ChecklistItem, Rating

    from .supervision_factories import make_auditor, make_visit

    auditor = make_auditor(people.auditor, home=tree.city, may_visit=[tree.city])
    visit = make_visit(auditor, tree.county_a, activity=session, visited_on=session.held_on, rectifications=1,
                       due_on=datetime.date(2021, 4, 30))
    for item in ChecklistItem.objects.filter(active=True):
        Rating.objects.create(visit=visit, item=item, score=4)
    return visit


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def status(user, url, method="get", data=None):
    return getattr(client_for(user), method)(url, data or {}).status_code


# Who: secretary A, leader of the city, leader of the sibling county B, an outsider, anonymous.
WHO = ["secretary_a", "leader_city", "leader_b", "outsider", None]


def expect(people, url, codes, method="get", data=None):
    got = {who or "anonymous": status(getattr(people, who) if who else None, url, method, data) for who in WHO}
    assert got == dict(zip(["secretary_a", "leader_city", "leader_b", "outsider", "anonymous"], codes))


@pytest.mark.parametrize("name, codes", [
    ("assessment:home", [200, 200, 200, 404, 302]),
    ("assessment:rounds", [200, 200, 200, 404, 302]),
    ("assessment:round_create", [404, 404, 404, 404, 302]),
    ("assessment:tasks", [200, 200, 200, 404, 302]),
    ("assessment:task_create", [200, 404, 404, 404, 302]),
    ("assessment:rules", [200, 200, 200, 404, 302]),
    ("assessment:ranking_latest", [302, 302, 302, 404, 302]),
])
def test_it_answers_each_list_page_with_the_exact_code(world, people, name, codes):
    expect(people, reverse(name), codes)


def test_it_scopes_the_ranking_and_the_breakdown(world, people, tree):
    expect(people, reverse("assessment:ranking", args=[YEAR]), [200, 200, 200, 404, 302])
    expect(people, reverse("assessment:score", args=[YEAR, "county-a"]), [200, 200, 404, 404, 302])
    expect(people, reverse("assessment:score", args=[YEAR, "city"]), [404, 200, 404, 404, 302])
    expect(people, reverse("assessment:score", args=[YEAR, "no-such"]), [404, 404, 404, 404, 302])
    assert status(people.leader_a, reverse("assessment:score", args=[YEAR, "county-a-g1"])) == 200


def test_it_scopes_the_rounds(world, people):
    city_round, a_round = world["city_round"].pk, world["a_round"].pk
    expect(people, reverse("assessment:round_detail", args=[city_round]), [404, 200, 404, 404, 302])
    expect(people, reverse("assessment:round_detail", args=[a_round]), [200, 200, 404, 404, 302])
    expect(people, reverse("assessment:round_draw", args=[a_round]), [200, 200, 404, 404, 302])
    expect(people, reverse("assessment:round_sheet", args=[a_round]), [200, 200, 404, 404, 302])
    expect(people, reverse("assessment:round_scores", args=[a_round]), [404, 404, 404, 404, 302])
    expect(people, reverse("assessment:round_import", args=[a_round]), [404, 404, 404, 404, 302])
    for name in ("round_detail", "round_scores", "round_import"):
        assert status(people.admin, reverse(f"assessment:{name}", args=[city_round])) == 200


def test_it_scopes_task_editing(world, people):
    url = reverse("assessment:task_edit", args=[world["task_a"].pk])
    expect(people, url, [200, 404, 404, 404, 302])
    assert status(people.secretary_b, url) == 404
    assert status(people.leader_a, url) == 404
    assert status(people.admin, url) == 200


def test_it_lets_only_the_secretary_change_a_task(world, people):
    task = world["task_a"]
    url = reverse("assessment:task_edit", args=[task.pk])
    data = {"title": "改了", "description": "", "due_on": "2021-09-01", "status": "done", "completed_on": "2021-08-21"}
    expect(people, url, [302, 404, 404, 404, 302], method="post", data=data)
    task.refresh_from_db()
    assert task.title == "改了" and task.completed_on == datetime.date(2021, 8, 21)


def test_it_lists_only_tasks_in_scope_with_the_registry_completion_rate(world, people):
    rollup_months([datetime.date(YEAR, m, 1) for m in range(1, 13)])
    body = client_for(people.leader_b).get(reverse("assessment:tasks")).content.decode()
    assert "乙县便民" in body and "甲县修路" not in body
    body = client_for(people.leader_city).get(reverse("assessment:tasks"), {"year": YEAR}).content.decode()
    assert "乙县便民" in body and "甲县修路" in body and "50.0%" in body  # T15 of the city, January–December 2021
    # The filters narrow the list, never the figure: the completion rate stays the registry's.
    body = client_for(people.leader_city).get(reverse("assessment:tasks"), {"status": "done", "year": YEAR}).content
    assert "乙县便民" not in body.decode() and "50.0%" in body.decode()
    body = client_for(people.leader_city).get(reverse("assessment:tasks"), {"committee": "county-a", "year": YEAR})
    assert 'data-metric="task_completion_rate" data-value="100.0"' in body.content.decode()
    # Year to date as the registry defines it: in August 2021 no task had fallen due yet.
    body = client_for(people.leader_city).get(reverse("assessment:tasks"), {"month": "2021-08"}).content.decode()
    assert 'data-metric="task_completion_rate" data-value=""' in body


def test_it_lets_a_secretary_create_a_task_only_for_their_committee(world, people, tree):
    client = client_for(people.secretary_a)
    data = {"committee": tree.county_b.pk, "title": "越权", "due_on": "2021-12-01", "status": "planned"}
    response = client.post(reverse("assessment:task_create"), data)
    assert response.status_code == 200 and not PracticalTask.objects.filter(title="越权").exists()
    data["committee"] = tree.county_a.pk
    data["status"] = "done"  # done without a completion date: an error at that field, what was typed kept
    response = client.post(reverse("assessment:task_create"), data)
    assert response.status_code == 200
    assert "completed_on" in response.context["form"].errors and "越权" in response.content.decode()
    data["completed_on"] = "2021-11-30"
    assert client.post(reverse("assessment:task_create"), data).status_code == 302
    created = PracticalTask.objects.get(title="越权")
    assert (created.committee, created.level, created.status) == (tree.county_a, "county", "done")


def test_it_lets_only_an_admin_draw_a_round(world, people, tree):
    data = {"name": "第二轮", "held_on": "2021-11-19", "committee": tree.city.pk, "strata": "county",
            "sample_size": "5", "pass_mark": "60", "max_score": "100", "seed": "pub"}
    expect(people, reverse("assessment:round_create"), [404, 404, 404, 404, 302], method="post", data=data)
    assert not TestRound.objects.filter(name="第二轮").exists()
    response = client_for(people.admin).post(reverse("assessment:round_create"), data)
    created = TestRound.objects.get(name="第二轮")
    assert response.status_code == 302 and created.sittings.count() == 5 and created.seed == "pub"


def test_it_refuses_on_the_page_a_sample_larger_than_the_candidates(world, people, tree):
    data = {"name": "太多", "held_on": "2021-11-19", "committee": tree.county_b.pk, "strata": "none",
            "sample_size": "7", "pass_mark": "60", "max_score": "100"}
    response = client_for(people.admin).post(reverse("assessment:round_create"), data)
    assert response.status_code == 200
    assert "7" in str(response.context["form"].errors["sample_size"]) and "6" in str(response.context["form"].errors)
    assert not TestRound.objects.filter(name="太多").exists()


def test_it_enters_a_page_of_scores_all_or_nothing(world, people):
    test_round = world["a_round"]
    url = reverse("assessment:round_scores", args=[test_round.pk])
    sittings = list(TestSitting.objects.filter(round=test_round))
    bad = {f"score-{s.id}": "80" for s in sittings} | {f"score-{sittings[0].id}": "130"}
    response = client_for(people.admin).post(url, bad)
    assert response.status_code == 200 and response.context["form"].errors
    assert not TestSitting.objects.filter(round=test_round, score__isnull=False).exists()
    good = {f"score-{s.id}": "80" for s in sittings} | {f"score-{sittings[0].id}": "59"}
    assert client_for(people.admin).post(url, good).status_code == 302
    assert TestSitting.objects.filter(round=test_round, passed=True).count() == 3
    assert client_for(people.leader_city).post(url, good).status_code == 404


def test_it_imports_a_sheet_from_the_page_and_lists_bad_rows(world, people):
    test_round = world["a_round"]
    sittings = list(TestSitting.objects.filter(round=test_round).select_related("member"))
    workbook = Workbook()
    workbook.active.append(["member id", "name", "score"])
    workbook.active.append([sittings[0].member_id, sittings[0].member.name, 130])
    buffer = io.BytesIO()
    workbook.save(buffer)
    url = reverse("assessment:round_import", args=[test_round.pk])
    response = client_for(people.admin).post(url, {"file": SimpleUploadedFile("s.xlsx", buffer.getvalue())})
    assert response.status_code == 200
    assert "第2行：成绩 130 高于 100" in response.content.decode()  # at the field, in the default language
    assert not TestSitting.objects.filter(round=test_round, score__isnull=False).exists()


def test_it_shows_the_ranking_of_the_leaders_subtree_only(world, people):
    body = client_for(people.leader_b).get(reverse("assessment:ranking", args=[YEAR])).content.decode()
    assert "乙县委" in body and "甲县委" not in body
    response = client_for(people.leader_city).get(reverse("assessment:ranking", args=[YEAR]))
    rows = [row.record for row in response.context["table"].paginated_rows]
    assert rows[0].committee.code == "county-a" and rows[0].rank == 1  # the only one that studied


def test_it_shows_the_breakdown_parts_and_their_records(world, people):
    response = client_for(people.leader_city).get(reverse("assessment:score", args=[YEAR, "county-a"]))
    body = response.content.decode()
    keys = [item["part"].rule.key for item in response.context["parts"]]
    assert keys[:3] == ["study_frequency", "attendance_rate", "plan_coverage"]
    for key in keys:
        assert f'id="part-{key}"' in body
    study = response.context["parts"][0]
    assert study["part"].explain in body and len(study["evidence"]["rows"]) == 12  # one row per month
    assert reverse("sessions_app:archive") + "?committee=" in body  # the records behind study frequency
    visit_url = reverse("supervision:visit", args=[world["visit"].pk])
    assert body.count(visit_url) == 2  # the visit behind the rating and behind the rectification item


def test_it_ignores_bad_query_parameters(world, people):
    client = client_for(people.leader_city)
    assert client.get(reverse("assessment:ranking", args=[YEAR]), {"kind": "nope", "page": "x"}).status_code == 200
    assert client.get(reverse("assessment:tasks"), {"level": "?", "year": "abc", "page": "99"}).status_code == 200
    assert client.get(reverse("assessment:ranking", args=[1900])).status_code == 404


def test_it_lets_only_an_admin_edit_the_rules_and_recompute(world, people):
    rules = list(AssessmentRule.objects.order_by("order", "id"))
    data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules)}
    for i, rule in enumerate(rules):
        data |= {f"form-{i}-id": rule.pk, f"form-{i}-label": rule.label, f"form-{i}-weight": "10",
                 f"form-{i}-threshold": str(rule.threshold), f"form-{i}-params": "{}", f"form-{i}-order": rule.order}
        if rule.active:
            data[f"form-{i}-active"] = "on"
    expect(people, reverse("assessment:rules"), [404, 404, 404, 404, 302], method="post", data=data)
    assert AssessmentRule.objects.filter(weight=Decimal("10")).count() != len(rules)
    assert client_for(people.admin).post(reverse("assessment:rules"), data).status_code == 302
    assert AssessmentRule.objects.filter(weight=Decimal("10")).count() == len(rules)
    bad = data | {"form-0-params": "[1, 2]"}
    assert client_for(people.admin).post(reverse("assessment:rules"), bad).status_code == 200
    expect(people, reverse("assessment:compute", args=[YEAR]), [404, 404, 404, 404, 302], method="post")
    assert client_for(people.admin).post(reverse("assessment:compute", args=[YEAR])).status_code == 302


def test_it_keeps_the_ranking_and_breakdown_queries_bounded(world, people, django_assert_max_num_queries):
    client = client_for(people.leader_city)
    client.get(reverse("assessment:ranking", args=[YEAR]))  # warm the session
    # session, user, roles; then the page's own reads. None grows with the number of rows.
    with django_assert_max_num_queries(7):
        client.get(reverse("assessment:ranking", args=[YEAR]))
    with django_assert_max_num_queries(11):  # the score, its parts, one grouped query per part's records
        client.get(reverse("assessment:score", args=[YEAR, "county-a"]))
    with django_assert_max_num_queries(7):  # the figures: the metric rows and the month's status
        client.get(reverse("assessment:tasks"))
    with django_assert_max_num_queries(11):  # and its history: versions, scores counted per save, their users
        client.get(reverse("assessment:round_detail", args=[world["city_round"].pk]))


def test_it_is_in_the_navigation_bar_in_chinese(world, people):
    body = client_for(people.secretary_a).get(reverse("sessions_app:home")).content.decode()
    assert f'href="{reverse("assessment:home")}">测试、办实事与考核</a>' in body


def test_it_shows_default_rule_labels_in_chinese_and_keeps_them_translatable(world, people):
    client = client_for(people.admin)
    body = client.get(reverse("assessment:rules")).content.decode()
    assert 'value="每月集体学习"' in body
    rules = list(AssessmentRule.objects.order_by("order", "id"))
    data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules)}
    for i, rule in enumerate(rules):
        data |= {f"form-{i}-id": rule.pk, f"form-{i}-label": str(rule.display_label), f"form-{i}-weight": rule.weight,
                 f"form-{i}-threshold": rule.threshold, f"form-{i}-params": "{}", f"form-{i}-order": rule.order,
                 f"form-{i}-active": "on"}
    data["form-1-label"] = "出勤情况考核"
    assert client.post(reverse("assessment:rules"), data).status_code == 302
    labels = dict(AssessmentRule.objects.values_list("key", "label"))
    assert labels["study_frequency"] == "Study every month"  # unchanged default: still the source string
    assert labels[rules[1].key] == "出勤情况考核"
