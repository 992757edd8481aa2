"""The assessment half of the qiqihar-2021 scenario (T13, T15). Called by demo.qiqihar_2021.

- T13: two knowledge-test rounds, 9,000 person-tests drawn at random from the study-group members
  (the demo tree has a few hundred members, so members are added to reach a pool the rounds can
  sample from), with scores;
- T15: 220 city-level and 2,039 county-level practical-matter tasks, all done (100%).

Everything is written with bulk_create / bulk_update; rolling up the figures is the caller's job.
"""
import datetime
import random
from decimal import Decimal

from assessment.models import CITY_LEVEL_KINDS, PracticalTask, Strata, TaskLevel, TaskStatus
from assessment.services import round_create, round_scores_enter
from committees.models import Member
from committees.services import member_bulk_create
from demo.tree import POSITIONS, demo_person

ROUNDS = [
    # name, held on, strata, sample size, seed
    ("2021年党史知识测试（第一轮）", datetime.date(2021, 6, 18), Strata.COUNTY, 4_500, "qqhr-2021-round-1"),
    ("2021年党史知识测试（第二轮）", datetime.date(2021, 11, 19), Strata.LEVEL, 4_500, "qqhr-2021-round-2"),
]
POOL = 6_000  # candidates each round draws from: the sample is a real sample, not everyone
CITY_TASKS, COUNTY_TASKS = 220, 2_039
TASK_THEMES = ["解决群众急难愁盼问题", "改善人居环境", "助企纾困", "便民服务提升", "乡村振兴帮扶", "老旧小区改造",
               "就业帮扶", "医疗服务下沉", "校园安全整治", "道路维修"]


def extend_qiqihar_2021(tree, stdout):
    """tree: {code: Committee}. Builds knowledge-test rounds and practical-matter tasks for 2021."""
    city = min(tree.values(), key=lambda c: c.depth)
    rng = random.Random(2021)
    _grow_member_pool(city, tree, POOL)
    person_tests = 0
    for name, held_on, strata, size, seed in ROUNDS:
        test_round = round_create(
            name=name, held_on=held_on, committee=city, strata=strata, sample_size=size, seed=seed,
        )
        scores = {sitting_id: _score(rng) for sitting_id in test_round.sittings.values_list("id", flat=True)}
        round_scores_enter(test_round=test_round, scores=scores)
        person_tests += test_round.drawn_count
    tasks = _build_tasks(tree, rng)
    stdout.write(
        f"  assessment: {len(ROUNDS)} test rounds, {person_tests:,} person-tests; "
        f"{tasks[TaskLevel.CITY]:,} city-level and {tasks[TaskLevel.COUNTY]:,} county-level tasks, all done"
    )


def _grow_member_pool(city, tree, size):
    """Add members below the city until the subtree has `size` active members (spread evenly)."""
    existing = Member.objects.filter(active=True, committee__path__startswith=city.path).count()
    missing = size - existing
    groups = sorted((c for c in tree.values() if c.pk != city.pk), key=lambda c: c.path)
    if missing <= 0 or not groups:
        return
    per_group, extra = divmod(missing, len(groups))
    person = 100_000
    for index, committee in enumerate(groups):
        count = per_group + (1 if index < extra else 0)
        people = [(demo_person(person + i), POSITIONS[(i + 6) % len(POSITIONS)]) for i in range(count)]
        member_bulk_create(committee=committee, people=people)
        person += count


def _score(rng):
    """A mark out of 100 in half points: most people well above the pass mark, a few below it."""
    mark = min(100.0, max(30.0, rng.gauss(84, 9)))
    return Decimal(round(mark * 2) / 2).quantize(Decimal("0.1"))


def _build_tasks(tree, rng):
    city_level = sorted((c for c in tree.values() if c.kind in CITY_LEVEL_KINDS), key=lambda c: c.path)
    county_level = sorted((c for c in tree.values() if c.kind not in CITY_LEVEL_KINDS), key=lambda c: c.path)
    rows = []
    plan = ((TaskLevel.CITY, city_level, CITY_TASKS), (TaskLevel.COUNTY, county_level, COUNTY_TASKS))
    for level, holders, count in plan:
        for i in range(count if holders else 0):
            committee = holders[i % len(holders)]
            due_on = datetime.date(2021, 3 + i % 10, 1 + i % 28)
            rows.append(PracticalTask(
                committee=committee, level=level, due_on=due_on, status=TaskStatus.DONE,
                title=f"{committee.name}：{TASK_THEMES[i % len(TASK_THEMES)]}（{i + 1}）",
                completed_on=due_on - datetime.timedelta(days=rng.randint(0, 20)),
            ))
    PracticalTask.objects.bulk_create(rows, batch_size=2000)
    return {TaskLevel.CITY: sum(r.level == TaskLevel.CITY for r in rows),
            TaskLevel.COUNTY: sum(r.level == TaskLevel.COUNTY for r in rows)}
