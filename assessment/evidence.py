"""The records behind each part of a score, for the breakdown page: one grouped query per part.

Each function returns {"rows": [...], "archive": {query parameters of sessions_app:archive} or None}.
Lists are capped (EVIDENCE_LIMIT); the archive link shows everything.
"""
import datetime

from django.db.models import Avg, Count, Q

from sessions_app.models import ATTENDANCE_KINDS, GROUP_SESSION_KINDS, Activity, Attendance, AttendanceStatus, PlanTopic

from .rules import filing_kinds, supervision_model, year_bounds

EVIDENCE_LIMIT = 100
OPEN_LIMIT = 8  # longer lists start folded, so the page stays a list of parts on a phone


def _listing(rows, archive=None):
    rows = list(rows)
    return {"rows": rows, "archive": archive, "folded": len(rows) > OPEN_LIMIT}


def _archive(committee, year, kinds):
    start, end = year_bounds(year)
    return [("committee", committee.pk), ("own", "on"), ("held_from", start.isoformat()),
            ("held_to", end.isoformat()), *(("kind", k) for k in kinds)]


def study_frequency(committee, year):
    counts = dict(
        Activity.objects.filter(committee=committee, kind__in=GROUP_SESSION_KINDS, held_on__range=year_bounds(year))
        .values("month").annotate(n=Count("id")).order_by().values_list("month", "n")
    )
    rows = []
    for number in range(1, 13):
        month = datetime.date(year, number, 1)
        rows.append({"month": month, "sessions": counts.get(month, 0),
                     "archive": [*_archive(committee, year, GROUP_SESSION_KINDS), ("month", month.strftime("%Y-%m"))]})
    return {"rows": rows, "archive": _archive(committee, year, GROUP_SESSION_KINDS), "folded": False}


def attendance_rate(committee, year):
    rows = (
        Attendance.objects.filter(activity__committee=committee, activity__held_on__range=year_bounds(year))
        .values("activity_id", "activity__held_on", "activity__title", "activity__kind")
        .annotate(
            total=Count("id"),
            present=Count("id", filter=Q(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE])),
            excused=Count("id", filter=Q(status=AttendanceStatus.EXCUSED)),
            absent=Count("id", filter=Q(status=AttendanceStatus.ABSENT)),
        )
        .order_by("activity__held_on", "activity_id")[:EVIDENCE_LIMIT]
    )
    return _listing(rows, _archive(committee, year, ATTENDANCE_KINDS))


def plan_coverage(committee, year):
    topics = (
        PlanTopic.objects.filter(plan__committee=committee, plan__year=year)
        .annotate(sessions=Count("activities"))
        .order_by("order", "id")
        .values("id", "title", "planned_month", "sessions", "plan_id")[:EVIDENCE_LIMIT]
    )
    return _listing(topics)


def filing_compliance(committee, year):
    rows = (
        Activity.objects.filter(committee=committee, kind__in=filing_kinds(), held_on__range=year_bounds(year))
        .values("id", "held_on", "title", "kind", "filing__id", "filing__planned_on")
        .order_by("held_on", "id")[:EVIDENCE_LIMIT]
    )
    return _listing(rows, _archive(committee, year, filing_kinds()))


def audit_ratings(committee, year):
    rows = (
        supervision_model("Visit").objects.filter(
            committee=committee, status="submitted", visited_on__range=year_bounds(year)
        )
        .annotate(mean=Avg("ratings__score"), ratings_count=Count("ratings"))
        .values("id", "visited_on", "kind", "activity_id", "mean", "ratings_count")
        .order_by("visited_on", "id")[:EVIDENCE_LIMIT]
    )
    return _listing(rows)


def rectifications_on_time(committee, year):
    rows = (
        supervision_model("Rectification").objects.filter(
            committee=committee, visit__status="submitted", raised_on__range=year_bounds(year)
        )
        .values("id", "description", "raised_on", "due_on", "status", "closed_at", "visit_id")
        .order_by("due_on", "id")[:EVIDENCE_LIMIT]
    )
    return _listing(rows)


EVIDENCE = {
    "study_frequency": study_frequency,
    "attendance_rate": attendance_rate,
    "plan_coverage": plan_coverage,
    "filing_compliance": filing_compliance,
    "audit_ratings": audit_ratings,
    "rectifications_on_time": rectifications_on_time,
}


def evidence_for(part, committee, year):
    from .rules import CALCULATORS

    function = EVIDENCE.get(part.rule.key)
    if function is None or not CALCULATORS[part.rule.key].available:
        return None
    return function(committee, year)
