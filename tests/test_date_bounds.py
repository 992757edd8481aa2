"""Bounded dates everywhere: nothing before 1949-10-01, no logged date in the future, no plan beyond the horizon.

Every form refuses an absurd date at its field with the model's message and saves nothing; the allowed
boundary days are accepted; the database refuses what the forms would (before the founding, a stale month).
"""
import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from assessment.models import PracticalTask, TestRound
from assessment.services import practical_task_create
from committees.models import Campaign
from sessions_app.models import Activity, ActivityKind, Attendance, StudyPlan
from sessions_app.testing import record_post
from studygroup import env
from studygroup.dates import (
    FOUNDING,
    LoggedDate,
    MonthStart,
    PlanningDate,
    PlanningYear,
    SessionDate,
    latest_planning_date,
)
from supervision import services as supervision_services
from supervision.models import Draw, Filing, Rectification, Visit

from .factories import ActivityFactory, CampaignFactory, MemberFactory
from .supervision_factories import checklist_ids, make_assignment, make_auditor, make_filing, make_session

TODAY = timezone.localdate
ABSURD = ["0001-01-01", "1949-09-30", "9999-12-31"]
CODES = {"0001-01-01": "date_too_early", "1949-09-30": "date_too_early"}  # 9999: too far ahead or in the future


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def codes(errors, name):
    return [error.code for error in errors.as_data().get(name, [])]


def expected_code(value, *, planning):
    return CODES.get(value) or ("date_too_far_ahead" if planning else "date_in_future")


def horizon():
    return latest_planning_date()


# ---------------------------------------------------------------- study records


@pytest.mark.parametrize("value", ABSURD)
def test_it_refuses_an_absurd_session_date_at_the_field(tree, people, members_a, value):
    data = record_post(ActivityKind.COLLECTIVE, members=members_a) | {"held_on": value}
    response = client_for(people.secretary_a).post("/records/new/collective/", data)
    assert response.status_code == 200
    assert codes(response.context["form"].errors, "held_on") == [expected_code(value, planning=False)]
    assert not Activity.objects.exists() and not Attendance.objects.exists()


@pytest.mark.parametrize("value", ABSURD)
def test_it_refuses_an_absurd_last_day_of_a_reading_class(tree, people, value):
    data = record_post(ActivityKind.READING_CLASS, held_on=datetime.date(1949, 10, 1)) | {"ends_on": value}
    response = client_for(people.secretary_a).post("/records/new/reading_class/", data)
    assert response.status_code == 200
    assert expected_code(value, planning=False) in codes(response.context["form"].errors, "ends_on")
    assert not Activity.objects.exists()


@pytest.mark.parametrize("day", [FOUNDING, None])  # None: today
def test_it_accepts_a_session_on_the_founding_day_and_today(tree, people, members_a, day):
    day = day or TODAY()
    response = client_for(people.secretary_a).post(
        "/records/new/collective/", record_post(ActivityKind.COLLECTIVE, members=members_a, held_on=day)
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.held_on, activity.month) == (day, day.replace(day=1))


@override_settings(STUDY_MAX_FUTURE_DAYS=2)
def test_it_keeps_the_allowance_for_sessions_dated_ahead(tree, people):
    client = client_for(people.secretary_a)
    too_far = record_post(ActivityKind.COLLECTIVE, held_on=TODAY() + datetime.timedelta(days=3))
    assert client.post("/records/new/collective/", too_far).status_code == 200
    allowed = record_post(ActivityKind.COLLECTIVE, held_on=TODAY() + datetime.timedelta(days=2))
    assert client.post("/records/new/collective/", allowed).status_code == 302


@pytest.mark.parametrize("value", ABSURD)
def test_it_refuses_an_absurd_make_up_date_at_the_attendance_row(tree, people, members_a, value):
    data = record_post(ActivityKind.COLLECTIVE, members=members_a, held_on=FOUNDING)
    data.update({"att-0-status": "absent", "att-0-made_up_on": value})
    response = client_for(people.secretary_a).post("/records/new/collective/", data)
    assert response.status_code == 200
    row = response.context["entry"].attendance.forms[0]
    assert codes(row.errors, "made_up_on") == [expected_code(value, planning=False)]
    assert not Activity.objects.exists() and not Attendance.objects.exists()


def test_it_speaks_the_users_language_at_the_field(tree, people, members_a):
    client = client_for(people.secretary_a)
    data = record_post(ActivityKind.COLLECTIVE, members=members_a) | {"held_on": "1949-09-30"}
    assert "日期不能早于1949年10月1日" in client.post("/records/new/collective/", data).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "on or after 1 October 1949" in client.post("/records/new/collective/", data).content.decode()


# ---------------------------------------------------------------- annual study plans


def plan_post(year):
    return {
        "year": str(year), "title": "年度学习计划", "notes": "",
        "topics-TOTAL_FORMS": "1", "topics-INITIAL_FORMS": "0", "topics-MIN_NUM_FORMS": "0",
        "topics-MAX_NUM_FORMS": "1000", "topics-0-title": "", "topics-0-source": "", "topics-0-planned_month": "",
    }


@pytest.mark.parametrize("year", [1, 1948, 9999])
def test_it_refuses_a_plan_for_an_absurd_year(tree, people, year):
    response = client_for(people.secretary_a).post("/plans/new/", plan_post(year))
    assert response.status_code == 200
    assert codes(response.context["form"].errors, "year") == ["year_out_of_range"]
    assert not StudyPlan.objects.exists()


def test_it_accepts_plans_from_1949_to_the_horizon_and_no_further(tree, people):
    client = client_for(people.secretary_a)
    last = TODAY().year + 5
    assert client.post("/plans/new/", plan_post(1949)).status_code == 302
    assert client.post("/plans/new/", plan_post(last)).status_code == 302
    assert client.post("/plans/new/", plan_post(last + 1)).status_code == 200
    with override_settings(PLANNING_MAX_YEARS_AHEAD=6):
        assert client.post("/plans/new/", plan_post(last + 1)).status_code == 302
    assert sorted(StudyPlan.objects.values_list("year", flat=True)) == [1949, last, last + 1]


@pytest.mark.parametrize("value", ABSURD)
def test_it_refuses_an_absurd_approval_date(tree, people, value):
    plan = StudyPlan.objects.create(committee=tree.county_a, year=TODAY().year, title="计划")
    response = client_for(people.secretary_a).post(
        f"/plans/{plan.pk}/approve/", {"approved_by": "王书记", "approved_on": value}
    )
    assert response.status_code == 200
    assert codes(response.context["approval"].errors, "approved_on") == [expected_code(value, planning=False)]
    plan.refresh_from_db()
    assert plan.approved_on is None


# ---------------------------------------------------------------- filings and draws


def filing_post(committee, planned_on):
    return {"committee": committee.pk, "kind": ActivityKind.COLLECTIVE, "place": "三楼会议室", "topic": "学习六中全会精神",
            "planned_on": planned_on}


@pytest.mark.parametrize("value", ABSURD)
def test_it_refuses_an_absurd_filing_date_with_the_models_message(tree, people, value):
    response = client_for(people.secretary_a).post(reverse("supervision:filing_create"), filing_post(tree.county_a, value))
    assert response.status_code == 200
    assert codes(response.context["form"].errors, "planned_on") == [expected_code(value, planning=True)]
    assert not Filing.objects.exists()


def test_it_files_up_to_the_end_of_the_horizon(tree, people):
    client = client_for(people.secretary_a)
    day_after = (horizon() + datetime.timedelta(days=1)).isoformat()
    assert client.post(reverse("supervision:filing_create"), filing_post(tree.county_a, day_after)).status_code == 200
    response = client.post(reverse("supervision:filing_create"), filing_post(tree.county_a, horizon().isoformat()))
    assert response.status_code == 302 and Filing.objects.get().planned_on == horizon()


def test_the_services_apply_the_same_bounds(tree, people):
    with pytest.raises(ValidationError) as refused:
        supervision_services.filing_create(
            user=people.secretary_a, committee=tree.county_a, kind=ActivityKind.COLLECTIVE,
            planned_on=datetime.date(9999, 12, 31), place="会议室", topic="学习",
        )
    assert "planned_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        supervision_services.draw_create(
            user=people.admin, root=tree.city, period_start=datetime.date(1, 1, 1), period_end=TODAY(), strata="none",
            size=1,
        )
    assert "period_start" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        practical_task_create(committee=tree.county_a, title="修路", due_on=datetime.date(1949, 9, 30))
    assert "due_on" in refused.value.message_dict
    assert not (Filing.objects.exists() or Draw.objects.exists() or PracticalTask.objects.exists())


@pytest.mark.parametrize("value", ABSURD)
def test_it_refuses_an_absurd_draw_period(tree, people, value):
    day = TODAY() + datetime.timedelta(days=7)
    make_filing(tree.county_a, planned_on=day)
    data = {"root": tree.city.pk, "period_start": value, "period_end": day.isoformat(), "sample_size": 1, "strata": "none"}
    response = client_for(people.leader_city).post(reverse("supervision:draw_create"), data)
    assert response.status_code == 200
    assert codes(response.context["form"].errors, "period_start") == [expected_code(value, planning=True)]
    assert not Draw.objects.exists()


# ---------------------------------------------------------------- visits and rectification items


@pytest.fixture
def assignment(tree, people):
    auditor = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    filing = make_filing(tree.county_a)
    make_session(tree.county_a)
    return make_assignment(filing, auditor)


def visit_post(visited_on, due_on):
    data = {
        "visited_on": visited_on, "observed_count": "5", "findings": "研讨不够深入",
        "rect-TOTAL_FORMS": "1", "rect-INITIAL_FORMS": "0", "rect-MIN_NUM_FORMS": "0", "rect-MAX_NUM_FORMS": "20",
        "rect-0-description": "补齐学习记录", "rect-0-owner": "李秘书", "rect-0-due_on": due_on, "submit": "1",
    }
    data.update({f"rating_{pk}": "4" for pk in checklist_ids()})
    return data


@pytest.mark.parametrize("value", ABSURD)
def test_it_refuses_an_absurd_visit_date(people, assignment, value):
    url = reverse("supervision:visit_start", args=[assignment.pk])
    response = client_for(people.auditor).post(url, visit_post(value, horizon().isoformat()))
    assert response.status_code == 200
    assert codes(response.context["form"].errors, "visited_on") == [expected_code(value, planning=False)]
    assert not Visit.objects.exists() and not Rectification.objects.exists()


@pytest.mark.parametrize("value", ABSURD)
def test_it_refuses_an_absurd_rectification_due_date(people, assignment, value):
    url = reverse("supervision:visit_start", args=[assignment.pk])
    response = client_for(people.auditor).post(url, visit_post(TODAY().isoformat(), value))
    assert response.status_code == 200
    assert codes(response.context["formset"].forms[0].errors, "due_on") == [expected_code(value, planning=True)]
    assert not Visit.objects.exists() and not Rectification.objects.exists()


def test_it_records_a_visit_today_with_an_item_due_at_the_horizon(people, assignment):
    url = reverse("supervision:visit_start", args=[assignment.pk])
    response = client_for(people.auditor).post(url, visit_post(TODAY().isoformat(), horizon().isoformat()))
    assert response.status_code == 302
    assert Rectification.objects.get().due_on == horizon() and Visit.objects.get().visited_on == TODAY()


# ---------------------------------------------------------------- knowledge tests and practical-matter tasks


def task_post(committee, due_on, **extra):
    return {"committee": committee.pk, "title": "为群众修缮道路", "due_on": due_on, "status": "planned", **extra}


@pytest.mark.parametrize("value", ABSURD)
def test_it_refuses_an_absurd_task_deadline(tree, people, value):
    response = client_for(people.secretary_a).post(reverse("assessment:task_create"), task_post(tree.county_a, value))
    assert response.status_code == 200
    assert codes(response.context["form"].errors, "due_on") == [expected_code(value, planning=True)]
    assert not PracticalTask.objects.exists()


@pytest.mark.parametrize("value", ABSURD)
def test_it_refuses_an_absurd_completion_date(tree, people, value):
    data = task_post(tree.county_a, "2021-09-30", status="done", completed_on=value)
    response = client_for(people.secretary_a).post(reverse("assessment:task_create"), data)
    assert response.status_code == 200
    assert codes(response.context["form"].errors, "completed_on") == [expected_code(value, planning=False)]
    assert not PracticalTask.objects.exists()


def test_it_accepts_a_task_from_the_founding_to_the_horizon(tree, people):
    client = client_for(people.secretary_a)
    first = task_post(tree.county_a, "1949-10-01", status="done", completed_on=TODAY().isoformat())
    assert client.post(reverse("assessment:task_create"), first).status_code == 302
    assert client.post(reverse("assessment:task_create"), task_post(tree.county_a, horizon().isoformat())).status_code == 302
    assert sorted(PracticalTask.objects.values_list("due_on", flat=True)) == [FOUNDING, horizon()]


def round_post(committee, held_on):
    return {"name": "党史知识测试", "held_on": held_on, "committee": committee.pk, "strata": "none",
            "sample_size": "2", "pass_mark": "60", "max_score": "100", "seed": "pub"}


@pytest.mark.parametrize("value", ABSURD)
def test_it_refuses_an_absurd_test_round_date(tree, people, value):
    for _ in range(3):
        MemberFactory(committee=tree.county_a)
    response = client_for(people.admin).post(reverse("assessment:round_create"), round_post(tree.county_a, value))
    assert response.status_code == 200
    assert codes(response.context["form"].errors, "held_on") == [expected_code(value, planning=False)]
    assert not TestRound.objects.exists()


@pytest.mark.parametrize("day", [FOUNDING, None])  # None: today
def test_it_accepts_a_test_round_on_the_founding_day_and_today(tree, people, day):
    day = day or TODAY()
    for _ in range(3):
        MemberFactory(committee=tree.county_a)
    response = client_for(people.admin).post(reverse("assessment:round_create"), round_post(tree.county_a, day.isoformat()))
    assert response.status_code == 302 and TestRound.objects.get().held_on == day


# ---------------------------------------------------------------- campaigns (kept in the admin)


@pytest.mark.parametrize("starts_on, ends_on, field", [
    (datetime.date(1949, 9, 30), datetime.date(1949, 10, 30), "starts_on"),
    (datetime.date(2021, 10, 15), datetime.date(9999, 12, 31), "ends_on"),
])
def test_it_bounds_a_campaigns_period(db, starts_on, ends_on, field):
    with pytest.raises(ValidationError) as refused:
        Campaign(code="c", name="学习月", starts_on=starts_on, ends_on=ends_on).full_clean()
    assert list(refused.value.message_dict) == [field]


# ---------------------------------------------------------------- the database's own checks


def test_it_refuses_a_queryset_update_that_desynchronises_the_month(tree):
    activity = ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 10, 5))
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(held_on=datetime.date(2021, 11, 5))
    Activity.objects.filter(pk=activity.pk).update(held_on=datetime.date(2021, 10, 28))  # same month: fine
    activity.refresh_from_db()
    assert (activity.held_on, activity.month) == (datetime.date(2021, 10, 28), datetime.date(2021, 10, 1))


def test_it_keeps_the_month_in_step_when_a_record_is_saved_or_edited(tree, people):
    activity = ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 10, 5))
    activity.held_on = datetime.date(2021, 12, 31)
    activity.full_clean()  # the model's constraint check sees the month that save() will write
    activity.save()
    assert Activity.objects.filter(pk=activity.pk, month=datetime.date(2021, 12, 1)).exists()
    assert Activity.objects.filter(month=MonthStart("held_on")).count() == 1


@pytest.mark.parametrize("model, update", [
    (Activity, {"held_on": datetime.date(1, 1, 1), "month": datetime.date(1, 1, 1)}),
    (Filing, {"planned_on": datetime.date(1949, 9, 30)}),
    (PracticalTask, {"due_on": datetime.date(1949, 9, 30)}),
    (Campaign, {"starts_on": datetime.date(1, 1, 1)}),
])
def test_it_refuses_raw_writes_before_the_founding(tree, people, model, update):
    ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 10, 5))
    make_filing(tree.county_a)
    practical_task_create(committee=tree.county_a, title="修路", due_on=datetime.date(2021, 9, 1))
    CampaignFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.update(**update)


# ---------------------------------------------------------------- the validators themselves


def test_the_validators_carry_no_date_into_migrations():
    for validator in (LoggedDate(), SessionDate(), PlanningDate(), PlanningYear()):
        path, args, kwargs = validator.deconstruct()
        assert path.startswith("studygroup.dates.") and args == () and kwargs == {}
        assert validator == type(validator)()


def test_the_horizon_follows_the_setting_and_the_clock():
    with override_settings(PLANNING_MAX_YEARS_AHEAD=0):
        assert latest_planning_date(datetime.date(2030, 3, 1)) == datetime.date(2030, 12, 31)
    with override_settings(PLANNING_MAX_YEARS_AHEAD=5):
        assert latest_planning_date(datetime.date(2030, 3, 1)) == datetime.date(2035, 12, 31)


def test_it_refuses_a_malformed_or_absurd_horizon(monkeypatch):
    monkeypatch.setenv("PLANNING_MAX_YEARS_AHEAD", "-1")
    with pytest.raises(ImproperlyConfigured):
        env.envint("PLANNING_MAX_YEARS_AHEAD", 5, minimum=0, maximum=100)
    monkeypatch.setenv("PLANNING_MAX_YEARS_AHEAD", "five")
    with pytest.raises(ImproperlyConfigured):
        env.envint("PLANNING_MAX_YEARS_AHEAD", 5, minimum=0, maximum=100)
    monkeypatch.setenv("PLANNING_MAX_YEARS_AHEAD", "10")
    assert env.envint("PLANNING_MAX_YEARS_AHEAD", 5, minimum=0, maximum=100) == 10
