"""Builders for the supervision tests: auditor profiles, filings, assignments and visits."""
import datetime

from django.utils import timezone

from sessions_app.models import Activity, ActivityKind, Attendance, AttendanceStatus
from supervision.models import Assignment, Auditor, ChecklistItem, Draw, Filing, Rectification, Visit

from .factories import MemberFactory


def make_auditor(user, *, home, may_visit, limit=5, active=True):
    auditor = Auditor.objects.create(user=user, home_committee=home, workload_limit=limit, active=active)
    auditor.may_visit.set(may_visit)
    user._supervision_scope = user._studygroup_scope = None  # the policy reads the profile (committees/policy.py)
    return auditor


def make_filing(committee, *, planned_on=None, kind=ActivityKind.COLLECTIVE, topic="学习主题", activity=None):
    planned_on = planned_on or timezone.localdate() - datetime.timedelta(days=1)
    return Filing.objects.create(
        committee=committee, kind=kind, planned_on=planned_on, place="会议室", topic=topic, activity=activity
    )


def make_session(committee, *, held_on=None, present=5, absent=1, kind=ActivityKind.COLLECTIVE):
    """A logged session with `present` members present and `absent` excused (reported attendance = present)."""
    held_on = held_on or timezone.localdate() - datetime.timedelta(days=1)
    activity = Activity.objects.create(committee=committee, kind=kind, held_on=held_on, title="集体学习")
    for i in range(present + absent):
        member = MemberFactory(committee=committee)
        status = AttendanceStatus.PRESENT if i < present else AttendanceStatus.EXCUSED
        Attendance.objects.create(activity=activity, member=member, status=status, reason="出差" if i >= present else "")
    return activity


def make_assignment(filing, auditor):
    draw = Draw.objects.create(
        root=filing.committee, period_start=filing.planned_on, period_end=filing.planned_on, sample_size=1,
        seed=1, candidates=[], pool=[], result=[filing.pk], assignments={str(filing.pk): auditor.pk},
    )
    return Assignment.objects.create(draw=draw, filing=filing, auditor=auditor)


def make_visit(auditor, committee, *, status="submitted", visited_on=None, activity=None, discrepancy=False,
               findings="", rectifications=0, due_on=None, rect_status="open"):
    visited_on = visited_on or timezone.localdate() - datetime.timedelta(days=1)
    visit = Visit.objects.create(
        auditor=auditor, committee=committee, activity=activity, kind=ActivityKind.COLLECTIVE, visited_on=visited_on,
        observed_count=5, reported_count=5, discrepancy=discrepancy, findings=findings, status=status,
    )
    for i in range(rectifications):
        Rectification.objects.create(
            visit=visit, committee=committee, raised_on=visited_on, description=f"整改{i}", owner="张三",
            due_on=due_on or visited_on + datetime.timedelta(days=30), status=rect_status,
        )
    return visit


def checklist_ids():
    return list(ChecklistItem.objects.filter(active=True).values_list("pk", flat=True))
