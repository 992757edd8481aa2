"""Supervision figures after a rollup equal counts made independently from the rows; coverage (T14) of the
depth-2 groups themselves; drafts count nowhere."""
import datetime

import pytest

from reports import figures, rollup
from reports import metrics as registry
from reports.models import MetricValue
from sessions_app.models import Activity, ActivityKind
from supervision.models import Filing, Rectification, Visit

from .factories import ActivityFactory
from .supervision_factories import make_auditor, make_filing, make_visit

MARCH = datetime.date(2021, 3, 1)
KEYS = ["sit_in_visits", "visit_discrepancies", "visits_with_findings", "open_rectifications", "overdue_rectifications",
        "filed_sessions", "held_filings", "unheld_filings", "sessions_with_filing", "sessions_without_filing"]


@pytest.fixture
def records(tree, people):
    fred = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    day = datetime.date(2021, 3, 10)
    make_visit(fred, tree.county_a, visited_on=day, discrepancy=True, rectifications=2, findings="记录不全")
    make_visit(fred, tree.county_a, visited_on=day, rectifications=1, rect_status="done")
    make_visit(fred, tree.grassroots_a1, visited_on=day)
    # drafts count nowhere, nor do the items written in them
    make_visit(fred, tree.grassroots_a1, visited_on=day, status="draft", rectifications=1, findings="草稿",
               due_on=datetime.date(2021, 3, 20))
    make_visit(fred, tree.county_b, visited_on=datetime.date(2021, 4, 2))  # another month
    for committee in (tree.county_a, tree.county_a, tree.grassroots_a1):
        make_filing(committee, planned_on=day)
    ActivityFactory(committee=tree.county_a, held_on=day)  # matched to the first filing
    ActivityFactory(committee=tree.grassroots_a1, held_on=datetime.date(2021, 3, 20))  # held without filing
    ActivityFactory(committee=tree.county_a, held_on=day, kind=ActivityKind.RESEARCH_REPORT)  # not a filing kind
    return fred


def independent(key, committee, month):
    """Each figure counted straight from the rows, for the committee's subtree and one month."""
    end = datetime.date(month.year, month.month + 1, 1)
    today = datetime.date.today()
    visits = Visit.objects.filter(status="submitted", visited_on__gte=month, visited_on__lt=end,
                                  committee__path__startswith=committee.path)
    rects = Rectification.objects.filter(visit__status="submitted", committee__path__startswith=committee.path)
    filings = Filing.objects.filter(planned_on__gte=month, planned_on__lt=end, committee__path__startswith=committee.path)
    sessions = Activity.objects.filter(held_on__gte=month, held_on__lt=end, committee__path__startswith=committee.path,
                                       kind__in=["collective", "thematic", "reading_class", "outreach_lecture"])
    return {
        "sit_in_visits": visits.count(),
        "visit_discrepancies": visits.filter(discrepancy=True).count(),
        "visits_with_findings": visits.exclude(findings="").count(),
        "open_rectifications": rects.filter(status="open", raised_on__gte=month, raised_on__lt=end).count(),
        "overdue_rectifications": rects.filter(status="open", due_on__lt=today).filter(due_on__gte=month, due_on__lt=end).count(),
        "filed_sessions": filings.count(),
        "held_filings": filings.filter(activity__isnull=False).count(),
        "unheld_filings": filings.filter(activity__isnull=True, planned_on__lt=today).count(),
        "sessions_with_filing": sessions.filter(filing__isnull=False).count(),
        "sessions_without_filing": sessions.filter(filing__isnull=True).count(),
    }[key]


def test_it_registers_every_supervision_figure():
    assert set(KEYS) <= set(registry.REGISTRY)
    assert registry.get("sit_in_visits").tally == "T12"


@pytest.mark.parametrize("key", KEYS)
def test_it_rolls_up_each_figure_to_the_independent_count(records, tree, key):
    rollup.rollup_months([MARCH, datetime.date(2021, 4, 1)])
    for committee in (tree.city, tree.county_a, tree.county_b, tree.grassroots_a1):
        row = MetricValue.objects.filter(committee=committee, month=MARCH, metric=key).first()
        assert (row.subtree if row else 0) == independent(key, committee, MARCH), committee.code
    city = MetricValue.objects.filter(committee=tree.city, month=MARCH, metric=key).first()
    if key == "sit_in_visits":
        assert city.subtree == 3
    if key == "open_rectifications":
        assert city.subtree == 2  # county A's two open items; the draft's item is not one
    if key == "overdue_rectifications":
        assert city is None  # the draft's item fell due in March, county A's fall due in April


def coverage(committee, month):
    return figures.coverage_counts(registry.COVERAGES["visit_coverage"], committee, month)


def test_it_covers_a_depth_two_group_only_when_its_own_group_was_visited(records, tree):
    rollup.rollup_months([datetime.date(2021, m, 1) for m in range(1, 13)])
    assert coverage(tree.city, MARCH) == (1, 2)  # county A in March; county B not before April
    assert coverage(tree.city, datetime.date(2021, 4, 1)) == (2, 2)
    assert figures.figures_for(tree.city, datetime.date(2021, 4, 1))["visit_coverage"].value == 100.0
    assert coverage(tree.county_b, MARCH) == (0, 1)
    assert coverage(tree.grassroots_a1, MARCH) == (0, 0)  # no depth-2 group under a grassroots committee
    # A visit to a grassroots committee does not cover its county: only the county's own group does.
    Visit.objects.filter(committee=tree.county_a).update(status="draft")
    rollup.rollup_months([MARCH])
    assert coverage(tree.city, MARCH) == (0, 2)
    assert [c.code for c in figures.uncovered_groups(registry.COVERAGES["visit_coverage"], tree.city, MARCH)] == [
        "county-a", "county-b"]
    assert figures.figures_for(tree.city, MARCH)["visit_coverage"].value == 0.0
    assert coverage(tree.city, datetime.date(2022, 12, 1)) == (0, 2)
