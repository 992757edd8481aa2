"""Reminders fire once per cause and only while the cause holds; scheduled bulletins go once, within scope."""
import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from committees.models import Role
from reminders import services
from reminders.models import BulletinDelivery, BulletinSubscription, ReminderSent, Rule
from reports import rollup
from sessions_app.closing import closes_at, last_closed_month
from sessions_app.models import Activity, ActivityKind, PlanTopic, StudyPlan
from supervision.models import Notification

from .factories import ActivityFactory
from .supervision_factories import make_auditor, make_filing, make_visit

TODAY = timezone.localdate()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def only(settings):
    def enable(*rules):
        settings.REMINDER_RULES = [str(r) for r in rules]
    return enable


def reminded(user, rule):
    return list(ReminderSent.objects.filter(user=user, rule=rule).values_list("cause", flat=True))


def test_it_reminds_a_silent_groups_secretary_once_per_silence(tree, people, only):
    only(Rule.SILENT_GROUP)
    ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE, held_on=days_ago(70))
    ActivityFactory(committee=tree.county_b, kind=ActivityKind.COLLECTIVE, held_on=days_ago(10))

    assert services.reminders_send(today=TODAY) == 1
    assert reminded(people.secretary_a, Rule.SILENT_GROUP) == [f"{tree.county_a.pk}:{days_ago(70)}"]
    assert reminded(people.secretary_b, Rule.SILENT_GROUP) == []
    notice = Notification.objects.get(user=people.secretary_a)
    assert "甲县委" in notice.message and "60" in notice.message
    assert services.reminders_send(today=TODAY) == 0  # the same cause: nothing new

    ActivityFactory(committee=tree.county_a, kind=ActivityKind.READING_CLASS, held_on=days_ago(1))
    assert services.reminders_send(today=TODAY) == 0  # the cause no longer holds
    later = TODAY + datetime.timedelta(days=62)
    assert services.reminders_send(today=later) == 2  # a new silence in A, and now B too
    assert len(reminded(people.secretary_a, Rule.SILENT_GROUP)) == 2


def test_it_does_not_count_a_lecture_as_a_study_session(tree, people, only):
    only(Rule.SILENT_GROUP)
    ActivityFactory(committee=tree.county_a, kind=ActivityKind.EXPERT_LECTURE, held_on=days_ago(1))
    services.reminders_send(today=TODAY)
    assert reminded(people.secretary_a, Rule.SILENT_GROUP) == [f"{tree.county_a.pk}:never"]


def test_it_tells_the_leaders_above_only_after_the_escalation_days(tree, people, only, settings):
    only(Rule.SILENT_GROUP_ESCALATED)
    settings.SILENT_DAYS, settings.REMINDER_ESCALATE_DAYS = 60, 30
    ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE, held_on=days_ago(70))
    ActivityFactory(committee=tree.county_b, kind=ActivityKind.COLLECTIVE, held_on=days_ago(95))
    ActivityFactory(committee=tree.grassroots_a1, kind=ActivityKind.COLLECTIVE, held_on=days_ago(5))
    ActivityFactory(committee=tree.city, kind=ActivityKind.COLLECTIVE, held_on=days_ago(5))

    services.reminders_send(today=TODAY)
    assert reminded(people.leader_city, Rule.SILENT_GROUP_ESCALATED) == [f"{tree.county_b.pk}:{days_ago(95)}"]
    assert reminded(people.leader_b, Rule.SILENT_GROUP_ESCALATED) == []  # the leaders ABOVE the group
    assert reminded(people.secretary_b, Rule.SILENT_GROUP_ESCALATED) == []


def test_it_reminds_of_a_filed_session_never_logged(tree, people, only, settings):
    only(Rule.FILING_NOT_LOGGED)
    settings.REMINDER_FILING_GRACE_DAYS = 2
    late = make_filing(tree.county_a, planned_on=days_ago(5))
    make_filing(tree.county_a, planned_on=days_ago(1))  # within the grace days
    held = ActivityFactory(committee=tree.county_b, kind=ActivityKind.COLLECTIVE, held_on=days_ago(6))
    make_filing(tree.county_b, planned_on=days_ago(6), activity=held)

    assert services.reminders_send(today=TODAY) == 1
    assert reminded(people.secretary_a, Rule.FILING_NOT_LOGGED) == [str(late.pk)]
    assert services.reminders_send(today=TODAY) == 0


def test_it_reminds_of_an_overdue_rectification_until_it_is_closed(tree, people, only):
    only(Rule.RECTIFICATION_OVERDUE)
    auditor = make_auditor(people.auditor, home=tree.city, may_visit=[tree.county_a])
    make_visit(auditor, tree.county_a, visited_on=days_ago(40), rectifications=1, due_on=days_ago(3))
    make_visit(auditor, tree.county_b, visited_on=days_ago(40), rectifications=1, due_on=days_ago(3),
               rect_status="closed")
    make_visit(auditor, tree.county_b, visited_on=days_ago(4), rectifications=1, due_on=TODAY)

    assert services.reminders_send(today=TODAY) == 1
    assert len(reminded(people.secretary_a, Rule.RECTIFICATION_OVERDUE)) == 1
    assert reminded(people.secretary_b, Rule.RECTIFICATION_OVERDUE) == []


def test_it_reminds_of_uncovered_plan_topics_late_in_the_year_only(tree, people, only, settings):
    only(Rule.PLAN_TOPIC_UNCOVERED)
    settings.REMINDER_PLAN_FROM_MONTH = 10
    year = TODAY.year - 1
    plan = StudyPlan.objects.create(committee=tree.county_a, year=year, title="年度学习计划", approved_by="书记",
                                    approved_on=datetime.date(year, 1, 10))
    covered = PlanTopic.objects.create(plan=plan, title="已学专题", source="assigned")
    open_topic = PlanTopic.objects.create(plan=plan, title="未学专题", source="assigned")
    session = ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(year, 3, 1))
    session.plan_topics.add(covered)

    assert services.reminders_send(today=datetime.date(year, 9, 30)) == 0
    assert services.reminders_send(today=datetime.date(year, 10, 1)) == 1
    assert reminded(people.secretary_a, Rule.PLAN_TOPIC_UNCOVERED) == [str(open_topic.pk)]


def test_it_warns_before_a_month_closes_only_the_groups_with_no_record(tree, people, only, settings):
    only(Rule.MONTH_CLOSING_EMPTY)
    settings.MONTH_CLOSE_DAY, settings.REMINDER_CLOSE_WARN_DAYS = 5, 3
    year = TODAY.year - 1
    ActivityFactory(committee=tree.county_a, kind=ActivityKind.EXPERT_LECTURE, held_on=datetime.date(year, 10, 9))

    assert services.reminders_send(today=datetime.date(year, 11, 1)) == 0  # four days before: not yet
    assert services.reminders_send(today=datetime.date(year, 11, 3)) == 1
    assert reminded(people.secretary_b, Rule.MONTH_CLOSING_EMPTY) == [f"{tree.county_b.pk}:{year}-10"]
    assert services.reminders_send(today=datetime.date(year, 11, 5)) == 0  # closed


def test_it_e_mails_a_reminder_to_a_user_with_an_address(tree, people, only, django_capture_on_commit_callbacks):
    only(Rule.SILENT_GROUP)
    people.secretary_a.email = "alice@example.org"
    people.secretary_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(today=TODAY)
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


# ---------------------------------------------------------------- scheduled bulletins


@pytest.fixture
def closed_month_records(tree):
    month = last_closed_month()
    ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE, held_on=month.replace(day=3))
    ActivityFactory(committee=tree.county_b, kind=ActivityKind.COLLECTIVE, held_on=month.replace(day=4))
    rollup.rollup_months([month])
    return month


def subscribe(user, committee, email):
    user.email = email
    user.save()
    subscription = services.subscription_create(user=user, committee=committee)
    BulletinSubscription.objects.filter(pk=subscription.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    return subscription


def send_all():
    return [services.delivery_send(delivery_id=i) for i in services.deliveries_due()]


def docx_text(payload):
    import io

    from docx import Document

    doc = Document(io.BytesIO(payload))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_it_sends_the_closed_months_bulletin_once_within_the_subscribers_scope(tree, people, closed_month_records):
    subscribe(people.leader_a, tree.county_a, "dora@example.org")

    assert send_all() == ["sent"]
    assert send_all() == []  # once
    message = mail.outbox[0]
    assert message.to == ["dora@example.org"]
    name, payload, _type = message.attachments[0]
    assert name.endswith(".docx")
    text = docx_text(payload)
    assert "甲县委" in text and "乙县委" not in text  # a county leader's bulletin holds nothing of another county
    delivery = BulletinDelivery.objects.get()
    assert delivery.month == closed_month_records and delivery.sent_at is not None


def test_it_waits_for_current_figures_and_skips_a_subscriber_who_no_longer_leads(tree, people, closed_month_records):
    subscribe(people.leader_a, tree.county_a, "dora@example.org")
    ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE, held_on=closed_month_records.replace(day=9))
    assert send_all() == ["waiting"]  # a change to the month waits for the rollup (trigger marks, inline kick at commit)
    rollup.rollup_dirty()
    Role.objects.filter(user=people.leader_a).delete()
    people.leader_a._studygroup_scope = None
    assert send_all() == ["skipped"]
    assert mail.outbox == []


def test_it_does_not_send_a_month_closed_before_the_subscription(tree, people, closed_month_records):
    people.leader_a.email = "dora@example.org"
    people.leader_a.save()
    services.subscription_create(user=people.leader_a, committee=tree.county_a)  # subscribed just now
    assert timezone.now() > closes_at(closed_month_records)
    assert send_all() == []


def test_it_refuses_a_subscription_outside_what_the_user_leads(tree, people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.subscription_create(user=people.leader_a, committee=tree.county_b)
    with pytest.raises(ValidationError):
        services.subscription_create(user=people.secretary_a, committee=tree.county_a)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_it_lets_a_leader_manage_subscriptions_in_the_portal(tree, people):
    client = client_for(people.leader_a)
    page = client.get("/reminders/subscriptions/")
    assert page.status_code == 200 and "甲一镇" not in page.content.decode()
    response = client.post("/reminders/subscriptions/", {"committee": tree.county_a.pk})
    assert response.status_code == 302
    subscription = BulletinSubscription.objects.get(user=people.leader_a)
    refused = client.post("/reminders/subscriptions/", {"committee": tree.county_b.pk})
    assert refused.status_code == 200 and refused.context["form"].errors["committee"]
    assert client_for(people.leader_b).post(f"/reminders/subscriptions/{subscription.pk}/delete/").status_code == 404
    assert client.post(f"/reminders/subscriptions/{subscription.pk}/delete/").status_code == 302
    assert not BulletinSubscription.objects.exists()


def test_it_answers_404_to_a_user_who_leads_nothing(people):
    assert client_for(people.secretary_a).get("/reminders/subscriptions/").status_code == 404
    assert not Activity.objects.exists()


def test_it_links_the_subscriptions_from_a_leaders_bulletin_page_only(tree, people):
    assert "/reminders/subscriptions/" in client_for(people.leader_a).get("/reports/bulletin/").content.decode()
    assert "/reminders/subscriptions/" not in client_for(people.secretary_a).get("/reports/bulletin/").content.decode()
