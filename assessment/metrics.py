"""The figures of knowledge tests (T13) and practical-matter tasks (T15), in the reports registry.

Registered from AssessmentConfig.ready(). A person-test belongs to the member's committee (so a county
sees its own members' tests inside a city round) and to the round's date; a task belongs to its committee
and its due date. Rates are Ratios of two stored counts, computed when read.
"""
from django.db.models import DateField
from django.db.models.functions import Cast, Now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports import metrics as registry
from reports.metrics import COUNT, SUBTREE, Metric

ROUNDS = pgettext_lazy("unit", "rounds")  # 轮
PERSON_TESTS = pgettext_lazy("unit", "person-tests")  # 人次
TASKS = pgettext_lazy("unit", "tasks")  # 项

ROUND = "assessment.TestRound"
SITTING = "assessment.TestSitting"
TASK = "assessment.PracticalTask"
TODAY = Cast(Now(), output_field=DateField())


def _metric(key, label, source, *, date_field, filters=None, **kwargs):
    return Metric(
        key=key, label=label, source=source, filters=filters or {}, aggregate=COUNT, date_field=date_field,
        committee_field="committee", scope=SUBTREE, **kwargs,
    )


ASSESSMENT_METRICS = [
    _metric(
        "test_rounds", _("Knowledge-test rounds"), ROUND, date_field="held_on", unit=ROUNDS, tally="T13", order=130,
        description=_("Rounds of the knowledge test held by committees in the subtree."),
    ),
    _metric(
        "person_tests", _("Person-tests sampled at random"), SITTING, date_field="round__held_on",
        unit=PERSON_TESTS, tally="T13", order=131,
        description=_("Study-group members drawn at random to sit a knowledge test, one per member and round."),
    ),
    _metric(
        "test_scored", _("Person-tests scored"), SITTING, date_field="round__held_on",
        filters={"score__isnull": False}, unit=PERSON_TESTS, order=132,
        description=_("Person-tests whose score has been entered."),
    ),
    _metric(
        "test_passes", _("Person-tests passed"), SITTING, date_field="round__held_on", filters={"passed": True},
        unit=PERSON_TESTS, order=133,
        description=_("Person-tests scored at or above the round's pass mark."),
    ),
    _metric(
        "city_tasks", _("City-level practical-matter tasks"), TASK, date_field="due_on", filters={"level": "city"},
        unit=TASKS, tally="T15", order=150,
        description=_("Practical-matter tasks of the city committee and city departments, by due date."),
    ),
    _metric(
        "county_tasks", _("County-level practical-matter tasks"), TASK, date_field="due_on",
        filters={"level": "county"}, unit=TASKS, tally="T15", order=151,
        description=_("Practical-matter tasks of county-level committees and those under them, by due date."),
    ),
    _metric(
        "practical_tasks", _("Practical-matter tasks"), TASK, date_field="due_on", unit=TASKS, order=152,
        description=_("All practical-matter tasks, city and county level, by due date."),
    ),
    _metric(
        "tasks_done", _("Practical-matter tasks done"), TASK, date_field="due_on", filters={"status": "done"},
        unit=TASKS, tally="T15", order=153,
        description=_("Practical-matter tasks marked done, by due date."),
    ),
    _metric(
        "overdue_tasks", _("Practical-matter tasks overdue"), TASK, date_field="due_on",
        filters={"status__in": ["planned", "in_progress"], "due_on__lt": TODAY}, unit=TASKS, order=155,
        description=_("Practical-matter tasks not done whose due date has passed, by due date."),
    ),
]


def assessment_ratios():
    return [
        registry.Ratio(
            "test_pass_rate", _("Knowledge-test pass rate"), numerator="test_passes", denominator="test_scored",
            order=134, description=_("Share of scored person-tests at or above the pass mark."),
        ),
        registry.Ratio(
            "task_completion_rate", _("Practical-matter task completion rate"), numerator="tasks_done",
            denominator="practical_tasks", tally="T15", order=154,
            description=_("Share of practical-matter tasks done."),
        ),
    ]


def register_assessment_metrics():
    registry.register(*ASSESSMENT_METRICS)
    # Ratios arrived with the reports app's dashboard; register them once the registry knows them.
    if hasattr(registry, "Ratio"):
        registry.register(*assessment_ratios())
