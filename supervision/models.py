"""Supervision (巡听旁听): filings of upcoming sessions, the auditor pool, random draws, sit-in visits,
their ratings, findings and rectification items, and the portal's notifications.

The assessment app reads these models (Filing, Visit, Rating, Rectification); keep their names stable.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from committees.models import Committee
from sessions_app.attachments import StoredFile, stored_file_path
from sessions_app.kinds import FILING_KINDS
from sessions_app.models import Activity
from studygroup.dates import LoggedDate, PlanningDate, founding_check

# Kinds a secretary files in advance and an auditor may sit in on (the group's own sessions and outreach lectures):
# the `filed` column of sessions_app/kinds.py.
FILING_KIND_CHOICES = [(k.value, k.label) for k in FILING_KINDS]
RATING_MIN, RATING_MAX = 1, 5


def _visible_committee_q(user, prefix):
    from .scoping import supervision_committee_q

    return supervision_committee_q(user, prefix)


class FilingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(_visible_committee_q(user, "committee__"))

    def unheld(self, today):
        """Filed, the day has passed, and no session was logged for it."""
        return self.filter(activity__isnull=True, planned_on__lt=today)


class Filing(models.Model):
    """An upcoming session filed in advance (学习报备)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="filings", verbose_name=_("committee"))
    kind = models.CharField(_("kind"), max_length=20, choices=FILING_KIND_CHOICES)
    planned_on = models.DateField(_("planned date"), validators=[PlanningDate()])
    place = models.CharField(_("place"), max_length=120)
    topic = models.CharField(_("topic"), max_length=200)
    activity = models.OneToOneField(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="filing",
        verbose_name=_("session held"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    objects = FilingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("filing")  # 学习报备
        verbose_name_plural = _("filings")
        ordering = ["planned_on", "id"]
        indexes = [
            models.Index(fields=["committee", "kind", "planned_on"], name="filing_match"),
            # The filings list opens newest first: read from this index, a city's first page stops after 25 rows
            # instead of sorting all its filings.
            models.Index(fields=["planned_on", "id"], name="filing_planned"),
        ]
        constraints = [founding_check("filing_planned_after_founding", "planned_on")]

    def __str__(self):
        return f"{self.planned_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"


class Auditor(models.Model):
    """A member of the auditor pool (巡听旁听人员库)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auditor_profile", verbose_name=_("user")
    )
    home_committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("home committee")
    )
    # Subtree roots: the auditor may visit these committees and everything under them.
    may_visit = models.ManyToManyField(Committee, related_name="+", verbose_name=_("may visit (subtrees)"))
    active = models.BooleanField(pgettext_lazy("switch", "active"), default=True)
    workload_limit = models.PositiveSmallIntegerField(
        _("visits per draw period"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("auditor")  # 巡听旁听人员
        verbose_name_plural = _("auditor pool")
        ordering = ["id"]

    def __str__(self):
        return str(self.user)


class StrataMode(models.TextChoices):
    NONE = "none", _("No strata")
    LEVEL = "level", _("By level")  # committee depth
    COUNTY = "county", _("By county or department")  # the depth-2 ancestor


class Draw(models.Model):
    """A random spot check (随机抽查): the frozen candidates, the seed and the result, so it can be re-run."""

    root = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("committees under")
    )
    period_start = models.DateField(_("period from"), validators=[PlanningDate()])
    period_end = models.DateField(_("period to"), validators=[PlanningDate()])
    sample_size = models.PositiveIntegerField(_("sample size"))
    strata = models.CharField(_("strata"), max_length=10, choices=StrataMode.choices, default=StrataMode.NONE)
    seed = models.BigIntegerField(_("seed"))
    # [[filing_id, committee_id, committee_path, stratum], …] in canonical order (by filing id)
    candidates = models.JSONField(_("candidates"))
    # [{"id", "home", "visits": [paths], "capacity", "previous": [committee ids]}, …] as they were at the draw
    pool = models.JSONField(_("auditor pool at the draw"))
    result = models.JSONField(_("drawn filings"))  # [filing_id, …] sorted
    assignments = models.JSONField(_("assignments"))  # {filing_id: auditor_id}
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("drawn by")
    )
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("random draw")  # 随机抽查
        verbose_name_plural = _("random draws")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="draw_period_valid"),
            founding_check("draw_period_after_founding", "period_start"),  # period_end follows from the check above
        ]

    def __str__(self):
        return f"{self.root} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class Assignment(models.Model):
    """One drawn filing and the auditor assigned to visit it."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="assignment_rows", verbose_name=_("draw"))
    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("filing"))
    auditor = models.ForeignKey(Auditor, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("auditor"))

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["filing__planned_on", "id"]
        constraints = [models.UniqueConstraint(fields=["draw", "filing"], name="assignment_once_per_draw")]

    def __str__(self):
        return f"{self.auditor} → {self.filing}"


class ChecklistItem(models.Model):
    """One line of the visit checklist, rated 1–5 (preparation, attendance, depth of discussion …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(pgettext_lazy("switch", "active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "id"]

    def __str__(self):
        return str(self.display_label)

    @property
    def display_label(self):
        from .checklist import DEFAULT_LABELS

        return DEFAULT_LABELS.get(self.code, self.label)


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .scoping import visit_q

        return self.filter(visit_q(user))

    def submitted(self):
        return self.filter(status=VisitStatus.SUBMITTED)


class Visit(models.Model):
    """A sit-in visit (列席旁听) to a study session or an outreach lecture."""

    auditor = models.ForeignKey(Auditor, on_delete=models.PROTECT, related_name="visits", verbose_name=_("auditor"))
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="visits", verbose_name=_("committee visited")
    )
    filing = models.ForeignKey(
        Filing, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits", verbose_name=_("filing")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits",
        verbose_name=pgettext_lazy("study", "session"),  # not django.contrib.sessions' 会话
    )
    assignment = models.OneToOneField(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="visit", verbose_name=_("assignment")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FILING_KIND_CHOICES)
    visited_on = models.DateField(_("visit date"), validators=[LoggedDate()])
    observed_count = models.PositiveIntegerField(
        _("head count observed"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    reported_count = models.PositiveIntegerField(_("attendance reported"), null=True, blank=True, editable=False)
    discrepancy = models.BooleanField(_("head count discrepancy"), default=False, editable=False)
    findings = models.TextField(_("findings"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.DRAFT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = VisitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sit-in visit")  # 列席旁听
        verbose_name_plural = _("sit-in visits")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["committee", "visited_on"], name="visit_committee_date"),
            models.Index(fields=["status", "visited_on"], name="visit_status_date"),
        ]
        constraints = [founding_check("visit_after_founding", "visited_on")]

    def __str__(self):
        return f"{self.visited_on:%Y-%m-%d} {self.committee}"

    @property
    def is_draft(self):
        return self.status == VisitStatus.DRAFT

    def get_absolute_url(self):
        return reverse("supervision:visit", args=[self.pk])


class Rating(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("visit"))
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("checklist item"))
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["item__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "item"], name="rating_once_per_item"),
            models.CheckConstraint(condition=models.Q(score__gte=RATING_MIN, score__lte=RATING_MAX), name="rating_in_range"),
        ]


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class RectificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .scoping import visit_q

        return self.filter(visit_q(user, prefix="visit__"))

    def overdue(self, today):
        return self.filter(status=RectificationStatus.OPEN, due_on__lt=today)


class Rectification(models.Model):
    """An item to put right (整改) found at a visit, and its follow-up."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="rectifications", verbose_name=_("visit"))
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"))
    raised_on = models.DateField(_("raised on"), validators=[LoggedDate()])  # the visit date, kept so figures need no join
    description = models.CharField(_("what to put right"), max_length=300)
    owner = models.CharField(_("owner"), max_length=60)
    due_on = models.DateField(_("due date"), validators=[PlanningDate()])
    status = models.CharField(
        _("status"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    evidence_note = models.TextField(_("evidence"), blank=True)
    # Its own msgid: the month close's "closed at" (关账时间) is another thing.
    closed_at = models.DateTimeField(pgettext_lazy("rectification", "closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("closed by"),
    )

    objects = RectificationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification item")  # 整改事项
        verbose_name_plural = _("rectification items")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["committee", "status", "due_on"], name="rectification_status")]
        constraints = [
            models.CheckConstraint(condition=models.Q(due_on__gte=models.F("raised_on")), name="rectification_due_after_visit"),
            founding_check("rectification_raised_after_founding", "raised_on"),  # due_on follows from the check above
        ]

    def __str__(self):
        return self.description


evidence_path = stored_file_path  # the name the migrations know it by


class RectificationEvidence(StoredFile):
    """A file showing that an item was put right (a photo, a scan, a PDF), kept with the item. Served only through
    a scoped view, to those who may read the item."""

    upload_folder = "rectifications"

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="evidence_files", verbose_name=_("rectification item")
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class Notification(models.Model):
    """A message in the portal (and by email where the user has an address)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.message
