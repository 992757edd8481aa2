"""The annual assessment against values computed by hand on a small dataset."""
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from assessment.models import AssessmentPart, AssessmentRule, AssessmentRun, AssessmentScore
from assessment.services import assessment_compute, assessment_rules_ensure
from assessment.tasks import assessment_compute as assessment_compute_task
from sessions_app.models import Attendance, StudyPlan
from supervision import models as supervision

from .factories import ActivityFactory, MemberFactory, RoleKind, user_with_role

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime.date(2021, 12, 31)


def d(text):
    return datetime.date.fromisoformat(text)


@pytest.fixture
def dataset(tree):
    """County A's year 2021, with the figures worked out by hand in each comment."""
    a = tree.county_a
    members = [MemberFactory(committee=a) for _ in range(4)]
    # Study every month: group sessions in Jan, Feb, Mar (twice) and Jun → 4 of 12 months.
    jan = ActivityFactory(committee=a, kind="collective", held_on=d("2021-01-15"))
    feb = ActivityFactory(committee=a, kind="collective", held_on=d("2021-02-10"))
    ActivityFactory(committee=a, kind="collective", held_on=d("2021-03-03"))
    mar2 = ActivityFactory(committee=a, kind="reading_class", held_on=d("2021-03-20"), period_count=1)
    jun = ActivityFactory(committee=a, kind="thematic", held_on=d("2021-06-30"))
    # Not counted: other years, and a first-agenda meeting is not a group session.
    ActivityFactory(committee=a, kind="collective", held_on=d("2020-12-31"))
    ActivityFactory(committee=a, kind="first_agenda", held_on=d("2021-07-01"))
    # County B's session does not count for A.
    ActivityFactory(committee=tree.county_b, kind="collective", held_on=d("2021-04-01"))
    # Attendance: Jan present, late, excused, absent; Feb all present → 6 of 8 present or late.
    for member, status in zip(members, ["present", "late", "excused", "absent"]):
        Attendance.objects.create(activity=jan, member=member, status=status, reason="公务" if status == "excused" else "")
    for member in members:
        Attendance.objects.create(activity=feb, member=member, status="present")
    # Plan topics: 4 topics, 3 studied (one of them twice) → 3 of 4.
    plan = StudyPlan.objects.create(committee=a, year=2021, title="2021年学习计划")
    topics = [plan.topics.create(title=f"专题{i}", source="assigned", order=i) for i in range(4)]
    jan.plan_topics.add(topics[0])
    feb.plan_topics.add(topics[0], topics[1])
    jun.plan_topics.add(topics[2])
    StudyPlan.objects.create(committee=a, year=2020, title="2020").topics.create(title="旧", source="assigned")
    # Filings: 2 of the 5 sessions held had been filed → 2 of 5.
    for activity in (jan, mar2):
        supervision.Filing.objects.create(committee=a, kind=activity.kind, planned_on=activity.held_on,
                                          place="会议室", topic=activity.title, activity=activity)
    supervision.Filing.objects.create(committee=a, kind="collective", planned_on=d("2021-08-01"), place="x", topic="未举行")
    # Visits: a submitted visit rated 4, 5, 3 → mean 4 of 5 = 0.8 (the threshold: full points); a draft is ignored.
    auditor = supervision.Auditor.objects.create(
        user=user_with_role(tree.city, RoleKind.AUDITOR, username="aud"), home_committee=tree.city
    )
    items = list(supervision.ChecklistItem.objects.all()[:3])
    if len(items) < 3:
        items = [supervision.ChecklistItem.objects.create(code=f"i{i}", label=f"项{i}", order=i) for i in range(3)]
    visit = supervision.Visit.objects.create(auditor=auditor, committee=a, activity=jan, kind="collective",
                                             visited_on=d("2021-01-15"), status="submitted")
    for item, score in zip(items, [4, 5, 3]):
        supervision.Rating.objects.create(visit=visit, item=item, score=score)
    draft = supervision.Visit.objects.create(auditor=auditor, committee=a, kind="collective",
                                             visited_on=d("2021-02-10"), status="draft")
    supervision.Rating.objects.create(visit=draft, item=items[0], score=1)
    # Rectifications: on time (closed 23:30 Shanghai on the due day), late, open and overdue → 1 of 3;
    # open and not yet due on the day of the assessment → not counted.
    def rectification(raised, due, closed=None):
        return supervision.Rectification.objects.create(
            visit=visit, committee=a, raised_on=d(raised), due_on=d(due), description="整改", owner="张三",
            status="done" if closed else "open", closed_at=closed,
        )

    rectification("2021-01-15", "2021-06-30", datetime.datetime(2021, 6, 30, 23, 30, tzinfo=SHANGHAI))
    rectification("2021-01-15", "2021-02-28", datetime.datetime(2021, 3, 2, 9, 0, tzinfo=SHANGHAI))
    rectification("2021-01-15", "2021-03-31")
    rectification("2021-12-20", "2022-01-15")
    return tree


def parts_of(committee, year=2021):
    return {
        p.rule.key: (p.numerator, p.denominator, p.points, p.counted)
        for p in AssessmentPart.objects.filter(score__committee=committee, score__year=year).select_related("rule")
    }


def test_it_scores_a_committee_rule_by_rule_as_computed_by_hand(dataset):
    assessment_compute(year=2021, as_of=AS_OF)
    assert parts_of(dataset.county_a) == {
        "study_frequency": (4, 12, Decimal("8.33"), True),  # 25 × 4/12
        "attendance_rate": (6, 8, Decimal("16.67"), True),  # 20 × 0.75 / 0.9
        "plan_coverage": (3, 4, Decimal("15.00"), True),  # 20 × 3/4
        "filing_compliance": (2, 5, Decimal("6.00"), True),  # 15 × 2/5
        "audit_ratings": (12, 15, Decimal("10.00"), True),  # 10 × min(1, 0.8 / 0.8)
        "rectifications_on_time": (1, 3, Decimal("3.33"), True),  # 10 × 1/3
    }
    score = AssessmentScore.objects.get(committee=dataset.county_a, year=2021)
    assert (score.points, score.max_points) == (Decimal("59.33"), Decimal("100.00"))


def test_it_applies_the_no_data_rules_to_a_committee_without_records(dataset):
    assessment_compute(year=2021, as_of=AS_OF)
    parts = parts_of(dataset.county_b)
    # B held one session in April (1 of 12 months), nothing else: no attendance, plan or filing → 0;
    # no visits → not counted; nothing to rectify → full 10. Counted: 2.08 + 10 of 90 → scaled to 100.
    assert parts["study_frequency"][2] == Decimal("2.08")
    assert parts["filing_compliance"] == (0, 1, Decimal("0.00"), True)
    assert parts["audit_ratings"] == (0, 0, Decimal("0"), False)
    assert parts["rectifications_on_time"][2:] == (Decimal("10"), True)
    score = AssessmentScore.objects.get(committee=dataset.county_b, year=2021)
    assert score.points == ((Decimal("2.08") + 10) * 100 / 90).quantize(Decimal("0.01"))  # 13.42


def test_it_follows_the_rules_as_configured(dataset):
    assessment_rules_ensure()
    AssessmentRule.objects.exclude(key__in=["study_frequency", "plan_coverage"]).update(active=False)
    AssessmentRule.objects.filter(key="study_frequency").update(weight=Decimal("60"), threshold=Decimal("0.5"))
    assessment_compute(year=2021, as_of=AS_OF)
    assert set(parts_of(dataset.county_a)) == {"study_frequency", "plan_coverage"}
    score = AssessmentScore.objects.get(committee=dataset.county_a, year=2021)
    # 60 × min(1, 0.3333/0.5) = 40.00; 20 × 0.75 = 15.00; out of 80.
    assert (score.points, score.max_points) == (Decimal("55.00"), Decimal("80.00"))


def test_it_is_idempotent_and_scores_every_active_committee(dataset):
    assessment_compute(year=2021, as_of=AS_OF)
    first = list(AssessmentScore.objects.order_by("committee_id").values_list("committee_id", "points"))
    assessment_compute(year=2021, as_of=AS_OF)
    assert list(AssessmentScore.objects.order_by("committee_id").values_list("committee_id", "points")) == first
    assert len(first) == 4
    assert AssessmentPart.objects.count() == 4 * 6
    assert AssessmentRun.objects.get(year=2021).committee_count == 4


def test_it_leaves_other_years_alone(dataset):
    assessment_compute(year=2020, as_of=AS_OF)
    assessment_compute(year=2021, as_of=AS_OF)
    assert AssessmentScore.objects.filter(year=2020).count() == 4
    a_2020 = AssessmentScore.objects.get(committee=dataset.county_a, year=2020)
    assert parts_of(dataset.county_a, 2020)["study_frequency"][:2] == (1, 12)
    assert a_2020.points < AssessmentScore.objects.get(committee=dataset.county_a, year=2021).points


def test_it_computes_from_the_command_and_the_task(dataset):
    out = io.StringIO()
    call_command("assess", "--year", "2021", stdout=out)
    assert "4 committees" in out.getvalue()
    AssessmentScore.objects.all().delete()
    result = assessment_compute_task.delay(2021).get()
    assert result == {"year": 2021, "committees": 4}
    assert AssessmentScore.objects.filter(year=2021).count() == 4


def test_it_measures_each_rule_with_one_grouped_query(dataset):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import make_committee

    def queries():
        with CaptureQueriesContext(connection) as context:
            assessment_compute(year=2021, as_of=AS_OF)
        return len(context.captured_queries)

    queries()  # the first run also creates the rules and the year's run row
    before = queries()
    for i in range(3):  # more committees, each with records of every kind the rules read
        committee = make_committee(dataset.city, code=f"more-{i}")
        activity = ActivityFactory(committee=committee, held_on=d("2021-05-05"))
        Attendance.objects.create(activity=activity, member=MemberFactory(committee=committee), status="present")
    assert queries() == before  # the number of queries does not grow with the committees


def test_it_creates_missing_rules_with_their_defaults_and_keeps_edited_ones(db):
    assessment_rules_ensure()
    assert AssessmentRule.objects.count() == 6
    assert sum(AssessmentRule.objects.values_list("weight", flat=True)) == 100
    AssessmentRule.objects.filter(key="attendance_rate").update(weight=Decimal("5"), label="出勤")
    AssessmentRule.objects.filter(key="plan_coverage").delete()
    assessment_rules_ensure()
    assert AssessmentRule.objects.get(key="attendance_rate").weight == Decimal("5")
    assert AssessmentRule.objects.get(key="plan_coverage").weight == Decimal("20")
    assert str(AssessmentRule.objects.get(key="attendance_rate")) == "出勤"
    assert str(AssessmentRule.objects.get(key="plan_coverage")) == "学习计划专题完成"  # translated default


def test_it_explains_each_part_in_the_readers_language(dataset):
    from django.utils import translation

    assessment_compute(year=2021, as_of=AS_OF)
    part = AssessmentPart.objects.select_related("rule").get(score__committee=dataset.county_a,
                                                             rule__key="attendance_rate")
    assert "6" in part.explanation and "8" in part.explanation  # stored in the default language
    with translation.override("en"):
        assert part.explain == "6 of 8 attendance entries present or late (75.0%)."
