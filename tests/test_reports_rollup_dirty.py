"""Keeping the rollup current: saves, edits and deletes mark months dirty; workers claim each month
once; late records are flagged and counted; the `rollup` and `stats` commands."""
import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from reports import rollup, tasks
from reports.figures import figures_for
from reports.models import DirtyMonth, MetricValue, MonthStatus
from reports.months import current_month, month_range, previous_month
from reports.services import rollup_request

from .factories import ActivityFactory

JAN, FEB, MAY, JUN = (datetime.date(2021, m, 1) for m in (1, 2, 5, 6))


def dirty_months():
    return set(DirtyMonth.objects.values_list("month", flat=True))


def computed_at():
    return dict(MonthStatus.objects.values_list("month", "computed_at"))


def sessions(committee, month):
    figure = figures_for(committee, month)["study_sessions"]
    return figure.month_value, figure.value


def test_it_marks_the_month_of_a_new_record(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 5, 10))
        ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 5, 11))
    assert dirty_months() == {MAY}
    assert callbacks  # rollup_dirty is enqueued once the transaction commits, not before


def test_it_recomputes_exactly_both_months_of_a_backdated_edit(tree, django_capture_on_commit_callbacks):
    record = ActivityFactory(committee=tree.grassroots_a1, held_on=datetime.date(2021, 5, 10))
    rollup.rollup_months(month_range(JAN, JUN))
    DirtyMonth.objects.all().delete()
    before = computed_at()
    with django_capture_on_commit_callbacks(execute=True):
        record.held_on = datetime.date(2021, 2, 3)
        record.save()
        assert dirty_months() == {FEB, MAY}
    after = computed_at()
    assert dirty_months() == set()
    assert after[JAN] == before[JAN]  # nothing before February was touched
    assert after[FEB] > before[FEB] and after[MAY] > before[MAY]
    assert sessions(tree.county_a, FEB) == (1, 1)
    assert sessions(tree.county_a, MAY) == (0, 1)
    assert sessions(tree.county_b, FEB) == (0, 0)  # the sibling: nothing


def test_it_marks_the_month_of_a_deleted_record(tree, django_capture_on_commit_callbacks):
    record = ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 6, 2))
    rollup.rollup_months([JUN])
    with django_capture_on_commit_callbacks(execute=True):
        record.delete()
    assert sessions(tree.city, JUN) == (0, 0)
    assert not MetricValue.objects.filter(month=JUN, metric="study_sessions").exists()


def test_it_clears_a_mark_only_with_the_figures_it_caused(tree, monkeypatch):
    ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 5, 10))
    ActivityFactory(committee=tree.county_a, held_on=datetime.date(2022, 5, 10))
    real = rollup._compute_chain

    def fail_in_2021(chain, table=None):
        if chain[0].year == 2021:
            raise RuntimeError("worker lost")
        return real(chain, table)

    monkeypatch.setattr(rollup, "_compute_chain", fail_in_2021)
    done = rollup.rollup_dirty()
    assert {m.year for m in done} == {2022}  # the failing year (first in line) does not block the next one
    assert dirty_months() == {MAY}  # the claim rolled back with the failed computation
    status = MonthStatus.objects.get(month=MAY)
    assert status.failures == 1 and status.retry_at > timezone.now() and "worker lost" in status.last_error
    assert rollup.rollup_dirty() == []  # backing off: not retried at once
    monkeypatch.setattr(rollup, "_compute_chain", real)
    MonthStatus.objects.filter(month=MAY).update(retry_at=timezone.now() - datetime.timedelta(seconds=1))
    assert MAY in rollup.rollup_dirty()
    assert dirty_months() == set()
    assert MonthStatus.objects.get(month=MAY).failures == 0
    assert sessions(tree.city, MAY) == (1, 1)


def test_it_keeps_a_mark_made_while_the_month_is_computed(tree, monkeypatch):
    ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 5, 10))
    real = rollup._compute_chain

    def concurrent_save(chain, table=None):
        real(chain, table)
        DirtyMonth.objects.create(month=MAY)  # a change committed by someone else after the claim

    monkeypatch.setattr(rollup, "_compute_chain", concurrent_save)
    rollup.rollup_dirty()
    assert dirty_months() == {MAY}


def test_it_never_leaves_the_months_after_a_change_uncomputed(tree):
    ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 10, 10))
    ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 11, 10))
    rollup.rollup_dirty()
    december = datetime.date(2021, 12, 1)
    assert MonthStatus.objects.get(month=december).computed_at is not None
    assert sessions(tree.city, december) == (0, 2)


@override_settings(MONTH_CLOSE_DAY=1)  # last month has closed whatever today's date (with 5: not on the 1st to 4th)
def test_it_flags_and_counts_a_record_entered_after_its_month_closed(tree, django_capture_on_commit_callbacks):
    last_month = previous_month(current_month())
    on_time = ActivityFactory(
        committee=tree.county_a, held_on=last_month,
        created_at=timezone.make_aware(datetime.datetime.combine(last_month, datetime.time(20))),
    )
    tasks.close_previous_month()
    assert MonthStatus.objects.get(month=last_month).closed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        late = ActivityFactory(committee=tree.county_a, held_on=last_month + datetime.timedelta(days=2))
    assert late.is_late and not on_time.is_late
    assert MonthStatus.objects.get(month=last_month).late_records == 1
    assert figures_for(tree.city, last_month)["study_sessions"].month_value == 2


def test_it_enqueues_a_recompute_asked_by_an_administrator(tree, django_capture_on_commit_callbacks):
    ActivityFactory(committee=tree.county_b, held_on=datetime.date(2021, 3, 4))
    with django_capture_on_commit_callbacks(execute=True):
        assert rollup_request(months=[datetime.date(2021, 3, 9)]) == ["2021-03-01"]
    assert sessions(tree.city, datetime.date(2021, 3, 1)) == (1, 1)


def test_it_rolls_up_and_prints_the_figures_from_the_commands(tree):
    ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 12, 3), kind="reading_class", period_count=3)
    ActivityFactory(committee=tree.city, held_on=datetime.date(2021, 11, 3), kind="collective")
    call_command("rollup", month=["2021-12"], stdout=StringIO())
    out = StringIO()
    call_command("stats", month="2021-12", json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"scope", "month", "as_of", "figures"}
    assert (data["scope"], data["month"]) == ("city", "2021-12")
    assert datetime.datetime.fromisoformat(data["as_of"]) == MonthStatus.objects.get(month="2021-12-01").computed_at
    assert data["figures"]["study_sessions"]["value"] == 2
    assert data["figures"]["study_sessions"]["tally"] == "T2"
    assert data["figures"]["first_agenda_meetings"]["tally"] is None
    assert data["figures"]["reading_class_periods"]["value"] == 3
    assert data["figures"]["group_sessions"]["value"] == 1  # the city's own group only
    out = StringIO()
    call_command("stats", month="2021-12", committee="county-a", stdout=out)
    assert "reading_class_periods" in out.getvalue()


@pytest.mark.parametrize("month", ["2021-13", "last month", ""])
def test_it_rejects_a_bad_month(db, month):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("stats", month=month, stdout=StringIO())
