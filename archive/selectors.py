"""Reads of the archive volume: who may ask for which committee's volume, and the year's contents.

A volume is a committee's OWN study group's archive (学习档案 is kept per group, and the year-end inspection
reads one group's file): it holds the records of that committee only, never of the committees under it. A
leader picks which committee of their subtree; a secretary has their own committee.
"""
import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from committees import policy
from committees.models import Committee
from committees.scope import get_object_in_scope
from reports.models import PublishedBulletin
from sessions_app.models import Activity, ActivityKind, Attendance, Correction, PlanTopic, StudyPlan
from supervision.models import Rating, Rectification, Visit, VisitStatus

from .models import ArchiveVolume

# How many committees the request form lists in a drop-down; a leader of a larger subtree types the code.
LISTED_COMMITTEES = 300


def archive_committees(user):
    """Committees whose volume the user may request and read: a secretary's own committee, every committee of a
    leader's subtree, everything for an administrator. An auditor's reading scope gives none."""
    return policy.restrict(Committee.objects.all(), user, policy.READ, field=None, audit=False)


def may_request(user, committee):
    return archive_committees(user).filter(pk=committee.pk).exists()


def committee_for_request(user, code):
    """The committee named by its code, if the user may request its volume; else 404 (as if it did not exist)."""
    return get_object_in_scope(archive_committees(user), code=code)


def volumes_visible(user):
    """Volumes of the committees the user may request for: the download and the status follow this."""
    return policy.restrict(ArchiveVolume.objects.select_related("committee"), user, policy.READ, audit=False)


def volumes_of(user):
    """The user's own requests, newest first (the list page)."""
    return volumes_visible(user).filter(requested_by=user)


def volume_for_user(user, pk):
    return get_object_in_scope(volumes_visible(user), pk=pk)


# ---------------------------------------------------------------- the year's contents


SESSION_KINDS = (ActivityKind.COLLECTIVE, ActivityKind.THEMATIC, ActivityKind.READING_CLASS, ActivityKind.FIRST_AGENDA)
LECTURE_KINDS = (ActivityKind.EXPERT_LECTURE, ActivityKind.OUTREACH_LECTURE)
VISIT_OUT_KINDS = (ActivityKind.IMMERSIVE, ActivityKind.FIELD_STUDY)


def year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _records(committee, year):
    first, last = year_bounds(year)
    attendance = Attendance.objects.select_related("member").order_by("member__order", "member__id", "id")
    return list(
        Activity.objects.filter(committee=committee, month__gte=first, month__lte=last)
        .select_related("campaign", "theme")
        .prefetch_related(
            Prefetch("attendance", queryset=attendance),
            Prefetch("plan_topics", queryset=PlanTopic.objects.order_by("order", "id")),
            "articles",
        )
        .order_by("held_on", "id")
    )


def _plan(committee, year):
    """The year's plan with its topics, each with the committee's records that ticked it off (any date)."""
    covering = Activity.objects.filter(committee=committee).order_by("held_on", "id")
    topics = PlanTopic.objects.order_by("order", "id").prefetch_related(
        Prefetch("activities", queryset=covering, to_attr="covered_by")
    )
    return (
        StudyPlan.objects.filter(committee=committee, year=year)
        .prefetch_related(Prefetch("topics", queryset=topics, to_attr="ordered_topics"))
        .first()
    )


def _visits(committee, year):
    """Submitted sit-in visits to the committee in the year (a draft is not yet on record)."""
    first, last = year_bounds(year)
    return list(
        Visit.objects.filter(
            committee=committee, status=VisitStatus.SUBMITTED, visited_on__gte=first, visited_on__lte=last,
        )
        .select_related("auditor__user", "activity")
        .prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.select_related("item").order_by("item__order", "item__id")),
            Prefetch("rectifications", queryset=Rectification.objects.order_by("due_on", "id")),
        )
        .order_by("visited_on", "id")
    )


def _corrections(committee, year):
    first, last = year_bounds(year)
    in_year = Q(month__gte=first, month__lte=last) | Q(new_month__gte=first, new_month__lte=last)
    return list(
        Correction.objects.filter(in_year, committee=committee).select_related("made_by").order_by("made_at", "id")
    )


def _bulletins(committee, year):
    """The latest published version of each month's bulletin, with how many versions the month had."""
    first, last = year_bounds(year)
    latest = {}
    versions = {}
    for bulletin in PublishedBulletin.objects.filter(committee=committee, month__gte=first, month__lte=last).order_by(
        "month", "-version"
    ):
        latest.setdefault(bulletin.month, bulletin)
        versions[bulletin.month] = versions.get(bulletin.month, 0) + 1
    for month, bulletin in latest.items():
        bulletin.version_count = versions[month]
    return [latest[month] for month in sorted(latest)]


@dataclass
class VolumeContents:
    committee: Committee
    year: int
    plan: StudyPlan = None
    records: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    corrections: list = field(default_factory=list)
    bulletins: list = field(default_factory=list)

    def of_kind(self, *kinds):
        return [r for r in self.records if r.kind in kinds]

    @property
    def record_count(self):
        return len(self.records) + len(self.visits) + len(self.corrections) + len(self.bulletins)


LOADERS = (
    ("plan", _plan),
    ("records", _records),
    ("visits", _visits),
    ("corrections", _corrections),
    ("bulletins", _bulletins),
)


def volume_contents(committee, year, *, on_step=None):
    """Everything of the committee's own group in the year, in a fixed number of queries (no per-row query)."""
    contents = VolumeContents(committee=committee, year=year)
    for name, loader in LOADERS:
        setattr(contents, name, loader(committee, year))
        if on_step:
            on_step(name)
    return contents


def year_has_anything(committee, year):
    first, last = year_bounds(year)
    return (
        Activity.objects.filter(committee=committee, month__gte=first, month__lte=last).exists()
        or StudyPlan.objects.filter(committee=committee, year=year).exists()
        or Visit.objects.filter(
            committee=committee, status=VisitStatus.SUBMITTED, visited_on__gte=first, visited_on__lte=last,
        ).exists()
        or Correction.objects.filter(
            Q(month__gte=first, month__lte=last) | Q(new_month__gte=first, new_month__lte=last), committee=committee,
        ).exists()
        or PublishedBulletin.objects.filter(committee=committee, month__gte=first, month__lte=last).exists()
    )
