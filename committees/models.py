"""The committee tree, its study-group members, users and their roles, campaigns and themes."""
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from studygroup.dates import LoggedDate, PlanningDate, founding_check

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,39}$",
    _("Use 1–40 lower-case letters, digits or hyphens, starting with a letter or digit."),
)


class CommitteeKind(models.TextChoices):
    CITY = "city", _("City committee")  # 市委
    COUNTY = "county", _("County/city/district committee")  # 县(市)区委
    DEPARTMENT = "department", _("City department party committee/group")  # 市直单位党委/党组
    GRASSROOTS = "grassroots", _("Grassroots committee")  # 基层党委
    PROVINCE = "province", _("Provincial committee")  # 省委


class CommitteeQuerySet(MP_NodeQuerySet):
    def restrict(self, user, action):
        """The committees the user may do `action` (read, write, administer, audit) on: committees/policy.py."""
        from .policy import restrict

        return restrict(self, user, action, field=None)

    def visible_to(self, user):
        from .policy import READ, restrict

        return restrict(self, user, READ, field=None)

    def subtree_of(self, committee):
        return self.filter(path__startswith=committee.path)


class CommitteeManager(MP_NodeManager):
    def get_queryset(self):
        return CommitteeQuerySet(self.model).order_by("path")

    def visible_to(self, user):
        return self.get_queryset().visible_to(user)


class Committee(MP_Node):
    """A party committee (党委) or leading party group (党组) with a theory study center group.

    The materialized path (treebeard) answers "this committee and everything under it" with one
    indexed prefix query: ``path LIKE '<path>%'``.
    """

    steplen = 4
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=CommitteeKind.choices)
    active = models.BooleanField(_("active"), default=True)

    objects = CommitteeManager()

    class Meta:
        verbose_name = _("committee")  # 党委(党组)
        verbose_name_plural = _("committees")
        # On PostgreSQL, a prefix LIKE uses a btree index only with the pattern opclass.
        indexes = [
            models.Index(fields=["path"], opclasses=["varchar_pattern_ops"], name="committee_path_prefix"),
            # "the groups at depth d under P" (sub-committees, coverage): depth first, then the path prefix
            models.Index(fields=["depth", "path"], opclasses=["", "varchar_pattern_ops"], name="committee_depth_path"),
        ]

    def __str__(self):
        return self.name

    @property
    def level(self):
        """1 = the tree's root (city), 2 = county level and city departments, 3 = grassroots, …"""
        return self.depth

    def subtree(self):
        return Committee.objects.filter(path__startswith=self.path)

    def is_within(self, other):
        return self.path.startswith(other.path)


class Member(models.Model):
    """A member of a committee's theory study center group (中心组成员)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name=_("committee")
    )
    name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position"), max_length=120, blank=True)
    # Kept as a column (many readers filter on it): on the roster today. The roster's services derive it from
    # left_on (a member who has left is not active); rows written before the dates existed keep their flag.
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_leader = models.BooleanField(_("leadership member"), default=False)
    joined_on = models.DateField(
        _("joined on"), null=True, blank=True, validators=[LoggedDate()],
        help_text=_("Leave empty when the member has always been in the group."),
    )
    left_on = models.DateField(_("left on"), null=True, blank=True, validators=[LoggedDate()])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("study-group member")
        verbose_name_plural = _("study-group members")
        ordering = ["committee", "order", "id"]
        indexes = [models.Index(fields=["committee", "active"])]
        constraints = [
            founding_check("member_dates_after_founding", optional=["joined_on", "left_on"]),
            models.CheckConstraint(
                condition=models.Q(joined_on__isnull=True) | models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="member_leaves_after_joining",
            ),
        ]

    def clean(self):
        super().clean()
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("A member cannot leave before joining: enter a date on or after %(joined)s.")
                                   % {"joined": self.joined_on.isoformat()}})

    def __str__(self):
        return f"{self.name}（{self.position}）" if self.position else self.name


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    # Set when an administrator gives a temporary password; committees.accounts keeps the user on the
    # password change page until they choose their own.
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username


class RoleKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")  # 中心组秘书/联络员: writes that committee's records
    LEADER = "leader", _("Leader")  # reads the committee's subtree
    AUDITOR = "auditor", _("Auditor")  # 巡听旁听人员: see supervision
    ADMIN = "admin", _("Administrator")  # 宣传部 system staff: everything


class Role(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="roles", verbose_name=_("committee")
    )
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "committee", "kind"], name="role_unique_per_committee")
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.committee}"


class Campaign(models.Model):
    """A study campaign, e.g. 弘扬伟大建党精神 study month (2021-10-15 → 2021-11-15)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    # The committee whose subtree the campaign covers (empty: the whole tree, as for campaigns made before).
    committee = models.ForeignKey(
        "Committee", on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns",
        verbose_name=_("organised by"),
    )
    starts_on = models.DateField(_("starts on"), validators=[PlanningDate()])
    ends_on = models.DateField(_("ends on"), validators=[PlanningDate()])
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_period_valid"),
            founding_check("campaign_starts_after_founding", "starts_on"),  # ends_on follows from the check above
        ]

    def __str__(self):
        return self.name


class Theme(models.Model):
    """A study theme, e.g. 十九届六中全会精神."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    committee = models.ForeignKey(
        "Committee", on_delete=models.PROTECT, null=True, blank=True, related_name="themes",
        verbose_name=_("set by"),
    )

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommitteeChangeAction(models.TextChoices):
    CREATE = "create", _("created")
    RENAME = "rename", _("renamed")
    MOVE = "move", _("moved")
    RETIRE = "retire", _("retired")
    REACTIVATE = "reactivate", _("reactivated")


class CommitteeChange(models.Model):
    """One change to the committee tree, by whom and when.

    A log instead of HistoricalRecords on Committee: treebeard moves a subtree with queryset updates of `path`,
    which write no history rows, so the services write this row explicitly, in the same transaction."""

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="changes", verbose_name=_("committee"))
    action = models.CharField(_("action"), max_length=20, choices=CommitteeChangeAction.choices)
    old = models.CharField(_("before"), max_length=255, blank=True)
    new = models.CharField(_("after"), max_length=255, blank=True)
    user = models.ForeignKey(
        "committees.User", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee change")  # 党委(党组)变更
        verbose_name_plural = _("committee changes")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.committee} {self.get_action_display()}"


class UserChangeAction(models.TextChoices):
    CREATE = "create", _("user created")
    EDIT = "edit", _("details changed")
    DEACTIVATE = "deactivate", _("deactivated")
    REACTIVATE = "reactivate", _("reactivated")
    PASSWORD_RESET = "password_reset", _("password reset (to be changed at next login)")
    ROLE_ADD = "role_add", _("role given")
    ROLE_REMOVE = "role_remove", _("role taken")
    AUDITOR_ADD = "auditor_add", _("added to the auditor pool")
    AUDITOR_CHANGE = "auditor_change", _("auditor pool entry changed")
    AUDITOR_REMOVE = "auditor_remove", _("removed from the auditor pool")


class UserChange(models.Model):
    """One change an administrator made to a user, their roles or their auditor-pool entry, by whom and when.

    A log rather than HistoricalRecords on User: every login saves `last_login`, which would write a history row
    per login; the auditor pool (supervision) keeps no history of its own. Role keeps its own history as well."""

    user = models.ForeignKey(User, models.CASCADE, related_name="changes", verbose_name=_("user"))
    action = models.CharField(_("action"), max_length=20, choices=UserChangeAction.choices)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by"))
    at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("user change")
        verbose_name_plural = _("user changes")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user} {self.get_action_display()}"
