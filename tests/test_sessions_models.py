"""Records of every kind through the services (the only write path), and the model's own checks."""
import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sessions_app.forms import KIND_REQUIRED, RecordEntry
from sessions_app.models import Activity, ActivityKind, Attendance
from sessions_app.services import activity_create, activity_delete, activity_update
from sessions_app.testing import MINIMAL, record_post

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
FIELD_TYPES = {"period_count": int, "day_count": int, "participant_count": int, "audience_count": int,
               "article_count": int}


def minimal_data(kind):
    data = {"held_on": YESTERDAY, "title": "学习主题"}
    for name, value in MINIMAL[kind].items():
        data[name] = FIELD_TYPES.get(name, str)(value)
    if kind == ActivityKind.READING_CLASS:
        data["ends_on"] = YESTERDAY
    return data


@pytest.mark.parametrize("kind", list(ActivityKind))
def test_it_saves_the_minimal_record_of_every_kind_through_the_service(people, tree, kind):
    activity = activity_create(user=people.secretary_a, committee=tree.county_a, kind=kind, data=minimal_data(kind))
    activity.refresh_from_db()
    assert activity.kind == kind
    assert activity.month == YESTERDAY.replace(day=1)
    assert activity.history.count() == 1 and activity.history.first().history_user == people.secretary_a


@pytest.mark.parametrize("kind", list(ActivityKind))
def test_it_builds_a_valid_form_from_minimal_input_for_every_kind(people, tree, members_a, kind):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update(record_post(kind, members=members_a))
    entry = RecordEntry(kind=kind, writable_committees=tree.county_a.subtree().filter(pk=tree.county_a.pk),
                        sole_committee=tree.county_a, data=data, files={})
    assert entry.is_valid(), (entry.form.errors, entry.attendance and entry.attendance.errors)
    for name in KIND_REQUIRED.get(kind, []):
        assert entry.form.fields[name].required


def test_it_refuses_a_reader_in_the_service(people, tree):
    with pytest.raises(PermissionDenied):
        activity_create(user=people.leader_city, committee=tree.county_a, kind="collective",
                        data=minimal_data(ActivityKind.COLLECTIVE))
    assert not Activity.objects.exists()


def test_it_returns_the_first_record_for_a_repeated_submission_key(people, tree):
    key = uuid.uuid4()
    first = activity_create(user=people.secretary_a, committee=tree.county_a, kind="collective",
                            data=minimal_data(ActivityKind.COLLECTIVE), submission_key=key)
    second = activity_create(user=people.secretary_a, committee=tree.county_a, kind="collective",
                             data=minimal_data(ActivityKind.COLLECTIVE), submission_key=key)
    assert first.pk == second.pk and Activity.objects.count() == 1


def test_it_validates_dates_in_the_service_too(people, tree):
    data = minimal_data(ActivityKind.READING_CLASS)
    data["ends_on"] = YESTERDAY - datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        activity_create(user=people.secretary_a, committee=tree.county_a, kind="reading_class", data=data)
    assert "ends_on" in error.value.message_dict
    data = {**minimal_data(ActivityKind.COLLECTIVE), "held_on": timezone.localdate() + datetime.timedelta(days=3)}
    with pytest.raises(ValidationError) as error:
        activity_create(user=people.secretary_a, committee=tree.county_a, kind="collective", data=data)
    assert "held_on" in error.value.message_dict
    assert not Activity.objects.exists()


def test_it_rolls_back_the_record_when_attendance_fails(people, tree, members_a):
    rows = [{"member": members_a[0].pk, "status": "present"}, {"member": members_a[0].pk, "status": "late"}]
    with pytest.raises(Exception):
        activity_create(user=people.secretary_a, committee=tree.county_a, kind="collective",
                        data=minimal_data(ActivityKind.COLLECTIVE), attendance=rows)
    assert not Activity.objects.exists() and not Attendance.objects.exists()


def test_it_updates_only_changed_attendance_rows(people, tree, members_a):
    rows = [{"member": m.pk, "status": "present"} for m in members_a]
    activity = activity_create(user=people.secretary_a, committee=tree.county_a, kind="collective",
                               data=minimal_data(ActivityKind.COLLECTIVE), attendance=rows)
    rows[0] = {"member": members_a[0].pk, "status": "late"}
    activity_update(user=people.secretary_a, activity=activity, data={"title": "新题目"}, attendance=rows)
    assert Attendance.history.filter(history_type="~").count() == 1
    assert activity.attendance.get(member=members_a[0]).status == "late"


def test_it_deletes_a_record_with_its_attendance(people, tree, members_a):
    rows = [{"member": m.pk, "status": "present"} for m in members_a]
    activity = activity_create(user=people.secretary_a, committee=tree.county_a, kind="collective",
                               data=minimal_data(ActivityKind.COLLECTIVE), attendance=rows)
    activity_delete(user=people.secretary_a, activity=activity)
    assert not Activity.objects.exists() and not Attendance.objects.exists()


@pytest.mark.parametrize("status", ["excused", "absent"])
def test_it_requires_the_reason_for_leave_and_absence_in_the_model(tree, members_a, status):
    activity = Activity.objects.create(committee=tree.county_a, kind=ActivityKind.COLLECTIVE,
                                       held_on=timezone.localdate(), title="集体学习")
    row = Attendance(activity=activity, member=members_a[0], status=status, reason=" ")
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert list(refused.value.message_dict) == ["reason"]
    row.reason = "出差"
    row.full_clean()
