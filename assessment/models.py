"""Models: knowledge tests (党史知识测试), practical-matter tasks (办实事项目), the annual assessment (年度目标考核).

Definition order matters: parents come before the rows that point at them, so that deleting an app's
models in reverse order (demo.city.wipe_portal_data) never trips a PROTECT.
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees.models import Committee, CommitteeKind, Member
from studygroup.dates import LoggedDate, PlanningDate, founding_check

MAX_SAMPLE = 1_000_000
DRAW_ALGORITHM = "sha256-rank-v1"  # see assessment/draw.py; stored with every round so a re-run can check it


# ---------------------------------------------------------------- knowledge tests


class Strata(models.TextChoices):
    NONE = "none", _("No strata")  # 不分层
    LEVEL = "level", _("By committee level")  # 按层级分层
    COUNTY = "county", _("By county or department")  # 按县(市)区、市直单位分层


class TestRoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        from committees.policy import READ, restrict

        return restrict(self, user, READ)


class TestRound(models.Model):
    """One round of a knowledge test (党史知识测试 / 随机抽考) with its frozen random draw.

    The candidate list, the seed and the allocation over strata are stored as they were at the draw,
    so anyone can re-run the draw (assessment.draw.draw_sample) and compare it with the sittings.
    """

    __test__ = False  # not a pytest class, despite the name

    name = models.CharField(_("name"), max_length=120)
    held_on = models.DateField(_("date held"), validators=[LoggedDate()])
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="test_rounds", verbose_name=_("committee (scope of the draw)")
    )
    strata = models.CharField(_("strata"), max_length=10, choices=Strata.choices, default=Strata.NONE)
    sample_size = models.PositiveIntegerField(
        _("members to draw"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_SAMPLE)]
    )
    sample_rate = models.DecimalField(
        _("sample rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=1, default=Decimal("60"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    max_score = models.DecimalField(
        _("full marks"), max_digits=5, decimal_places=1, default=Decimal("100"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("1000"))],
    )
    seed = models.CharField(_("seed"), max_length=64)
    algorithm = models.CharField(_("draw algorithm"), max_length=30, default=DRAW_ALGORITHM, editable=False)
    # {stratum: [member id, …]} as drawn from, and {stratum: how many drawn}; frozen at the draw.
    candidates = models.JSONField(_("candidate list"), default=dict, editable=False)
    allocation = models.JSONField(_("allocation over strata"), default=dict, editable=False)
    candidate_count = models.PositiveIntegerField(_("candidate count"), default=0, editable=False)
    drawn_count = models.PositiveIntegerField(_("members drawn"), default=0, editable=False)
    sample_digest = models.CharField(_("digest of the sample"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("drawn at"), default=timezone.now, editable=False)

    objects = TestRoundQuerySet.as_manager()
    # The frozen candidate list can hold a province's members: kept once, on the round, not in every version.
    history = HistoricalRecords(excluded_fields=["candidates"])

    class Meta:
        verbose_name = _("knowledge-test round")  # 党史知识测试轮次
        verbose_name_plural = _("knowledge-test rounds")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"], name="test_round_held_on")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sample_size__isnull=False) | models.Q(sample_rate__isnull=False),
                name="test_round_has_sample_size_or_rate",
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark__lte=models.F("max_score")), name="test_round_pass_mark"
            ),
            founding_check("test_round_held_after_founding", "held_on"),
        ]

    def __str__(self):
        return self.name


class TestSitting(models.Model):
    """One sampled member in one round: a person-test (人次), with the score once entered."""

    __test__ = False

    round = models.ForeignKey(TestRound, on_delete=models.CASCADE, related_name="sittings", verbose_name=_("round"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="test_sittings", verbose_name=_("member"))
    # The member's committee at the draw: a later move of the member does not move their test.
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="test_sittings", verbose_name=_("committee")
    )
    stratum = models.CharField(_("stratum"), max_length=60)
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    passed = models.BooleanField(_("passed"), null=True, editable=False)  # set with the score, so SQL can count it
    scored_at = models.DateTimeField(_("score entered at"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person-test")  # 抽考人次
        verbose_name_plural = _("person-tests")
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="test_sitting_once_per_round")]
        indexes = [models.Index(fields=["committee", "round"], name="test_sitting_committee")]

    def __str__(self):
        return f"{self.round} · {self.member.name}"


# ---------------------------------------------------------------- practical-matter tasks


class TaskLevel(models.TextChoices):
    CITY = "city", _("City level")  # 市级
    COUNTY = "county", _("County level")  # 县级


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")  # 计划
    IN_PROGRESS = "in_progress", _("In progress")  # 推进中
    DONE = "done", _("Done")  # 已完成


CITY_LEVEL_KINDS = (CommitteeKind.CITY, CommitteeKind.DEPARTMENT, CommitteeKind.PROVINCE)


def task_level_for(committee):
    """City committees and city departments hold city-level tasks; counties and below, county-level."""
    return TaskLevel.CITY if committee.kind in CITY_LEVEL_KINDS else TaskLevel.COUNTY


class PracticalTaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        from committees.policy import READ, restrict

        return restrict(self, user, READ)


class PracticalTask(models.Model):
    """A practical-matter task (办实事项目) a committee undertook, with its status."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="practical_tasks", verbose_name=_("committee")
    )
    level = models.CharField(_("level"), max_length=10, choices=TaskLevel.choices, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("deadline"), validators=[PlanningDate()])
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.PLANNED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, validators=[LoggedDate()])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PracticalTaskQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("practical-matter task")  # 办实事项目
        verbose_name_plural = _("practical-matter tasks")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["committee", "due_on"], name="task_committee_due"),
            models.Index(fields=["due_on", "level", "status"], name="task_due_level_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="done", completed_on__isnull=False)
                | (~models.Q(status="done") & models.Q(completed_on__isnull=True)),
                name="task_completed_on_iff_done",
            ),
            founding_check("task_dates_after_founding", "due_on", optional=["completed_on"]),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.status == TaskStatus.DONE and not self.completed_on:
            errors["completed_on"] = _("Give the date the task was completed.")
        if self.status != TaskStatus.DONE and self.completed_on:
            errors["completed_on"] = _("Only a task that is done has a completion date.")
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------- annual assessment


class AssessmentRule(models.Model):
    """One configurable rule of the annual assessment; its points are weight × min(1, value / threshold)."""

    key = models.CharField(_("key"), max_length=40, unique=True)  # a key of assessment.rules.CALCULATORS
    label = models.CharField(_("label"), max_length=120)
    weight = models.DecimalField(
        _("weight (points)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    threshold = models.DecimalField(
        _("threshold"), max_digits=6, decimal_places=4, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
        help_text=_("The share (0–1) at which the rule earns its full weight."),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment rule")  # 考核细则
        verbose_name_plural = _("assessment rules")
        ordering = ["order", "id"]

    def __str__(self):
        return str(self.display_label)

    @property
    def display_label(self):
        """A default rule's label in the reader's language; a label an administrator changed, as typed."""
        from .rules import CALCULATORS

        calculator = CALCULATORS.get(self.key)
        if calculator is not None:
            with translation.override(None):  # the untranslated source label
                source = str(calculator.label)
            if self.label == source:
                return calculator.label
        return self.label


class AssessmentRun(models.Model):
    """One row per year: locked while the year is computed, so two computations never interleave."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    committee_count = models.PositiveIntegerField(_("committees scored"), default=0)

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-year"]


class AssessmentScoreQuerySet(models.QuerySet):
    def visible_to(self, user):
        from committees.policy import READ, restrict

        return restrict(self, user, READ)


class AssessmentScore(models.Model):
    """A committee's annual assessment score (年度目标考核得分) for one year."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="assessment_scores", verbose_name=_("committee")
    )
    year = models.PositiveIntegerField(_("year"))
    points = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    max_points = models.DecimalField(_("full score"), max_digits=7, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"))

    objects = AssessmentScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        ordering = ["year", "-points", "committee__path"]
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="assessment_score_once_per_year")]
        indexes = [models.Index(fields=["year", "-points"], name="assessment_score_rank")]

    def __str__(self):
        return f"{self.committee} {self.year}: {self.points}"


class AssessmentPart(models.Model):
    """One rule's share of a score: the measured value, the points it earned, and why."""

    score = models.ForeignKey(AssessmentScore, on_delete=models.CASCADE, related_name="parts", verbose_name=_("score"))
    rule = models.ForeignKey(AssessmentRule, on_delete=models.CASCADE, related_name="parts", verbose_name=_("rule"))
    numerator = models.PositiveIntegerField(_("counted"), default=0)
    denominator = models.PositiveIntegerField(_("out of"), default=0)
    value = models.DecimalField(_("value"), max_digits=7, decimal_places=4, null=True, blank=True)  # None: no data
    weight = models.DecimalField(_("weight (points)"), max_digits=6, decimal_places=2)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    counted = models.BooleanField(_("counted"), default=True)  # False: no records and the rule says skip
    explanation = models.CharField(_("explanation"), max_length=300)  # in the default language, as computed
    details = models.JSONField(_("details"), default=dict, blank=True)  # what the explanation is made of

    @property
    def explain(self):
        """The explanation in the reader's language, rebuilt from the stored numbers."""
        from .rules import explain

        return explain(
            self.rule.key, self.numerator, self.denominator, self.value, self.details.get("extra"),
            mode=self.details.get("mode", "zero"),
        )

    class Meta:
        verbose_name = _("assessment part")
        verbose_name_plural = _("assessment parts")
        ordering = ["score", "rule__order", "rule_id"]
        constraints = [models.UniqueConstraint(fields=["score", "rule"], name="assessment_part_once_per_rule")]

    def __str__(self):
        return f"{self.rule}: {self.points}"
