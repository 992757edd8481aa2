"""Month close that holds (issue 8, part 5): a closed month's records change only through a correction with a
reason, the correction is in the record's history and the leaders' corrections list, and the late flag is
decided by when a record entered the portal relative to its month's close.

October 2021 is closed (it closed on 5 November 2021 with the default MONTH_CLOSE_DAY); this month is open.
"""
import datetime
import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone, translation
from openpyxl import load_workbook

from reports import tasks
from reports.models import MonthStatus
from reports.schedule import beat_schedule
from reports.services import month_close
from sessions_app.closing import closes_at, is_closed, last_closed_month
from sessions_app.models import Activity, Attachment, AttendanceStatus, Correction, month_is_closed
from sessions_app.services import activity_delete, activity_update
from sessions_app.testing import attendance_post, png_upload, record_post

from .factories import ActivityFactory

SHANGHAI = timezone.get_default_timezone()
OCT = datetime.date(2021, 10, 1)
SEP = datetime.date(2021, 9, 1)
HELD = datetime.date(2021, 10, 12)
CLOSED_MESSAGE = "%(months)s is closed: changing its records is a correction. Give the reason for the correction."


def at(*args):
    return timezone.make_aware(datetime.datetime(*args), SHANGHAI)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(people):
    return client_for(people.secretary_a)


@pytest.fixture
def october(tree, people):
    """A collective study of county A held in October 2021 and entered on time (the same evening)."""
    return ActivityFactory(committee=tree.county_a, held_on=HELD, title="十月学习", created_by=people.secretary_a,
                           created_at=at(2021, 10, 12, 20))


@pytest.fixture
def this_month(tree, people):
    return ActivityFactory(committee=tree.county_a, held_on=timezone.localdate(), title="本月学习",
                           created_by=people.secretary_a)


def edit_post(activity, **changes):
    data = record_post(activity.kind, held_on=activity.held_on, title=activity.title)
    data.update(changes)
    return data


def zh(msgid, **params):
    """The Simplified Chinese of a message (the portal's default language)."""
    with translation.override("zh-hans"):
        text = translation.gettext(str(msgid))
    return text % params if params else text


def state(activity):
    """Everything a refused change must leave as it was."""
    activity.refresh_from_db()
    return (activity.title, activity.held_on, activity.is_late, Activity.history.filter(id=activity.pk).count(),
            Correction.objects.count(), Attachment.objects.count())


# ------------------------------------------------------------------ the form


def test_it_shows_the_edit_page_of_a_closed_month_as_closed_and_asks_for_a_reason(alice, october):
    html = alice.get(f"/records/{october.pk}/edit/").content.decode()
    assert 'id="month-closed"' in html and 'name="reason"' in html
    assert "2021-11-05 00:00" in html


def test_it_refuses_a_plain_edit_of_a_closed_months_record(alice, october):
    before = state(october)
    response = alice.post(f"/records/{october.pk}/edit/", edit_post(october, title="改过的标题", attachments=png_upload()))
    assert response.status_code == 200
    errors = response.context["form"].errors["reason"]
    assert errors == [zh(CLOSED_MESSAGE, months="2021年10月")]
    assert "2021年10月" in errors[0] and "更正" in errors[0]  # translated, naming the month
    assert state(october) == before  # nothing half-saved: no title, no file, no history line, no correction


def test_it_refuses_a_reason_of_blanks_or_one_too_long(alice, october):
    before = state(october)
    for reason in ("   ", "理" * 501):
        response = alice.post(f"/records/{october.pk}/edit/", edit_post(october, title="改过", reason=reason))
        assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert state(october) == before


def test_it_accepts_a_correction_with_a_reason(alice, october, people):
    response = alice.post(f"/records/{october.pk}/edit/", edit_post(october, title="十月学习（更正）", reason="标题录错"))
    assert response.status_code == 302
    october.refresh_from_db()
    assert october.title == "十月学习（更正）"
    correction = Correction.objects.get()
    assert (correction.record, correction.action, correction.reason, correction.made_by) == (
        october, "edit", "标题录错", people.secretary_a)
    assert (correction.month, correction.new_month, correction.committee, correction.record_number) == (
        OCT, None, october.committee, october.pk)
    assert correction.changes == {"title": ["十月学习", "十月学习（更正）"]}


def test_it_shows_the_correction_with_its_reason_in_the_records_history(alice, october, people):
    alice.post(f"/records/{october.pk}/edit/", edit_post(october, title="十月学习（更正）", reason="标题录错"))
    response = alice.get(f"/records/{october.pk}/")
    latest = response.context["history"][0]
    assert (latest.reason, latest.who) == ("标题录错", people.secretary_a)
    assert [(c.old, c.new) for c in latest.changes] == [("十月学习", "十月学习（更正）")]
    html = response.content.decode()
    assert "标题录错" in html and 'class="sg-correction-reason"' in html and 'id="month-closed"' in html


def test_it_records_an_attendance_only_correction_in_the_history(alice, october, members_a):
    members = members_a[:2]
    data = edit_post(october, reason="补录出席情况")
    data.update(attendance_post(members))
    data["att-1-status"], data["att-1-reason"] = "absent", "无故缺席"  # absence needs its reason (issue 10)
    assert alice.post(f"/records/{october.pk}/edit/", data).status_code == 302
    correction = Correction.objects.get()
    assert correction.changes == {
        f"attendance:{members[0].name}": [None, zh(AttendanceStatus.PRESENT.label)],
        f"attendance:{members[1].name}": [None, f"{zh(AttendanceStatus.ABSENT.label)}（无故缺席）"],
    }
    assert any(e.reason == "补录出席情况" for e in alice.get(f"/records/{october.pk}/").context["history"])


def test_it_edits_an_open_months_record_without_a_reason(alice, this_month):
    assert alice.post(f"/records/{this_month.pk}/edit/", edit_post(this_month, title="本月（改）")).status_code == 302
    this_month.refresh_from_db()
    assert this_month.title == "本月（改）" and not Correction.objects.exists()
    assert 'name="reason"' not in alice.get(f"/records/{this_month.pk}/edit/").content.decode()


def test_it_takes_a_record_dated_in_a_closed_month_as_a_late_entry_not_a_correction(alice):
    response = alice.post("/records/new/collective/", record_post("collective", held_on=HELD))
    assert response.status_code == 302
    record = Activity.objects.get()
    assert record.is_late and not Correction.objects.exists()


# ------------------------------------------------------------------ moving into and out of a closed month


def test_it_treats_moving_a_record_into_a_closed_month_as_a_correction(alice, this_month):
    before = state(this_month)
    response = alice.post(f"/records/{this_month.pk}/edit/", edit_post(this_month, held_on=HELD.isoformat()))
    assert response.status_code == 200 and "2021年10月" in response.context["form"].errors["reason"][0]
    assert state(this_month) == before
    response = alice.post(f"/records/{this_month.pk}/edit/", edit_post(this_month, held_on=HELD.isoformat(), reason="日期录错"))
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (correction.month, correction.new_month) == (timezone.localdate().replace(day=1), OCT)


def test_it_treats_moving_a_record_out_of_a_closed_month_as_a_correction(alice, october):
    today = timezone.localdate()
    response = alice.post(f"/records/{october.pk}/edit/", edit_post(october, held_on=today.isoformat()))
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert alice.post(f"/records/{october.pk}/edit/",
                      edit_post(october, held_on=today.isoformat(), reason="实为本月")).status_code == 302
    correction = Correction.objects.get()
    assert (correction.month, correction.new_month) == (OCT, today.replace(day=1))
    assert correction.changes["held_on"] == ["2021-10-12", today.isoformat()]


# ------------------------------------------------------------------ the services


def test_the_service_refuses_a_closed_months_change_without_a_reason(october, people):
    before = state(october)
    with pytest.raises(ValidationError) as raised:
        activity_update(user=people.secretary_a, activity=october, data={"title": "偷偷改"},
                        files=[(png_upload(), "image/png")])
    assert "reason" in raised.value.error_dict
    assert state(october) == before
    activity_update(user=people.secretary_a, activity=october, data={"title": "公开改"}, reason="更正标题")
    assert Correction.objects.get().reason == "更正标题"


def test_the_service_refuses_deleting_a_closed_months_record_without_a_reason(october, people):
    with pytest.raises(ValidationError) as raised:
        activity_delete(user=people.secretary_a, activity=october)
    assert "reason" in raised.value.error_dict
    assert Activity.objects.filter(pk=october.pk).exists() and not Correction.objects.exists()


def test_the_service_changes_an_open_months_record_freely(this_month, people):
    activity_update(user=people.secretary_a, activity=this_month, data={"title": "随时可改"})
    activity_delete(user=people.secretary_a, activity=this_month)
    assert not Correction.objects.exists()


# ------------------------------------------------------------------ deleting


def test_it_deletes_a_closed_months_record_only_with_a_reason(alice, october, people):
    page = alice.get(f"/records/{october.pk}/delete/").content.decode()
    assert 'id="month-closed"' in page and 'name="reason"' in page
    response = alice.post(f"/records/{october.pk}/delete/", {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        zh("This record's month is closed: deleting the record is a correction. Give the reason for it.")]
    assert Activity.objects.filter(pk=october.pk).exists() and not Correction.objects.exists()

    assert alice.post(f"/records/{october.pk}/delete/", {"reason": "重复录入"}).status_code == 302
    assert not Activity.objects.filter(pk=october.pk).exists()
    correction = Correction.objects.get()
    assert (correction.record, correction.record_number, correction.record_title, correction.action) == (
        None, october.pk, "十月学习", "delete")
    assert (correction.committee_name, correction.month, correction.made_by) == ("甲县委", OCT, people.secretary_a)
    assert correction.changes["title"] == ["十月学习", None]


def test_it_lists_a_deletion_for_the_leader_above(alice, october, people):
    alice.post(f"/records/{october.pk}/delete/", {"reason": "重复录入"})
    html = client_for(people.leader_city).get("/corrections/").content.decode()
    assert "重复录入" in html and "十月学习" in html


# ------------------------------------------------------------------ the corrections list


@pytest.fixture
def corrected(october, people):
    activity_update(user=people.secretary_a, activity=october, data={"title": "十月学习（更正）"}, reason="标题录错")
    return Correction.objects.get()


def listed(user, query=""):
    response = client_for(user).get(f"/corrections/{query}")
    assert response.status_code == 200
    return [row.record for row in response.context["table"].rows]


def test_it_lists_corrections_for_the_leaders_above(corrected, people):
    assert listed(people.leader_city) == [corrected]
    assert listed(people.leader_a) == [corrected]
    assert listed(people.secretary_a) == [corrected]


def test_it_hides_corrections_from_a_sibling_county(corrected, people, tree):
    assert listed(people.leader_b) == []
    assert client_for(people.leader_b).get(f"/corrections/?committee={tree.county_a.pk}").status_code == 404
    assert client_for(people.outsider).get("/corrections/").status_code == 404


def test_it_filters_corrections_by_month_before_or_after_a_move(corrected, people, this_month):
    activity_update(user=people.secretary_a, activity=this_month, data={"held_on": HELD}, reason="日期录错")
    moved = Correction.objects.exclude(pk=corrected.pk).get()
    assert set(listed(people.leader_city, "?month=2021-10")) == {corrected, moved}
    assert listed(people.leader_city, "?month=" + timezone.localdate().strftime("%Y-%m")) == [moved]
    assert listed(people.leader_city, "?month=2021-09") == []


def test_it_exports_the_corrections_list_as_csv_and_xlsx(corrected, people):
    leader = client_for(people.leader_city)
    csv = b"".join(leader.get("/corrections/?month=2021-10&export=csv").streaming_content).decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert len(lines) == 2 and "标题录错" in lines[1] and "2021-10" in lines[1]
    assert "十月学习 → 十月学习（更正）" in lines[1]
    sheet = load_workbook(io.BytesIO(leader.get("/corrections/?export=xlsx").content)).active
    assert sheet.max_row == 2 and "标题录错" in [cell.value for cell in sheet[2]]


# ------------------------------------------------------------------ the late flag


def test_it_decides_late_by_when_the_record_entered_relative_to_the_close(tree):
    on_time = ActivityFactory(committee=tree.county_a, held_on=HELD, created_at=at(2021, 11, 4, 23, 59))
    late = ActivityFactory(committee=tree.county_a, held_on=HELD, created_at=at(2021, 11, 5, 0, 0))
    assert not on_time.is_late and late.is_late


def test_moving_a_late_record_to_a_later_month_never_clears_the_flag(tree, people):
    late = ActivityFactory(committee=tree.county_a, held_on=HELD, created_at=at(2021, 11, 20, 9))
    assert late.is_late
    activity_update(user=people.secretary_a, activity=late, data={"held_on": datetime.date(2021, 11, 18)},
                    reason="日期录错")  # November had not closed when it was entered: still late
    late.refresh_from_db()
    assert late.held_on == datetime.date(2021, 11, 18) and late.is_late
    activity_update(user=people.secretary_a, activity=late, data={"held_on": timezone.localdate()}, reason="再改")
    late.refresh_from_db()
    assert late.is_late


def test_moving_a_record_into_a_month_closed_when_it_was_entered_sets_the_flag(october, people):
    assert not october.is_late  # entered 12 October, September had closed on 5 October
    activity_update(user=people.secretary_a, activity=october, data={"held_on": datetime.date(2021, 10, 2)},
                    reason="日期录错")
    october.refresh_from_db()
    assert not october.is_late  # still October: it was entered before October closed
    activity_update(user=people.secretary_a, activity=october, data={"held_on": datetime.date(2021, 9, 28)},
                    reason="实为九月")
    october.refresh_from_db()
    assert october.is_late


def test_moving_a_timely_record_within_open_months_keeps_it_timely(this_month, people):
    activity_update(user=people.secretary_a, activity=this_month, data={"title": "x"})
    this_month.refresh_from_db()
    assert not this_month.is_late


# ------------------------------------------------------------------ the close day


def test_it_closes_a_month_on_the_configured_day_of_the_next_month():
    assert closes_at(OCT) == at(2021, 11, 5)
    assert not is_closed(OCT, now=at(2021, 11, 4, 23, 59, 59)) and is_closed(OCT, now=at(2021, 11, 5))
    assert closes_at(datetime.date(2021, 12, 20)) == at(2022, 1, 5)
    with override_settings(MONTH_CLOSE_DAY=1):
        assert closes_at(OCT) == at(2021, 11, 1) and is_closed(OCT, now=at(2021, 11, 1))
    with override_settings(MONTH_CLOSE_DAY=28):
        assert not is_closed(OCT, now=at(2021, 11, 27, 23)) and month_is_closed(OCT, datetime.date(2021, 11, 28))
    assert last_closed_month(now=at(2021, 11, 4, 12)) == SEP and last_closed_month(now=at(2021, 11, 5, 0, 1)) == OCT


def test_it_edits_a_month_freely_until_its_close_day(october, people, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(2021, 11, 4, 23, 0))
    activity_update(user=people.secretary_a, activity=october, data={"title": "关账前修改"})
    assert not Correction.objects.exists()
    monkeypatch.setattr(timezone, "now", lambda: at(2021, 11, 5, 0, 0))
    with pytest.raises(ValidationError):
        activity_update(user=people.secretary_a, activity=october, data={"title": "关账后修改"})
    with override_settings(MONTH_CLOSE_DAY=10):
        activity_update(user=people.secretary_a, activity=october, data={"title": "延后关账"})
    october.refresh_from_db()
    assert october.title == "延后关账" and not Correction.objects.exists()


def test_beat_books_the_close_of_the_month_that_closed(tree, monkeypatch):
    ActivityFactory(committee=tree.county_a, held_on=HELD, created_at=at(2021, 11, 6))  # late
    monkeypatch.setattr(timezone, "now", lambda: at(2021, 11, 4, 0, 30))
    tasks.close_previous_month()  # early in November only September has closed
    assert MonthStatus.objects.get(month=SEP).closed_at == at(2021, 10, 5)
    assert not MonthStatus.objects.filter(month=OCT, closed_at__isnull=False).exists()
    monkeypatch.setattr(timezone, "now", lambda: at(2021, 11, 7, 0, 30))
    tasks.close_previous_month()
    status = MonthStatus.objects.get(month=OCT)
    assert status.closed_at == at(2021, 11, 5) and status.late_records == 1
    assert month_close(month=datetime.date(2021, 11, 1)).closed_at is None  # November is still open


def test_beat_runs_the_close_on_the_close_day():
    entry = beat_schedule(month_close_day=7)["reports-close-previous-month"]
    assert entry["task"] == "reports.tasks.close_previous_month" and entry["schedule"].day_of_month == {7}
    assert settings.CELERY_BEAT_SCHEDULE["reports-close-previous-month"]["schedule"].day_of_month == {
        settings.MONTH_CLOSE_DAY}


PRINT_CLOSE_DAY = (
    "import django;django.setup();from django.conf import settings as s;"
    "print(s.MONTH_CLOSE_DAY, sorted(s.CELERY_BEAT_SCHEDULE['reports-close-previous-month']['schedule'].day_of_month))"
)


def settings_with(tmp_path, value):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "MONTH_CLOSE_DAY"}}
    env.update(DJANGO_SETTINGS_MODULE="studygroup.settings", STUDYGROUP_VAR_DIR=str(tmp_path), SECRET_KEY="x" * 50)
    if value is not None:
        env["MONTH_CLOSE_DAY"] = value
    return subprocess.run([sys.executable, "-c", PRINT_CLOSE_DAY], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True)


def test_it_reads_the_close_day_from_the_environment_strictly(tmp_path):
    assert settings_with(tmp_path, None).stdout.split() == ["5", "[5]"]
    assert settings_with(tmp_path, "10").stdout.split() == ["10", "[10]"]
    for bad in ("0", "29", "five"):
        result = settings_with(tmp_path, bad)
        assert result.returncode != 0 and "MONTH_CLOSE_DAY" in result.stderr
