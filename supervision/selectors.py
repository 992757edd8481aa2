"""Reads for supervision pages and figures. Every list goes through a `visible_to(user)`; every figure is the
registry's (reports.figures), never counted here."""
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from committees.scope import scope_for
from reports import metrics as registry
from reports import page_cache
from reports import scoping as report_scoping
from reports.figures import page_figures, uncovered_groups
from reports.months import month_floor
from sessions_app.models import Activity, AttendanceStatus

from .models import FILING_KINDS, Assignment, Filing, Notification, Rectification, Visit, VisitStatus
from .scoping import has_conflict, supervision_committee_q, supervision_scope


def reported_attendance(activity):
    """What the committee reported: present + late members, else the audience or participants logged."""
    if activity is None:
        return None
    counted = activity.attendance.filter(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE]).count()
    if counted:
        return counted
    if activity.audience_count is not None:
        return activity.audience_count
    if activity.participant_count is not None:
        return activity.participant_count
    return 0 if activity.takes_attendance else None


def filings_for(user):
    return Filing.objects.visible_to(user).select_related("committee", "activity")


def sessions_without_filing(user, *, start=None, end=None):
    """Logged sessions of filing kinds that no filing is linked to."""
    qs = Activity.objects.filter(supervision_committee_q(user, "committee__"), kind__in=FILING_KINDS, filing__isnull=True)
    if start:
        qs = qs.filter(held_on__gte=start)
    if end:
        qs = qs.filter(held_on__lte=end)
    return qs.select_related("committee")


class AssignmentStatus(models.TextChoices):
    TO_VISIT = "to_visit", _("To visit")  # 待旁听
    OVERDUE = "overdue", pgettext_lazy("assignment", "Overdue")  # 已逾期
    DONE = "done", pgettext_lazy("assignment", "Done")  # 已完成


def assignments_for(auditor, today=None):
    """The auditor's assignments, each with its `status`: done once its visit is submitted, overdue once the
    filed day has passed without one, to visit until then (a draft visit is not yet done)."""
    if auditor is None:
        return Assignment.objects.none()
    today = today or timezone.localdate()
    status = Case(
        When(visit__status=VisitStatus.SUBMITTED, then=Value(AssignmentStatus.DONE.value)),
        When(filing__planned_on__lt=today, then=Value(AssignmentStatus.OVERDUE.value)),
        default=Value(AssignmentStatus.TO_VISIT.value), output_field=models.CharField(),
    )
    return (
        Assignment.objects.filter(auditor=auditor)
        .select_related("filing__committee", "filing__activity", "visit")
        .annotate(status=status)
        .order_by("filing__planned_on", "id")
    )


def visitable_filings(user):
    """Filed sessions (held or still to come) the user, as an auditor, may sit in on: in their subtrees, of
    the kinds filed, and no conflict with their home committee."""
    scope = supervision_scope(user)
    if scope.auditor is None:
        return Filing.objects.none()
    return (
        Filing.objects.filter(scope.committee_q("committee__", paths=scope.auditor_paths), kind__in=FILING_KINDS)
        .exclude(_conflict_q(scope.auditor.home_committee.path))
        .select_related("committee", "activity")
    )


def _conflict_q(home, prefix="committee__"):
    """The auditor's own committee, those below it and those above it."""
    return Q(**{f"{prefix}path__startswith": home}) | Q(
        **{f"{prefix}path__in": [home[:i] for i in range(4, len(home) + 1, 4)]}
    )


def visitable_activities(user):
    """Sessions the user (as an auditor) may sit in on without an assignment: in their subtrees, no conflict."""
    scope = supervision_scope(user)
    if scope.auditor is None:
        return Activity.objects.none()
    return (
        Activity.objects.filter(scope.committee_q("committee__", paths=scope.auditor_paths), kind__in=FILING_KINDS)
        .exclude(_conflict_q(scope.auditor.home_committee.path))
        .select_related("committee")
    )


def auditor_may_visit(auditor_scope, committee):
    return auditor_scope.may_visit_path(committee.path) and not has_conflict(
        auditor_scope.auditor.home_committee.path, committee.path
    )


def _not_a_draft(user, prefix=""):
    """Submitted, or the user's own draft: a draft is its auditor's alone until submitted (administrators too
    see only submitted visits of others), and so are the rectification items written in it."""
    return Q(**{f"{prefix}status": VisitStatus.SUBMITTED}) | Q(**{f"{prefix}auditor__user": user})


def visits_for(user):
    return (
        Visit.objects.visible_to(user).filter(_not_a_draft(user))
        .select_related("committee", "auditor__user", "activity", "filing")
    )


def rectifications_for(user):
    return (
        Rectification.objects.visible_to(user).filter(_not_a_draft(user, "visit__"))
        .select_related("committee", "visit")
    )


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# ---------------------------------------------------------------- the overview: registry figures only

# The supervision home's figures, each a registry figure (reports.figures): nothing here is counted by hand.
OVERVIEW_KEYS = [
    "sit_in_visits", "visit_coverage", "visit_discrepancies", "visits_with_findings", "open_rectifications",
    "overdue_rectifications", "filed_sessions", "held_filings", "unheld_filings", "sessions_without_filing",
]
COVERAGE_KEY = "visit_coverage"
RECENT = 10


@dataclass
class Overview:
    figures: object  # reports.figures.Figures, as this reader is shown them
    uncovered: list = field(default_factory=list)  # the depth-2 groups the coverage figure still misses
    discrepancies: list = field(default_factory=list)  # the latest records behind `visit_discrepancies`
    findings: list = field(default_factory=list)  # … and behind `visits_with_findings`


def overview_committee(user, code):
    """The committee whose figures the user reads on the supervision home (the dashboard's rule: their first
    root by default, any committee in their scope by code, 404 outside it), or None with no scope at all."""
    if scope_for(user).is_empty:
        return None
    return report_scoping.committee_for(user, code)


def overview(user, committee, month):
    """The registry's figures of `committee` as of `month` (year to date), the groups T14 still misses, and the
    latest visits behind two of the figures. A reader of the committee alone (a secretary) gets its own group's.

    Cached on the version of the stored figures (reports/page_cache.py): the figures and the groups for everyone
    who reads the committee alike, the visits (which depend on whose visits the user may open) per user."""
    subtree_readable = report_scoping.reads_subtree(user, committee)
    month = month_floor(month)
    version = page_cache.version(month)
    parts = (*page_cache.scope_parts(committee, subtree_readable), f"{month:%Y-%m}")
    figures, uncovered = page_cache.cached(
        "supervision-figures", version, parts, lambda: _figures_and_uncovered(user, committee, month),
    )
    discrepancies, findings = page_cache.cached("supervision-visits", version, (*parts, user.pk), lambda: (
        _latest(user, "visit_discrepancies", committee, month),
        _latest(user, "visits_with_findings", committee, month),
    ))
    return Overview(figures=figures, uncovered=uncovered, discrepancies=discrepancies, findings=findings)


def _figures_and_uncovered(user, committee, month):
    """Alike for every reader with the same `scope_parts` (the cache key): what differs is only whether they read
    the whole subtree."""
    figures = page_figures(user, committee, month, OVERVIEW_KEYS)
    # Plain copies: a cached value holds no registry object nor lazy translation (the key names the language).
    figures.items = [f.plain() for f in figures.items]
    coverage = registry.COVERAGES.get(COVERAGE_KEY)
    uncovered = [] if figures.own or coverage is None else uncovered_groups(coverage, committee, month)
    return figures, uncovered


def _latest(user, key, committee, month):
    """The newest records behind a figure (the metric's own `records()`), of those the user may open: own group
    or subtree, as the figure (reports.scoping.uses_own)."""
    metric = registry.get(key)
    own = report_scoping.uses_own(metric, user=user, committee=committee)
    rows = metric.records(committee, month, own=own, queryset=Visit.objects.visible_to(user))
    return list(rows.select_related("committee").order_by("-visited_on", "-id")[:RECENT])
