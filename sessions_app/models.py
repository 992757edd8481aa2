"""Everything a secretary logs: study activities of every kind, attendance, evidence, the annual plan.

All kinds of activity live in one table (`Activity`) with a `kind` and the few facts that kind needs,
so that every statistic is one GROUP BY over one table (see reports/metrics.py).
"""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees.models import Campaign, Committee, Member, Theme
from studygroup.dates import FOUNDING, LoggedDate, MonthStart, PlanningYear, SessionDate, founding_check

from .attachments import StoredFile, stored_file_path
from .closing import closes_at, entered_late, is_closed
from .kinds import ATTENDANCE_KINDS, GROUP_SESSION_KINDS, ActivityKind  # noqa: F401  (their home is kinds.py)

MAX_AUDIENCE = 100_000  # one lecture; a stadium-sized audience is already a typing error
MAX_PARTICIPANTS = 100_000  # person-times of one field study or reading class
MAX_ARTICLES = 100_000  # one counted batch of reflection articles
MAX_PERIODS = 1_000
MAX_DAYS = 366


# The kinds of record and what each is (group session, attendance, filed): one table, sessions_app/kinds.py.


class LecturerLevel(models.TextChoices):
    CITY_LEADER = "city_leader", _("City-level leader")  # 市级领导
    COUNTY_LEADER = "county_leader", _("County, district or city-department leadership member")  # 县(市)区和市直单位领导班子成员
    GRASSROOTS = "grassroots", _("Grassroots cadre")  # 基层干部
    OTHER = "other", _("Other lecturer")  # 宣讲团成员等


class PlaceKind(models.TextChoices):
    PORTFOLIO = "portfolio", _("Area of responsibility")  # 分管领域
    ASSISTED_TOWNSHIP = "assisted_township", _("Assisted township")  # 包扶乡镇
    CONTACT_POINT = "contact_point", _("Party-building contact point")  # 基层党建联系点
    OTHER = "other", _("Other place")


class DeliveryMode(models.TextChoices):
    OFFLINE = "offline", _("Offline")  # 线下
    ONLINE = "online", _("Online")  # 线上


class ActivityQuerySet(models.QuerySet):
    def restrict(self, user, action):
        """The records the user may do `action` (read, write, administer, audit) on: committees/policy.py."""
        from committees.policy import restrict

        return restrict(self, user, action)

    def visible_to(self, user):
        from committees.policy import READ, restrict

        return restrict(self, user, READ)

    def writable_by(self, user):
        from committees.policy import WRITE, restrict

        return restrict(self, user, WRITE)

    def in_subtree(self, committee):
        return self.filter(committee__path__startswith=committee.path)


def month_start(day):
    return day.replace(day=1)


def month_is_closed(month, today=None):
    """Whether `month` had closed on the day `today` (default: today); see sessions_app/closing.py."""
    if today is None:
        return is_closed(month)
    return today >= closes_at(month).date()


class Activity(models.Model):
    """One logged study activity of a committee's study group (any kind)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="activities", verbose_name=_("committee")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices, db_index=True)
    held_on = models.DateField(_("date held"), validators=[SessionDate()])
    ends_on = models.DateField(_("last day"), null=True, blank=True, validators=[SessionDate()])  # reading classes span days
    month = models.DateField(_("month"), editable=False)  # first day of held_on's month, for rollups
    title = models.CharField(_("topic"), max_length=200)
    materials = models.TextField(_("materials studied"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="activities", verbose_name=_("campaign")
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="activities", verbose_name=_("theme")
    )
    plan_topics = models.ManyToManyField(
        "PlanTopic", blank=True, related_name="activities", verbose_name=_("plan topics covered")
    )
    # Collective / thematic study
    led_by = models.CharField(_("led by"), max_length=60, blank=True)  # 领学
    discussion = models.TextField(_("speeches and discussion"), blank=True)  # 研讨发言
    # Reading class
    period_count = models.PositiveIntegerField(
        _("periods"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_PERIODS)]
    )
    day_count = models.PositiveIntegerField(
        _("days"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)]
    )
    # Reading class participants / field-study person-times
    participant_count = models.PositiveIntegerField(
        _("participants"), null=True, blank=True, validators=[MaxValueValidator(MAX_PARTICIPANTS)]
    )
    # First-agenda-item study at a standing-committee meeting
    meeting_name = models.CharField(_("meeting"), max_length=120, blank=True)
    opened_with_study = models.BooleanField(_("opened with study"), default=True)
    # Expert and outreach lectures
    speaker = models.CharField(_("speaker"), max_length=60, blank=True)
    inviting_body = models.CharField(_("inviting body"), max_length=120, blank=True)
    delivery_mode = models.CharField(_("online or offline"), max_length=10, choices=DeliveryMode.choices, blank=True)
    lecturer_level = models.CharField(_("lecturer level"), max_length=20, choices=LecturerLevel.choices, blank=True)
    place_kind = models.CharField(_("place kind"), max_length=20, choices=PlaceKind.choices, blank=True)
    audience_count = models.PositiveIntegerField(
        _("audience"), null=True, blank=True, validators=[MaxValueValidator(MAX_AUDIENCE)]
    )
    # Field study
    site = models.CharField(_("site"), max_length=120, blank=True)
    # Reflection articles / research reports
    author = models.CharField(_("author"), max_length=60, blank=True)
    article_count = models.PositiveIntegerField(
        _("articles"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_ARTICLES)]
    )
    # Bookkeeping
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_late = models.BooleanField(_("entered late"), default=False, editable=False)
    # A form carries a fresh key; posting it twice finds the first record instead of making a second.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords(excluded_fields=["month", "submission_key", "updated_at"])
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("study record")
        verbose_name_plural = _("study records")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["committee", "month", "kind"], name="activity_committee_month"),
            models.Index(fields=["month", "kind"], name="activity_month_kind"),
            models.Index(fields=["committee", "-held_on", "-id"], name="activity_archive"),
            # Newest first across many committees (portal home, drill-down pages): ordered by
            # (-month, -held_on, -id), the same order as (-held_on, -id), read backwards so
            # PostgreSQL stops after one page instead of sorting every record of the scope.
            models.Index(fields=["month", "held_on", "id"], name="activity_month_held"),
            # The same order within each committee: a subtree's page (the record list API, a county's thousands of
            # records) finds its ids from this index alone (an index-only scan a committee) and reads 50 rows.
            models.Index(fields=["committee", "month", "held_on", "id"], name="activity_committee_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("held_on")),
                name="activity_ends_after_start",
            ),
            founding_check("activity_held_after_founding", "held_on"),  # ends_on follows from the check above
            # `month` is derived from held_on; a queryset update() of held_on alone must not desynchronise it.
            models.CheckConstraint(condition=models.Q(month=MonthStart("held_on")), name="activity_month_of_held_on"),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.title}"

    def clean(self):
        # The date bounds are the fields' validators (studygroup/dates.py); clean() runs only on valid dates.
        if self.held_on:
            self.month = month_start(self.held_on)  # before validate_constraints() compares them
            if self.ends_on and self.ends_on < self.held_on:
                raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})
        if self.campaign_id:
            # A campaign covers its organiser's subtree and its period (committees/campaigns.py: one rule for the
            # forms, the imports and the API).
            from committees.campaigns import campaign_misfit

            problem = campaign_misfit(self.campaign, self.committee if self.committee_id else None, self.held_on)
            if problem:
                raise ValidationError({"campaign": problem})

    def save(self, *args, **kwargs):
        self.derive_dated_fields()
        super().save(*args, **kwargs)

    def derive_dated_fields(self):
        """The month and the late flag follow the date held; save() sets them, and so must a bulk insert."""
        if self.held_on:
            self.month = month_start(self.held_on)
            self.is_late = self.late_after_dating()

    def late_after_dating(self):
        """The late flag, decided by when the record ENTERED the portal relative to its month's close.

        Once late, always late: moving the date to a later (open) month never clears it; and moving a record
        into a month that had already closed when the record was entered makes it late. Editing the date
        therefore cannot dodge the flag in either direction."""
        return bool(self.is_late) or entered_late(month_start(self.held_on), self.created_at)

    @property
    def month_closed(self):
        """Whether this record's month (as stored) has closed: changing the record is then a correction."""
        return is_closed(self.month)

    @property
    def month_closes_at(self):
        return closes_at(self.month)

    def get_absolute_url(self):
        return reverse("sessions_app:detail", args=[self.pk])

    @property
    def takes_attendance(self):
        return self.kind in ATTENDANCE_KINDS


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")  # 出席
    LATE = "late", _("Late")  # 迟到
    EXCUSED = "excused", _("Excused")  # 请假
    ABSENT = "absent", _("Absent")  # 缺席


# Leave and absence are recorded with their reason (the form, the API and the import ask the same).
REASON_REQUIRED = {
    AttendanceStatus.EXCUSED: _("Give the reason for the leave."),
    AttendanceStatus.ABSENT: _("Give the reason for the absence."),
}


class Attendance(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("study record")
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("member"))
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    made_up_on = models.DateField(_("make-up study on"), null=True, blank=True, validators=[LoggedDate()])  # 补学
    made_up_note = models.CharField(_("make-up study"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="attendance_once_per_member"),
            founding_check("attendance_made_up_after_founding", optional=["made_up_on"]),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_status_display()}"

    def clean(self):
        errors = {}
        if self.member_id and self.activity_id and self.member.committee_id != self.activity.committee_id:
            errors["member"] = _("%(name)s is not a member of this committee's study group.") % {
                "name": self.member.name
            }
        if self.status in REASON_REQUIRED and not self.reason.strip():
            errors["reason"] = REASON_REQUIRED[self.status]
        if self.made_up_on and self.activity_id and self.made_up_on < self.activity.held_on:
            errors["made_up_on"] = _("Make-up study cannot be before the session itself.")
        if errors:
            raise ValidationError(errors)


attachment_path = stored_file_path  # the name the migrations know it by


class Attachment(StoredFile):
    """Evidence of a record: a photo of the sign-in sheet, a scan, a PDF. Served only through a scoped view."""

    upload_folder = "attachments"

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("study record")
    )

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class TopicSource(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned from above")  # 定题
    FOUND = "found", _("Found in the work")  # 找题
    SET = "set", _("Set by the leadership")  # 出题
    SOLICITED = "solicited", _("Solicited from members")  # 征题
    ESTABLISHED = "established", _("Established by the group")  # 立题


class StudyPlan(models.Model):
    """A committee's annual study plan (年度学习计划), approved by the committee secretary."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="study_plans", verbose_name=_("committee")
    )
    year = models.PositiveIntegerField(_("year"), validators=[PlanningYear()])
    title = models.CharField(_("title"), max_length=200)
    approved_by = models.CharField(_("approved by"), max_length=60, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True, validators=[LoggedDate()])
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual study plan")
        verbose_name_plural = _("annual study plans")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="one_plan_per_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=FOUNDING.year)
                & (models.Q(approved_on__isnull=True) | models.Q(approved_on__gte=FOUNDING)),
                name="study_plan_dates_after_founding",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_approved(self):
        return bool(self.approved_on and self.approved_by)


class PlanTopic(models.Model):
    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="topics", verbose_name=_("plan"))
    title = models.CharField(_("topic"), max_length=200)
    source = models.CharField(_("source"), max_length=20, choices=TopicSource.choices)
    planned_month = models.PositiveSmallIntegerField(
        _("planned month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("plan topic")
        verbose_name_plural = _("plan topics")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.title


def article_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"articles/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


MAX_ARTICLE_TEXT = 50_000  # characters: a long article is about 10,000


class Article(models.Model):
    """One reflection article (心得体会) of a reflection record: who wrote it, its title, and its text or file.

    A record that lists its articles counts them (`Activity.article_count` is set from them by the services,
    in the same transaction); a record without any (a counted batch of old, the 2021 scenario) keeps its typed
    count. The texts are the ground for checking copied articles later."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="articles", verbose_name=_("study record")
    )
    author = models.CharField(_("author"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True, max_length=MAX_ARTICLE_TEXT)
    file = models.FileField(_("file"), upload_to=article_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reflection article")
        verbose_name_plural = _("reflection articles")
        ordering = ["activity", "id"]

    def __str__(self):
        return f"{self.author}：{self.title}"


class CorrectionAction(models.TextChoices):
    EDIT = "edit", _("Edit")  # 更正
    DELETE = "delete", _("Deletion")  # 删除


class Correction(models.Model):
    """A change to a record of a closed month (更正), with its reason, who made it and when.

    It keeps the record's id, title, kind, month and committee as text, so it outlives a deleted record.
    `month` is the record's month before the change and `new_month` the month after a move (else null): a
    move into or out of a closed month is a correction that concerns both months, and lists under either."""

    record = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections",
        verbose_name=_("study record"),
    )
    record_number = models.PositiveIntegerField(_("record number"))  # the record's id, kept after a deletion
    record_title = models.CharField(_("topic"), max_length=200)
    record_kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("committee")
    )
    committee_name = models.CharField(_("committee name"), max_length=200)
    month = models.DateField(_("month"))
    new_month = models.DateField(_("moved to month"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=CorrectionAction.choices)
    reason = models.TextField(_("reason for the correction"), max_length=500)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("corrected by"),
    )
    made_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    # {field name: [old, new]} as text people read (choice labels, names, dates); keys are the record's field
    # names, plus "plan_topics", "attachments", "attendance:<member>" and "article:<id>" (labels: corrections.py).
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    history_id = models.PositiveIntegerField(null=True, blank=True, editable=False)  # the record's history row

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["-made_at", "-id"]
        indexes = [
            models.Index(fields=["committee", "month"], name="correction_committee_month"),
            models.Index(fields=["new_month"], name="correction_new_month"),
        ]

    def __str__(self):
        return f"{self.get_action_display()}：{self.record_title}"


from .signin_models import SignIn, SignInWindow  # noqa: E402,F401  (QR sign-in; see that module)
