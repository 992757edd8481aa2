"""The record list's read path answers what the records hold and what DRF's own serializers answer: the related
rows read as plain rows (api/reading.py) are the records' relations, in their order, and the compiled plan
(api/representation.py) gives DRF's output exactly, for every kind of record, with attendance (reasons, make-up
dates), articles, plan topics, a campaign and a theme, and the empty and null facts of the kinds that keep none."""
import datetime

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from api.representation import Compiled
from sessions_app.models import Activity, ActivityKind, Article, Attendance, AttendanceStatus, PlanTopic, StudyPlan

from .factories import ActivityFactory, CampaignFactory, ThemeFactory

RECORDS = "/api/v1/records/"


@pytest.fixture
def every_kind(tree, people, members_a):
    held_on = datetime.date(2021, 11, 2)
    plan = StudyPlan.objects.create(committee=tree.county_a, year=2021, title="甲县年度学习计划")
    # Created out of their order: the list shows a record's plan topics in the plan's order, its roster's order.
    topics = [PlanTopic.objects.create(plan=plan, title=f"专题{n}", source="assigned", order=n) for n in (2, 1)][::-1]
    campaign, theme = CampaignFactory(), ThemeFactory()
    for n, kind in enumerate(ActivityKind):
        record = ActivityFactory(committee=tree.county_a, kind=kind, held_on=held_on + datetime.timedelta(days=n),
                                 campaign=campaign if n % 2 else None, theme=theme if n % 3 == 0 else None,
                                 led_by="书记" if n % 2 else "", audience_count=40 if n == 4 else None)
        record.plan_topics.set(topics[: n % 3])
        if record.takes_attendance:
            Attendance.objects.bulk_create([
                Attendance(activity=record, member=members_a[1], status=AttendanceStatus.EXCUSED, reason="出差",
                           made_up_on=held_on + datetime.timedelta(days=20), made_up_note="自学"),
                Attendance(activity=record, member=members_a[0], status=AttendanceStatus.PRESENT),
            ])
        if kind == ActivityKind.REFLECTION:
            Article.objects.create(activity=record, author="张三", title="学习体会", text="正文")
            Article.objects.create(activity=record, author="李四", title="守初心", original_name="守初心.docx")
    ActivityFactory(committee=tree.grassroots_a1)  # a second committee on the page
    client = APIClient()
    client.force_login(people.leader_a)
    return client


def test_the_list_shows_each_records_own_rows_in_their_order(every_kind):
    shown = {r["id"]: r for r in every_kind.get(RECORDS).json()["results"]}
    for record in Activity.objects.filter(pk__in=shown):
        attendance = record.attendance.order_by("member__order", "member_id")
        assert [(a["member"], a["member_name"], a["status"], a["reason"], a["made_up_note"]) for a in
                shown[record.pk]["attendance"]] == [
            (a.member_id, a.member.name, a.status, a.reason, a.made_up_note) for a in attendance]
        assert [(a["id"], a["title"], a["original_name"]) for a in shown[record.pk]["articles"]] == [
            (a.id, a.title, a.original_name) for a in record.articles.all()]
        assert shown[record.pk]["plan_topics"] == [t.pk for t in record.plan_topics.all()]
    assert any(len(r["plan_topics"]) == 2 for r in shown.values())
    assert any(len(r["articles"]) == 2 for r in shown.values())


def test_the_list_answers_what_drfs_serializers_answer(every_kind, monkeypatch):
    compiled = every_kind.get(RECORDS).json()
    monkeypatch.setattr(Compiled, "to_representation", serializers.Serializer.to_representation)
    plain = every_kind.get(RECORDS).json()
    assert compiled == plain
    shown = compiled["results"]
    assert len(shown) == len(ActivityKind) + 1
    assert any(r["attendance"] and r["attendance"][1]["made_up_on"] for r in shown)
    assert any(r["articles"] for r in shown) and any(r["plan_topics"] for r in shown)
    assert any(r["campaign"] for r in shown) and any(r["campaign"] is None for r in shown)


def test_one_record_answers_what_drfs_serializers_answer(every_kind, monkeypatch):
    pk = every_kind.get(RECORDS, {"kind": ActivityKind.REFLECTION.value}).json()["results"][0]["id"]
    compiled = every_kind.get(f"{RECORDS}{pk}/").json()
    monkeypatch.setattr(Compiled, "to_representation", serializers.Serializer.to_representation)
    assert compiled == every_kind.get(f"{RECORDS}{pk}/").json()
    assert compiled["articles"][0]["title"] == "学习体会"
