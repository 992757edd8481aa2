"""The detail page: all facts, attendance totals, evidence, and a history saying who changed which field."""
import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from sessions_app.models import Activity, LecturerLevel
from sessions_app.testing import png_upload, record_post

from .factories import ActivityFactory, UserFactory


@pytest.fixture
def alice(people):
    client = Client()
    client.force_login(people.secretary_a)
    return client


@pytest.fixture
def lecture(alice):
    data = {**record_post("outreach_lecture", audience_count="45", speaker="李书记"), "attachments": png_upload()}
    assert alice.post("/records/new/outreach_lecture/", data).status_code == 302
    return Activity.objects.get()


def edit(client, activity, **changes):
    data = record_post(activity.kind, held_on=activity.held_on, audience_count=str(activity.audience_count),
                       speaker=activity.speaker, title=activity.title)
    data.update(changes)
    return client.post(f"/records/{activity.pk}/edit/", data)


def test_it_shows_who_changed_which_field_from_what_to_what(alice, lecture, people):
    assert edit(alice, lecture, audience_count="60", speaker="王书记").status_code == 302
    response = alice.get(f"/records/{lecture.pk}/")
    latest = response.context["history"][0]
    assert latest.who == people.secretary_a
    changes = {(c.label, c.old, c.new) for c in latest.changes}
    with translation.override("zh-hans"):
        assert changes == {
            (str(Activity._meta.get_field("audience_count").verbose_name), "45", "60"),
            (str(Activity._meta.get_field("speaker").verbose_name), "李书记", "王书记"),
        }
    html = response.content.decode()
    assert "李书记" in html and "王书记" in html and people.secretary_a.full_name in html


def test_it_shows_choice_changes_as_their_labels(alice, lecture):
    edit(alice, lecture, lecturer_level="city_leader")
    change = alice.get(f"/records/{lecture.pk}/").context["history"][0].changes[0]
    with translation.override("zh-hans"):
        assert (change.old, change.new) == (str(LecturerLevel.COUNTY_LEADER.label), str(LecturerLevel.CITY_LEADER.label))
    assert change.new != "city_leader"


def test_it_records_attendance_changes_per_member_in_the_line_of_the_save(alice, tree, members_a, people):
    data = record_post("collective", members=members_a)
    alice.post("/records/new/collective/", data)
    activity = Activity.objects.get()
    data = record_post("collective", members=members_a, held_on=activity.held_on, title=activity.title)
    data.update({"att-0-status": "excused", "att-0-reason": "因公出差"})
    assert alice.post(f"/records/{activity.pk}/edit/", data).status_code == 302
    latest = alice.get(f"/records/{activity.pk}/").context["history"][0]
    assert latest.who == people.secretary_a
    [group] = latest.groups
    [change] = group.changes
    assert change.label == members_a[0].name and "因公出差" in change.new
    assert activity.attendance.get(member=members_a[0]).status == "excused"


def test_it_shows_attendance_totals_evidence_and_dates(alice, tree, members_a):
    data = record_post("collective", members=members_a)
    data.update({"att-1-status": "absent", "att-1-reason": "无故缺席", "att-2-status": "excused", "att-2-reason": "病假",
                 "att-2-made_up_on": timezone.localdate().isoformat(), "attachments": png_upload()})
    alice.post("/records/new/collective/", data)
    activity = Activity.objects.get()
    response = alice.get(f"/records/{activity.pk}/")
    totals = response.context["totals"]
    assert (totals["present"], totals["absent"], totals["excused"], totals["total"], totals["made_up"]) == (2, 1, 1, 4, 1)
    html = response.content.decode()
    attachment = activity.attachments.get()
    assert f'<img src="/attachments/{attachment.pk}/"' in html
    assert activity.held_on.isoformat() in html


def test_it_marks_a_record_entered_after_its_month_closed(alice, tree):
    held = timezone.localdate().replace(day=1) - datetime.timedelta(days=35)  # the month before last: closed
    late = ActivityFactory(committee=tree.county_a, held_on=held)
    timely = ActivityFactory(committee=tree.county_a)
    assert 'id="late-badge"' in alice.get(f"/records/{late.pk}/").content.decode()
    assert 'id="late-badge"' not in alice.get(f"/records/{timely.pk}/").content.decode()


def test_it_deletes_after_confirmation_and_keeps_the_history(alice, lecture):
    page = alice.get(f"/records/{lecture.pk}/delete/")
    assert page.status_code == 200 and Activity.objects.exists()
    assert alice.post(f"/records/{lecture.pk}/delete/").status_code == 302
    assert not Activity.objects.exists()
    assert Activity.history.filter(id=lecture.pk, history_type="-").exists()


def test_it_removes_a_ticked_attachment_on_edit(alice, lecture):
    attachment = lecture.attachments.get()
    assert edit(alice, lecture, remove_attachments=str(attachment.pk)).status_code == 302
    assert not lecture.attachments.exists()


def test_it_does_not_serve_attachments_by_media_url(alice, lecture):
    attachment = lecture.attachments.get()
    assert alice.get(f"/media-not-public/{attachment.file.name}").status_code == 404
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(f"/attachments/{attachment.pk}/").status_code == 404
    ok = alice.get(f"/attachments/{attachment.pk}/")
    assert ok.status_code == 200 and ok["Content-Type"] == "image/png"
