"""Logging a record of every kind: what each kind asks for, and bad input rejected at the right field."""
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from sessions_app.forms import KIND_REQUIRED
from sessions_app.models import Activity, ActivityKind, Attachment, Attendance, AttendanceStatus
from sessions_app.testing import image_bytes, pdf_upload, png_upload, record_post

from .factories import ActivityFactory, MemberFactory

ALL_KINDS = list(ActivityKind)
REQUIRED = [(kind, name) for kind in ALL_KINDS for name in KIND_REQUIRED.get(kind, [])]


@pytest.fixture
def alice(people):
    client = Client()
    client.force_login(people.secretary_a)
    return client


def create(client, kind, data):
    return client.post(f"/records/new/{kind}/", data)


def field_errors(response, name):
    return response.context["form"].errors.get(name, [])


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_it_saves_the_minimal_record_of_every_kind(alice, tree, people, members_a, kind):
    response = create(alice, kind, record_post(kind, members=members_a if _takes_attendance(kind) else []))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert response.url == f"/records/{activity.pk}/"
    assert (activity.kind, activity.committee, activity.created_by) == (kind, tree.county_a, people.secretary_a)
    if _takes_attendance(kind):
        assert activity.attendance.filter(status=AttendanceStatus.PRESENT).count() == len(members_a)


def _takes_attendance(kind):
    return Activity(kind=kind).takes_attendance


@pytest.mark.parametrize("kind,name", REQUIRED, ids=[f"{k.value}-{n}" for k, n in REQUIRED])
def test_it_requires_each_kinds_own_facts(alice, members_a, kind, name):
    data = record_post(kind, members=members_a if _takes_attendance(kind) else [])
    data[name] = ""
    response = create(alice, kind, data)
    assert response.status_code == 200
    assert field_errors(response, name)
    assert not Activity.objects.exists()


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_it_asks_only_what_the_kind_needs(alice, kind):
    fields = set(alice.get(f"/records/new/{kind}/").context["form"].fields)
    assert {"held_on", "title", "materials", "campaign", "theme", "plan_topics", "notes"} <= fields
    assert "committee" not in fields  # alice writes for one committee only: it is implied
    if kind != ActivityKind.OUTREACH_LECTURE:
        assert "audience_count" not in fields
    if kind != ActivityKind.READING_CLASS:
        assert "period_count" not in fields


def test_it_marks_the_date_inputs_as_dates_and_offers_photos_and_pdfs(alice):
    html = alice.get("/records/new/reading_class/").content.decode()
    assert 'type="date" name="held_on"' in html
    assert 'type="date" name="ends_on"' in html
    assert 'accept="image/*,application/pdf"' in html
    assert 'capture="environment"' in html


def test_it_lets_a_two_committee_secretary_pick_only_their_committees(tree, people, members_a):
    from committees.models import Role, RoleKind

    Role.objects.create(user=people.secretary_a, committee=tree.grassroots_a1, kind=RoleKind.SECRETARY)
    client = Client()
    client.force_login(people.secretary_a)
    form = client.get("/records/new/collective/").context["form"]
    assert set(form.fields["committee"].queryset) == {tree.county_a, tree.grassroots_a1}
    response = create(client, "collective", record_post("collective", committee=tree.county_b))
    assert field_errors(response, "committee")
    response = create(client, "collective", record_post("collective", committee=tree.county_a, members=members_a))
    assert response.status_code == 302
    assert Activity.objects.get().committee == tree.county_a


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["-1", "100001", "99999999999"])
def test_it_rejects_a_negative_or_absurd_audience(alice, value):
    response = create(alice, "outreach_lecture", record_post("outreach_lecture", audience_count=value))
    assert field_errors(response, "audience_count")
    assert not Activity.objects.exists()


@pytest.mark.parametrize("value", ["-5", "100001"])
def test_it_rejects_a_negative_or_absurd_participant_count(alice, value):
    response = create(alice, "field_study", record_post("field_study", participant_count=value))
    assert field_errors(response, "participant_count")
    assert not Activity.objects.exists()


def test_it_rejects_attendance_for_a_non_member(alice, tree, members_a):
    stranger = MemberFactory(committee=tree.county_b)
    data = record_post("collective", members=members_a + [stranger])
    response = create(alice, "collective", data)
    assert response.status_code == 200
    rows = response.context["entry"].attendance.forms
    assert rows[-1].errors["member"]
    assert all(not row.errors for row in rows[:-1])
    assert not Activity.objects.exists() and not Attendance.objects.exists()


def test_it_requires_a_reason_for_an_excused_absence(alice, members_a):
    data = record_post("collective", members=members_a)
    data["att-1-status"] = "excused"
    response = create(alice, "collective", data)
    assert response.context["entry"].attendance.forms[1].errors["reason"]
    assert not Activity.objects.exists()


def test_it_keeps_make_up_study_and_reasons(alice, members_a):
    data = record_post("collective", members=members_a)
    day = timezone.localdate()
    data.update({"att-2-status": "excused", "att-2-reason": "因公出差", "att-2-made_up_on": day.isoformat(),
                 "att-2-made_up_note": "自学并提交笔记"})
    assert create(alice, "collective", data).status_code == 302
    row = Attendance.objects.get(member=members_a[2])
    assert (row.status, row.reason, row.made_up_on, row.made_up_note) == ("excused", "因公出差", day, "自学并提交笔记")


def test_it_rejects_a_session_dated_in_the_future(alice, members_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = create(alice, "collective", record_post("collective", members=members_a, held_on=tomorrow))
    assert field_errors(response, "held_on")
    assert not Activity.objects.exists()


def test_it_rejects_a_reading_class_ending_before_it_starts(alice, members_a):
    day = timezone.localdate() - datetime.timedelta(days=3)
    data = record_post("reading_class", members=members_a, held_on=day,
                       ends_on=(day - datetime.timedelta(days=1)).isoformat())
    response = create(alice, "reading_class", data)
    assert field_errors(response, "ends_on")
    assert not field_errors(response, "held_on")
    assert not Activity.objects.exists()


def test_it_rejects_a_jpg_that_is_really_text(alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe, not a photo", content_type="image/jpeg")
    response = create(alice, "outreach_lecture", {**record_post("outreach_lecture"), "attachments": fake})
    assert response.status_code == 200
    assert "photo.jpg" in field_errors(response, "attachments")[0]
    assert not Activity.objects.exists() and not Attachment.objects.exists()


def test_it_rejects_a_file_that_is_too_large(alice, settings):
    settings.ATTACHMENT_MAX_BYTES = 50
    response = create(alice, "outreach_lecture", {**record_post("outreach_lecture"), "attachments": png_upload()})
    assert field_errors(response, "attachments")
    assert not Activity.objects.exists() and not Attachment.objects.exists()


def test_it_keeps_typed_values_and_asks_to_reselect_files_after_an_error(alice):
    data = {**record_post("outreach_lecture", audience_count="-3", speaker="李书记"), "attachments": png_upload()}
    response = create(alice, "outreach_lecture", data)
    html = response.content.decode()
    assert 'value="李书记"' in html and 'value="-3"' in html
    assert response.context["reselect_files"]


def test_it_stores_photos_and_pdfs_with_their_real_type(alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    webp = SimpleUploadedFile("a.webp", image_bytes("WEBP"), content_type="application/octet-stream")
    data = {**record_post("field_study"), "attachments": [png_upload(), pdf_upload(), webp]}
    assert create(alice, "field_study", data).status_code == 302
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == [
        "application/pdf", "image/png", "image/webp",
    ]


def test_it_creates_one_record_when_the_form_is_posted_twice(alice, members_a):
    data = record_post("collective", members=members_a)
    first = create(alice, "collective", data)
    second = create(alice, "collective", data)
    assert Activity.objects.count() == 1
    assert first.url == second.url == f"/records/{Activity.objects.get().pk}/"
    assert Attendance.objects.count() == len(members_a)


def test_it_404s_when_editing_another_committees_record_by_changing_the_id(alice, tree):
    other = ActivityFactory(committee=tree.county_b, title="乙县的记录")
    response = alice.post(f"/records/{other.pk}/edit/", {**record_post("collective"), "title": "改掉"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.title == "乙县的记录"
    assert alice.post(f"/records/{other.pk}/delete/").status_code == 404
    assert Activity.objects.filter(pk=other.pk).exists()


def test_it_refuses_a_post_without_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.secretary_a)
    response = client.post("/records/new/outreach_lecture/", record_post("outreach_lecture"))
    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_it_rejects_plan_topics_of_another_committee(alice, tree):
    from sessions_app.models import PlanTopic, StudyPlan

    year = timezone.localdate().year
    other = StudyPlan.objects.create(committee=tree.county_b, year=year, title="乙县计划")
    topic = PlanTopic.objects.create(plan=other, title="乙县专题", source="assigned")
    response = create(alice, "research_report", {**record_post("research_report"), "plan_topics": [topic.pk]})
    assert field_errors(response, "plan_topics")
    assert not Activity.objects.exists()


def test_it_needs_an_author_or_a_counted_batch_for_reflections(alice):
    response = create(alice, "reflection", record_post("reflection", author="", article_count="1"))
    assert field_errors(response, "author")
    assert create(alice, "reflection", record_post("reflection", author="", article_count="12")).status_code == 302
    assert Activity.objects.get().article_count == 12
