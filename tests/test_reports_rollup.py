"""The rollup: figures equal counts computed independently from the records, own and subtree,
month and year to date; idempotent; a metric missing from the rollup reads as 0."""
import datetime
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import metrics as registry
from reports import rollup
from reports.figures import figures_for
from reports.models import MetricValue, MonthStatus
from reports.months import month_range, next_month
from sessions_app.models import Activity, ActivityKind, LecturerLevel

from .factories import CampaignFactory, ThemeFactory

MONTHS = month_range(datetime.date(2021, 1, 1), datetime.date(2021, 4, 1))
KINDS = list(ActivityKind.values)


@pytest.fixture
def campaign_and_theme(db):
    return (
        CampaignFactory(code="party-spirit-2021"),
        ThemeFactory(code="plenum-6"),
    )


def make_records(committees, specs, campaign, theme):
    """specs: (committee index, kind, day offset, amount, tagged) → Activity rows (bulk, month set)."""
    rows = []
    for index, kind, offset, amount, tagged in specs:
        held_on = datetime.date(2021, 1, 1) + datetime.timedelta(days=offset)
        rows.append(Activity(
            committee=committees[index % len(committees)], kind=kind, held_on=held_on, month=held_on.replace(day=1),
            title="t", period_count=amount, participant_count=amount, audience_count=amount, article_count=amount,
            campaign=campaign if tagged else None, theme=theme if tagged else None,
            lecturer_level=LecturerLevel.CITY_LEADER if tagged else LecturerLevel.COUNTY_LEADER,
            opened_with_study=tagged,
        ))
    Activity.objects.bulk_create(rows)


def expected_rows(committees, months):
    """Independent of the rollup: each metric's matching records fetched by the ORM, summed here."""
    want = {}
    for metric in registry.all_metrics():
        if metric.source != "sessions_app.Activity":
            continue
        value = metric.value_field if metric.aggregate == registry.SUM else "pk"
        records = list(metric.rows().values_list("committee__path", "held_on", value))
        for committee in committees:
            for month in months:
                def total(own, ytd):
                    start = month.replace(month=1) if ytd else month
                    return sum(
                        (v or 0) if metric.aggregate == registry.SUM else 1
                        for path, held_on, v in records
                        if start <= held_on < next_month(month)
                        and (path == committee.path if own else path.startswith(committee.path))
                    )
                figures = (total(True, False), total(False, False), total(True, True), total(False, True))
                if any(figures):
                    want[(committee.id, month, metric.key)] = figures
    return want


def stored(committee, month):
    return {
        row[0]: row[1:]
        for row in MetricValue.objects.filter(committee=committee, month=month).values_list(
            "metric", "own", "subtree", "own_ytd", "subtree_ytd"
        )
    }


def assert_matches_records(committees, months):
    rows = MetricValue.objects.filter(month__in=months, metric__in=[
        m.key for m in registry.all_metrics() if m.source == "sessions_app.Activity"
    ]).values_list("committee_id", "month", "metric", "own", "subtree", "own_ytd", "subtree_ytd")
    got = {row[:3]: row[3:] for row in rows if any(row[3:])}
    assert got == expected_rows(committees, months)


record = st.tuples(
    st.integers(0, 3), st.sampled_from(KINDS), st.integers(0, 119), st.integers(1, 50), st.booleans()
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(record, max_size=25))
def test_it_equals_the_records_own_and_subtree(tree, campaign_and_theme, specs):
    Activity.objects.all().delete()
    committees = [tree.city, tree.county_a, tree.county_b, tree.grassroots_a1]
    make_records(committees, specs, *campaign_and_theme)
    rollup.rollup_months(MONTHS)
    assert_matches_records(committees, MONTHS)


def test_it_counts_a_subtree_but_not_a_sibling(tree, campaign_and_theme):
    make_records([tree.grassroots_a1, tree.county_b], [(0, "collective", 3, 1, False), (1, "thematic", 4, 1, False)],
                 *campaign_and_theme)
    rollup.rollup_months([MONTHS[0]])
    assert stored(tree.county_a, MONTHS[0])["study_sessions"] == (0, 1, 0, 1)
    assert stored(tree.city, MONTHS[0])["study_sessions"] == (0, 2, 0, 2)
    assert stored(tree.county_b, MONTHS[0])["study_sessions"] == (1, 1, 1, 1)


def test_it_is_idempotent(tree, campaign_and_theme):
    rng = random.Random(7)
    specs = [(rng.randrange(4), rng.choice(KINDS), rng.randrange(120), rng.randint(1, 9), rng.random() < .5)
             for _ in range(60)]
    make_records([tree.city, tree.county_a, tree.county_b, tree.grassroots_a1], specs, *campaign_and_theme)
    columns = ("committee_id", "month", "metric", "own", "subtree", "own_ytd", "subtree_ytd")
    rollup.rollup_months(MONTHS)
    first = sorted(MetricValue.objects.values_list(*columns))
    rollup.rollup_months(MONTHS)
    rollup.rollup_months([MONTHS[1]])
    assert sorted(MetricValue.objects.values_list(*columns)) == first
    assert len(first) > 0


def test_it_carries_the_year_to_date_into_months_without_records(tree, campaign_and_theme):
    make_records([tree.county_a], [(0, "collective", 2, 1, False)], *campaign_and_theme)
    rollup.rollup_months(MONTHS)
    assert stored(tree.city, MONTHS[3])["study_sessions"] == (0, 0, 0, 1)
    assert figures_for(tree.city, MONTHS[3])["study_sessions"].value == 1
    assert figures_for(tree.city, MONTHS[3])["study_sessions"].month_value == 0


def test_it_computes_earlier_months_of_the_year_first(tree, campaign_and_theme):
    make_records([tree.county_a], [(0, "collective", 2, 1, False), (0, "collective", 70, 1, False)],
                 *campaign_and_theme)
    rollup.rollup_month(datetime.date(2021, 3, 1))
    # January and February first (the year to date needs them), and on to December: no later month is left
    # uncomputed after a change.
    assert set(MonthStatus.objects.values_list("month", flat=True)) == set(month_range(MONTHS[0], datetime.date(2021, 12, 1)))
    assert stored(tree.county_a, MONTHS[2])["study_sessions"] == (1, 1, 2, 2)


def test_it_refreshes_later_months_when_an_earlier_one_changes(tree, campaign_and_theme):
    rollup.rollup_months(MONTHS)
    make_records([tree.county_a], [(0, "collective", 2, 1, False)], *campaign_and_theme)
    rollup.rollup_month(MONTHS[0])
    assert stored(tree.city, MONTHS[3])["study_sessions"] == (0, 0, 0, 1)


def test_it_reads_missing_figures_as_zero_in_a_fixed_number_of_queries(tree, django_assert_num_queries):
    # the metric rows, the month's status, and one query per coverage figure (T14)
    with django_assert_num_queries(2 + len(registry.all_coverages())):
        figures = figures_for(tree.county_b, datetime.date(2021, 5, 1))
    assert figures["study_sessions"].value == 0
    assert figures["first_agenda_compliance"].value is None
    assert figures.as_of is None


def test_it_derives_compliance_at_read_time(tree, campaign_and_theme):
    make_records([tree.county_a], [(0, "first_agenda", 1, 1, True)] * 3 + [(0, "first_agenda", 1, 1, False)],
                 *campaign_and_theme)
    rollup.rollup_month(MONTHS[0])
    assert figures_for(tree.city, MONTHS[0])["first_agenda_compliance"].value == 75.0


change = st.tuples(st.sampled_from(["add", "delete", "move"]), st.integers(0, 10_000), record)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(record, min_size=1, max_size=15), changes=st.lists(change, min_size=1, max_size=4))
def test_it_stays_equal_to_the_records_when_only_changed_months_are_recomputed(
    tree, campaign_and_theme, specs, changes
):
    Activity.objects.all().delete()
    committees = [tree.city, tree.county_a, tree.county_b, tree.grassroots_a1]
    make_records(committees, specs, *campaign_and_theme)
    rollup.rollup_months(MONTHS)
    touched = set()
    for action, pick, spec in changes:
        ids = list(Activity.objects.order_by("id").values_list("id", "month"))
        victim_id, victim_month = ids[pick % len(ids)] if ids else (None, None)
        if action == "add" or victim_id is None:
            make_records(committees, [spec], *campaign_and_theme)
            touched.add(datetime.date(2021, 1, 1) + datetime.timedelta(days=spec[2]))
        elif action == "delete":
            Activity.objects.filter(id=victim_id).delete()
            touched.add(victim_month)
        else:
            held_on = datetime.date(2021, 1, 1) + datetime.timedelta(days=spec[2])
            Activity.objects.filter(id=victim_id).update(held_on=held_on, month=held_on.replace(day=1))
            touched |= {victim_month, held_on}
    rollup.rollup_months(touched)
    assert_matches_records(committees, MONTHS)
