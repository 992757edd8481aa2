"""The drill-down's total and row count read from the rollup table when it is current: still exactly the
rows listed (own group or subtree, month or year to date, every role), counted from the rows again as soon
as a month of the period is dirty, and in fewer queries than counting."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import rollup
from reports.models import DirtyMonth
from sessions_app.models import ActivityKind

from .factories import ActivityFactory
from .supervision_factories import make_auditor

DEC = datetime.date(2021, 12, 1)
NOV = datetime.date(2021, 11, 1)


@pytest.fixture
def records(tree):
    """Sessions and reading classes across the tree in November and December, rolled up, no month dirty."""
    plan = [
        (tree.city, ActivityKind.COLLECTIVE, 12, None), (tree.city, ActivityKind.READING_CLASS, 12, 2),
        (tree.city, ActivityKind.COLLECTIVE, 11, None),
        (tree.county_a, ActivityKind.THEMATIC, 12, None), (tree.county_a, ActivityKind.READING_CLASS, 11, 3),
        (tree.grassroots_a1, ActivityKind.COLLECTIVE, 12, None),
        (tree.grassroots_a1, ActivityKind.READING_CLASS, 12, 4),
        (tree.county_b, ActivityKind.COLLECTIVE, 12, None), (tree.county_b, ActivityKind.READING_CLASS, 12, 5),
    ]
    made = [
        ActivityFactory(committee=c, kind=kind, held_on=datetime.date(2021, m, 5), period_count=periods)
        for c, kind, m, periods in plan
    ]
    rollup.rollup_months([NOV, DEC])  # claims the marks of the saves above: they are in the rollup now
    assert not DirtyMonth.objects.exists()
    return made


def drill(client, user, metric, **params):
    client.force_login(user)
    return client.get(reverse("reports:drilldown", args=[metric]), {"month": "2021-12", **params})


def listed_sum(response):
    return sum(row.value or 0 for row in response.context["items"])


def activity_counts(queries):
    """The COUNT/SUM statements over the records themselves."""
    return [q["sql"] for q in queries if "sessions_app_activity" in q["sql"] and ("COUNT(" in q["sql"] or "SUM(" in q["sql"])]


@pytest.mark.parametrize("key", ["study_sessions", "reading_class_periods", "group_sessions", "group_reading_classes"])
@pytest.mark.parametrize("who, code", [
    ("leader_city", "city"), ("leader_city", "county-a"), ("leader_city", "county-b"),
    ("leader_a", "county-a"), ("leader_a", "county-a-g1"), ("secretary_a", "county-a"),
    ("auditor", "county-a"), ("admin", "city"),
])
@pytest.mark.parametrize("period", ["month", "ytd"])
def test_it_reads_a_total_equal_to_the_rows_listed(client, people, tree, records, key, who, code, period):
    if who == "auditor":  # an auditor reads the subtrees of their pool profile (committees/policy.py)
        make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.county_a])
    with CaptureQueriesContext(connection) as queries:
        response = drill(client, getattr(people, who), key, committee=code, period=period)
    assert response.status_code == 200
    total, items = response.context["total"], response.context["items"]
    assert total == listed_sum(response) and response.context["page_obj"].paginator.count == len(items)
    # The stored figure was used: no COUNT of the records for a counted figure, only the row count for a
    # sum; a zero is counted from the rows anyway (it may be a figure the rollup has not stored yet).
    assert len(activity_counts(queries)) == (1 if response.context["is_sum"] or not total else 0)


def test_it_lists_a_secretary_their_own_group_with_its_own_total(client, people, records):
    response = drill(client, people.secretary_a, "study_sessions", committee="county-a", period="ytd")
    assert {row.committee.code for row in response.context["items"]} == {"county-a"}
    assert response.context["total"] == 2  # December's thematic session and November's reading class


def test_it_counts_the_rows_again_when_the_month_is_dirty(client, people, tree, records):
    ActivityFactory(committee=tree.county_b, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 20))
    assert DirtyMonth.objects.filter(month=DEC).exists()
    with CaptureQueriesContext(connection) as queries:
        response = drill(client, people.leader_city, "study_sessions", committee="city")
    assert response.context["total"] == 8 == len(response.context["items"])  # the stored figure still says 7
    assert len(activity_counts(queries)) == 1  # one COUNT serves the total and the paginator


def test_it_counts_the_year_again_when_an_earlier_month_is_dirty(client, people, tree, records):
    ActivityFactory(committee=tree.county_a, kind=ActivityKind.READING_CLASS, held_on=datetime.date(2021, 11, 9),
                    period_count=7)
    ytd = drill(client, people.leader_city, "reading_class_periods", committee="county-a", period="ytd")
    assert ytd.context["total"] == 3 + 4 + 7 == listed_sum(ytd)
    month = drill(client, people.leader_city, "reading_class_periods", committee="county-a")
    assert month.context["total"] == 4 == listed_sum(month)  # December alone is still current


def test_it_counts_the_rows_of_a_month_never_rolled_up(client, people, tree, records):
    ActivityFactory(committee=tree.city, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2022, 1, 3))
    DirtyMonth.objects.all().delete()  # even with no dirty mark, a month never computed is counted from the rows
    response = drill(client, people.leader_city, "study_sessions", committee="city", month="2022-01")
    assert response.context["total"] == 1 == len(response.context["items"])


def test_it_pages_a_long_list_with_the_stored_count(client, people, tree):
    for day in range(1, 28):
        for _ in range(2):
            ActivityFactory(committee=tree.county_b, held_on=datetime.date(2021, 12, day))
    rollup.rollup_months([DEC])
    first = drill(client, people.leader_b, "study_sessions", committee="county-b")
    assert first.context["total"] == 54 and first.context["page_obj"].paginator.num_pages == 2
    second = drill(client, people.leader_b, "study_sessions", committee="county-b", page=2)
    assert len(second.context["items"]) == 4
    newest_first = [row.date for row in first.context["items"] + second.context["items"]]
    assert newest_first == sorted(newest_first, reverse=True)


def _queries(client, **params):
    url = reverse("reports:drilldown", args=["study_sessions"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"committee": "city", "month": "2021-12", **params}).status_code == 200
    return len(queries)


def test_it_reads_the_page_in_a_fixed_number_of_queries(client, people, tree, records):
    client.force_login(people.leader_city)
    stored = _queries(client)
    for day in range(1, 29):
        ActivityFactory(committee=tree.grassroots_a1, held_on=datetime.date(2021, 12, day))
    counted = _queries(client)  # December is dirty again: counted from the rows
    rollup.rollup_dirty()
    assert _queries(client) == stored == 5  # session, user, roles (the city is his: no lookup), stored figure, page
    assert counted == stored + 1


def test_it_lists_the_rows_of_a_metric_the_rollup_has_not_stored_yet(client, people, records, monkeypatch):
    from reports import metrics as registry

    metric = registry.Metric(key="test_collectives", label="collectives", source="sessions_app.Activity",
                             filters={"kind": ActivityKind.COLLECTIVE}, month_field="month")
    monkeypatch.setitem(registry.REGISTRY, metric.key, metric)  # registered after the rollup ran
    response = drill(client, people.leader_city, metric.key, committee="city")
    assert response.context["total"] == 3 == len(response.context["items"])
