"""Reads for supervision pages and figures. Every list goes through a `visible_to(user)`."""
import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from committees.models import Committee
from sessions_app.models import Activity, AttendanceStatus

from .models import FILING_KINDS, Assignment, Filing, Notification, Rectification, RectificationStatus, Visit
from .scoping import has_conflict, supervision_committee_q, supervision_scope


def year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


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


def assignments_for(auditor):
    if auditor is None:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(auditor=auditor)
        .select_related("filing__committee", "filing__activity", "visit")
        .order_by("filing__planned_on", "id")
    )


def visitable_activities(user):
    """Sessions the user (as an auditor) may sit in on without an assignment: in their subtrees, no conflict."""
    scope = supervision_scope(user)
    if scope.auditor is None:
        return Activity.objects.none()
    home = scope.auditor.home_committee.path
    conflict = Q(committee__path__startswith=home) | Q(
        committee__path__in=[home[:i] for i in range(4, len(home) + 1, 4)]
    )
    return (
        Activity.objects.filter(scope.committee_q("committee__", paths=scope.auditor_paths), kind__in=FILING_KINDS)
        .exclude(conflict)
        .select_related("committee")
    )


def auditor_may_visit(auditor_scope, committee):
    return auditor_scope.may_visit_path(committee.path) and not has_conflict(
        auditor_scope.auditor.home_committee.path, committee.path
    )


def visits_for(user):
    return Visit.objects.visible_to(user).select_related("committee", "auditor__user", "activity", "filing")


def rectifications_for(user):
    return Rectification.objects.visible_to(user).select_related("committee", "visit")


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def visit_coverage(user, year):
    """T14: depth-2 groups (counties, districts, city departments) in the user's scope visited at least once.

    Returns (visited, total, [unvisited committees]); counted in SQL with one EXISTS per row.
    """
    start, end = year_bounds(year)
    visited = Visit.objects.filter(
        committee=OuterRef("pk"), status="submitted", visited_on__gte=start, visited_on__lte=end
    )
    groups = Committee.objects.filter(supervision_committee_q(user), depth=2, active=True)
    totals = groups.order_by().aggregate(total=Count("pk"), visited=Count("pk", filter=Q(Exists(visited))))
    missing = list(groups.filter(~Exists(visited)).order_by("path")[:50])
    return totals["visited"], totals["total"], missing


def overview(user, year):
    """The figures on the supervision home page, each one aggregate query over the user's scope."""
    start, end = year_bounds(year)
    today = timezone.localdate()
    visits = Visit.objects.visible_to(user).submitted().filter(visited_on__gte=start, visited_on__lte=end)
    rects = Rectification.objects.visible_to(user).filter(raised_on__gte=start, raised_on__lte=end)
    filings = Filing.objects.visible_to(user).filter(planned_on__gte=start, planned_on__lte=end)
    figures = visits.aggregate(
        visits=Count("pk"), discrepancies=Count("pk", filter=Q(discrepancy=True)),
        with_findings=Count("pk", filter=~Q(findings="")),
    )
    figures.update(rects.aggregate(
        open=Count("pk", filter=Q(status=RectificationStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=RectificationStatus.OPEN, due_on__lt=today)),
        done=Count("pk", filter=Q(status=RectificationStatus.DONE)),
    ))
    figures.update(filings.aggregate(
        filed=Count("pk"), held=Count("pk", filter=Q(activity__isnull=False)),
        unheld=Count("pk", filter=Q(activity__isnull=True, planned_on__lt=today)),
    ))
    figures["unfiled"] = sessions_without_filing(user, start=start, end=end).count()
    return figures
