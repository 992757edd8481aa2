"""Supervision figures after a rollup equal counts made independently from the rows; coverage (T14)."""
import datetime

import pytest

from reports import metrics as registry
from reports.models import MetricValue
from sessions_app.models import Activity, ActivityKind
from supervision import selectors
from supervision.models import Filing, Rectification, Visit

from .factories import ActivityFactory
from .supervision_factories import make_auditor, make_filing, make_visit

rollup = pytest.importorskip("reports.rollup")

MARCH = datetime.date(2021, 3, 1)
KEYS = ["sit_in_visits", "visit_discrepancies", "open_rectifications", "overdue_rectifications", "filed_sessions",
        "unheld_filings", "sessions_with_filing", "sessions_without_filing"]


@pytest.fixture
def records(tree, people):
    fred = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    day = datetime.date(2021, 3, 10)
    make_visit(fred, tree.county_a, visited_on=day, discrepancy=True, rectifications=2)
    make_visit(fred, tree.county_a, visited_on=day, rectifications=1, rect_status="done")
    make_visit(fred, tree.grassroots_a1, visited_on=day)
    make_visit(fred, tree.grassroots_a1, visited_on=day, status="draft", rectifications=1)  # drafts do not count
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
    rects = Rectification.objects.filter(committee__path__startswith=committee.path)
    filings = Filing.objects.filter(planned_on__gte=month, planned_on__lt=end, committee__path__startswith=committee.path)
    sessions = Activity.objects.filter(held_on__gte=month, held_on__lt=end, committee__path__startswith=committee.path,
                                       kind__in=["collective", "thematic", "reading_class", "outreach_lecture"])
    return {
        "sit_in_visits": visits.count(),
        "visit_discrepancies": visits.filter(discrepancy=True).count(),
        "open_rectifications": rects.filter(status="open", raised_on__gte=month, raised_on__lt=end).count(),
        "overdue_rectifications": rects.filter(status="open", due_on__lt=today).filter(due_on__gte=month, due_on__lt=end).count(),
        "filed_sessions": filings.count(),
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


def test_it_computes_coverage_of_depth_two_groups(records, tree, people):
    visited, total, missing = selectors.visit_coverage(people.leader_city, 2021)
    assert (visited, total) == (2, 2)  # county A in March, county B in April
    assert missing == []
    Visit.objects.filter(committee=tree.county_b).update(status="draft")
    visited, total, missing = selectors.visit_coverage(people.leader_city, 2021)
    assert (visited, total, [c.code for c in missing]) == (1, 2, ["county-b"])
    assert selectors.visit_coverage(people.leader_city, 2022)[:2] == (0, 2)
    assert selectors.visit_coverage(people.leader_b, 2021)[:2] == (0, 1)

