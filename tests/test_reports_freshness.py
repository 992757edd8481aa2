"""Staleness is visible, never silent: a month whose figures wait for the rollup (a change marked in the
month or an earlier month of its year, or never computed) says so on the dashboard and the drill-down,
and the drill-down then counts its rows instead of trusting the stored figure, so it lists every record
the CSV export has."""
import csv
import datetime
import io

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import freshness, rollup
from reports.models import DirtyMonth, MetricValue, MonthStatus
from sessions_app.models import Activity, ActivityKind

from .factories import ActivityFactory

NOV = datetime.date(2021, 11, 1)
DEC = datetime.date(2021, 12, 1)
NEXT_JAN = datetime.date(2022, 1, 1)
DASHBOARD = reverse("reports:dashboard")


def mark(month):
    """A change waiting for the rollup in `month` (the engine may already have left one: one is enough)."""
    if not DirtyMonth.objects.filter(month=month).exists():
        DirtyMonth.objects.create(month=month)


@pytest.fixture
def records(tree):
    """Group sessions across the tree in November and December 2021, rolled up, no change waiting."""
    plan = [
        (tree.city, 12), (tree.city, 12), (tree.city, 11),
        (tree.county_a, 12), (tree.county_a, 11), (tree.grassroots_a1, 12),
        (tree.county_b, 12), (tree.county_b, 12), (tree.county_b, 11),
    ]
    made = [
        ActivityFactory(committee=c, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, m, 3 + i),
                        title=f"{c.code}-{m}-{i}")
        for i, (c, m) in enumerate(plan)
    ]
    rollup.rollup_months([NOV, DEC])
    DirtyMonth.objects.all().delete()  # the saves above are in the figures now
    return made


def drill(client, user, **params):
    client.force_login(user)
    url = reverse("reports:drilldown", args=["study_sessions"])
    return client.get(url, {"committee": "city", "month": "2021-12", **params})


def listed(response):
    return [(row.date.isoformat(), row.committee.code, row.text) for row in response.context["items"]]


def exported(client, user, **params):
    response = drill(client, user, format="csv", **params)
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return [tuple(line[:2] + line[3:4]) for line in lines[1:]]


def activity_counts(queries):
    return [q["sql"] for q in queries if "sessions_app_activity" in q["sql"] and "COUNT(" in q["sql"]]


def understate(month, committee, by):
    """The stored figure says fewer sessions than the records (what a change not yet rolled up leaves)."""
    MetricValue.objects.filter(committee=committee, month=month, metric="study_sessions").update(
        own=F("own") - by, subtree=F("subtree") - by, own_ytd=F("own_ytd") - by, subtree_ytd=F("subtree_ytd") - by,
    )


# ---------------------------------------------------------------- the selector


def test_it_calls_a_rolled_up_month_without_marks_current(records):
    state = freshness.freshness(DEC)
    assert (state.computed, state.updating, state.pending) == (True, False, False)
    assert not freshness.pending(DEC) and freshness.pending_since(DEC) is None


@pytest.mark.parametrize("marked", [DEC, NOV, datetime.date(2021, 1, 1)])
def test_it_calls_a_month_pending_when_it_or_an_earlier_month_of_its_year_is_marked(records, marked):
    mark(marked)
    assert freshness.pending(DEC) and freshness.freshness(DEC).updating


@pytest.mark.parametrize("marked", [NEXT_JAN, datetime.date(2020, 12, 1)])
def test_it_ignores_marks_of_later_months_and_other_years(records, marked):
    mark(marked)
    assert not freshness.pending(DEC)


def test_it_calls_a_month_never_computed_pending(records):
    assert freshness.pending(NEXT_JAN) and not freshness.freshness(NEXT_JAN).computed
    MonthStatus.objects.filter(month=NOV).update(computed_at=None)
    assert freshness.pending(NOV)


def test_it_gives_the_oldest_change_still_waiting(records):
    mark(NOV)
    mark(DEC)
    DirtyMonth.objects.filter(month=NOV).update(marked_at=datetime.datetime(2021, 12, 30, 8, tzinfo=datetime.UTC))
    assert freshness.pending_since(DEC) == datetime.datetime(2021, 12, 30, 8, tzinfo=datetime.UTC)
    assert freshness.pending_since(NOV) == datetime.datetime(2021, 12, 30, 8, tzinfo=datetime.UTC)


def test_it_reads_the_status_and_more_of_the_month_in_one_query(records):
    mark(NOV)
    with CaptureQueriesContext(connection) as queries:
        state, extra = freshness.read(DEC, same_month=F("month"))
    assert len(queries) == 1 and state.pending and extra == {"same_month": DEC}
    assert freshness.read(NEXT_JAN, same_month=F("month"))[1] == {"same_month": None}


# ---------------------------------------------------------------- the drill-down


@pytest.mark.parametrize("marked", [DEC, NOV])
@pytest.mark.parametrize("period", ["month", "ytd"])
def test_it_lists_every_record_when_the_stored_figure_is_behind(client, people, tree, records, marked, period):
    understate(DEC, tree.city, by=2)
    mark(marked)
    response = drill(client, people.leader_city, period=period)
    rows = listed(response)
    expected = 6 if period == "month" else 9
    assert response.context["total"] == response.context["page_obj"].paginator.count == len(rows) == expected
    assert sorted(rows) == sorted(exported(client, people.leader_city, period=period))
    assert 'id="sg-pending"' in response.content.decode()


def test_it_lists_a_record_a_queryset_write_moved_into_the_month(client, people, tree, records):
    moved = Activity.objects.get(title="county-b-11-8")
    Activity.objects.filter(pk=moved.pk).update(held_on=datetime.date(2021, 12, 28), month=DEC)  # no signal
    mark(NOV)
    mark(DEC)
    response = drill(client, people.leader_city)
    assert any("county-b-11-8" in text for *_, text in listed(response))
    assert response.context["total"] == len(listed(response)) == 7
    assert sorted(listed(response)) == sorted(exported(client, people.leader_city))


def test_it_trusts_the_stored_figure_and_says_nothing_when_current(client, people, records):
    with CaptureQueriesContext(connection) as queries:
        response = drill(client, people.leader_city)
    assert response.context["total"] == len(listed(response)) == 6
    assert not activity_counts(queries)  # the paginator was told the stored count
    assert not response.context["freshness"].pending
    assert 'id="sg-pending"' not in response.content.decode()


def test_it_trusts_the_stored_figure_despite_a_later_months_mark(client, people, records):
    mark(NEXT_JAN)
    with CaptureQueriesContext(connection) as queries:
        response = drill(client, people.leader_city, period="ytd")
    assert response.context["total"] == 9 and not activity_counts(queries)
    assert 'id="sg-pending"' not in response.content.decode()


def test_it_says_the_list_counts_the_records_in_chinese_and_english(client, people, records):
    mark(DEC)
    assert "数据正在更新" in drill(client, people.leader_city).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "The figures are being updated" in drill(client, people.leader_city).content.decode()


def test_it_says_a_month_never_computed_is_counted_from_the_records(client, people, tree, records):
    ActivityFactory(committee=tree.city, held_on=datetime.date(2022, 1, 4))
    response = drill(client, people.leader_city, month="2022-01")
    assert response.context["total"] == len(listed(response)) == 1
    assert "本月数据尚未统计" in response.content.decode()


def test_it_lists_a_record_saved_after_the_figure_was_read(client, people, tree, records, monkeypatch):
    """The stored count is read first, the rows a moment later: a record committed in between is listed."""
    from reports import drill as drills

    read = drills.stored_figure

    def then_a_save(*args):
        found = read(*args)
        Activity.objects.bulk_create([Activity(
            committee=tree.city, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 1), month=DEC,
            title="just-saved",
        )])
        return found

    monkeypatch.setattr(drills, "stored_figure", then_a_save)
    response = drill(client, people.leader_city)
    assert len(listed(response)) == 7 and any("just-saved" in text for *_, text in listed(response))


# ---------------------------------------------------------------- the dashboard


def dashboard(client, user, **params):
    client.force_login(user)
    return client.get(DASHBOARD, {"month": "2021-12", **params})


@pytest.mark.parametrize("marked", [DEC, NOV])
def test_it_tells_the_leader_the_figures_are_being_updated(client, people, records, marked):
    mark(marked)
    response = dashboard(client, people.leader_city)
    assert response.context["page"].status.pending
    html = response.content.decode()
    assert 'id="sg-pending"' in html and "数据正在更新，最近的修改尚未计入" in html
    client.post(reverse("set_language"), {"language": "en", "next": DASHBOARD})
    assert "changes made in the last few moments are not in them yet" in dashboard(client, people.leader_city).content.decode()


@pytest.mark.parametrize("marked", [None, NEXT_JAN])
def test_it_shows_current_figures_without_a_notice(client, people, records, marked):
    if marked:
        mark(marked)
    response = dashboard(client, people.leader_city)
    assert not response.context["page"].status.pending
    assert 'id="sg-pending"' not in response.content.decode()


def test_it_knows_about_pending_changes_without_another_query(client, people, records):
    def count():
        dashboard(client, people.leader_city)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD, {"month": "2021-12"}).status_code == 200
        return len(queries)

    current = count()
    mark(NOV)
    assert count() == current
