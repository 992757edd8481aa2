"""The T13 and T15 figures in the metric registry, against counts made independently of it."""
import datetime
from decimal import Decimal

import pytest

from assessment.models import PracticalTask, TestSitting
from assessment.services import practical_task_create, round_create, round_scores_enter
from reports import figures, rollup
from reports import metrics as registry

from .factories import MemberFactory

DEC = datetime.date(2021, 12, 1)


@pytest.fixture
def data(tree):
    for committee, count in ((tree.city, 4), (tree.county_a, 8), (tree.grassroots_a1, 4), (tree.county_b, 8)):
        for _ in range(count):
            MemberFactory(committee=committee)
    first = round_create(name="一", held_on=datetime.date(2021, 6, 18), committee=tree.city, sample_size=12, seed="1")
    round_create(name="二", held_on=datetime.date(2021, 11, 19), committee=tree.city, sample_size=10,
                          seed="2", strata="level")
    round_create(name="去年", held_on=datetime.date(2020, 11, 1), committee=tree.city, sample_size=5, seed="0")
    scores = iter([Decimal(s) for s in ["90", "59.5", "60", "75", "40", "100", "88"]])
    round_scores_enter(test_round=first, scores={s: next(scores) for s in first.sittings.values_list("id", flat=True)[:7]})
    for committee, due, status in [
        (tree.city, "2021-03-01", "done"), (tree.city, "2021-12-20", "in_progress"),
        (tree.county_a, "2021-05-01", "done"), (tree.grassroots_a1, "2021-06-01", "done"),
        (tree.county_b, "2021-07-01", "planned"), (tree.county_b, "2022-01-10", "planned"),
    ]:
        practical_task_create(committee=committee, title="t", due_on=datetime.date.fromisoformat(due), status=status,
                              completed_on=datetime.date(2021, 2, 1) if status == "done" else None)
    rollup.rollup_months([datetime.date(2021, m, 1) for m in range(1, 13)])
    return tree


def test_it_registers_the_figures_of_t13_and_t15():
    keys = set(registry.REGISTRY)
    assert {"test_rounds", "person_tests", "test_scored", "test_passes", "city_tasks", "county_tasks",
            "practical_tasks", "tasks_done"} <= keys
    assert {"test_pass_rate", "task_completion_rate"} <= set(registry.RATIOS)
    assert registry.get("person_tests").tally == "T13" and registry.get("county_tasks").tally == "T15"


def test_it_rolls_up_the_same_counts_as_the_tables(data):
    tree = data
    city = figures.figures_for(tree.city, DEC)
    in_2021 = TestSitting.objects.filter(round__held_on__year=2021)
    assert city["test_rounds"].value == 2
    assert city["person_tests"].value == in_2021.count() == 22
    assert city["test_scored"].value == in_2021.filter(score__isnull=False).count() == 7
    assert city["test_passes"].value == in_2021.filter(score__gte=60).count() == 5
    assert city["test_pass_rate"].value == round(100 * 5 / 7, 1)
    tasks = PracticalTask.objects.filter(due_on__year=2021)
    assert city["city_tasks"].value == tasks.filter(committee=tree.city).count() == 2
    assert city["county_tasks"].value == tasks.exclude(committee=tree.city).count() == 3
    assert city["tasks_done"].value == tasks.filter(status="done").count() == 3
    assert city["task_completion_rate"].value == 60.0


def test_it_counts_a_countys_own_members_tests_and_tasks(data):
    tree = data
    county_a = figures.figures_for(tree.county_a, DEC)
    a_sittings = TestSitting.objects.filter(round__held_on__year=2021, committee__path__startswith=tree.county_a.path)
    assert county_a["person_tests"].value == a_sittings.count() > 0
    assert county_a["test_rounds"].value == 0  # the rounds were the city's
    assert (county_a["county_tasks"].value, county_a["tasks_done"].value) == (2, 2)
    assert county_a["task_completion_rate"].value == 100.0
    # The drill-down gives the same rows.
    rows = registry.get("person_tests").records(tree.county_a, DEC)
    assert set(rows.values_list("pk", flat=True)) == set(a_sittings.values_list("pk", flat=True))


def test_it_puts_a_round_in_its_month(data):
    june = figures.figures_for(data.city, datetime.date(2021, 6, 1))
    assert (june["person_tests"].month_value, june["person_tests"].value) == (12, 12)
    may = figures.figures_for(data.city, datetime.date(2021, 5, 1))
    assert may["person_tests"].value == 0
