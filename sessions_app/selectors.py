"""Reads: every queryset here starts from the scope layer, so out of scope is simply not found."""
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from committees.models import Committee
from committees.policy import READ, WRITE, administrators_to_ask, get_or_404, restrict  # noqa: F401 (home)
from committees.scope import get_object_in_scope, scope_for

from .models import (
    Activity,
    ActivityKind,
    Article,
    Attachment,
    AttendanceStatus,
    Correction,
    StudyPlan,
    month_start,
)


def records_visible(user):
    return Activity.objects.visible_to(user).select_related("committee", "campaign", "theme")


def records_writable(user):
    return Activity.objects.writable_by(user).select_related("committee", "campaign", "theme")


def latest_records(user, *, limit=10):
    # (-month, -held_on, -id) is the order of (-held_on, -id) (month is held_on's first day), and the
    # one the index activity_month_held reads backwards: the database stops after `limit` rows.
    return list(records_visible(user).order_by("-month", "-held_on", "-id")[:limit])


def month_counts(user, *, today=None):
    """This month's records in the user's scope, per kind, in display order (one GROUP BY)."""
    month = month_start(today or timezone.localdate())
    counted = dict(
        Activity.objects.visible_to(user).filter(month=month).values_list("kind").annotate(n=Count("id")).order_by()
    )
    return [(kind, label, counted.get(kind.value, 0)) for kind, label in zip(ActivityKind, ActivityKind.labels)]


def writable_committees(user):
    return restrict(Committee.objects.all(), user, WRITE, field=None).order_by("path")


def sole_writable_committee(user):
    """The one active committee a secretary writes for (then the forms imply it), else None (an administrator
    of a subtree chooses, even when one committee of it is left active)."""
    scope = scope_for(user)
    if scope.is_admin or scope.admin_paths:
        return None
    committees = list(writable_committees(user).filter(active=True)[:2])
    return committees[0] if len(committees) == 1 else None


def record_for_detail(user, pk):
    return get_object_in_scope(records_visible(user).select_related("created_by"), pk=pk)


def record_for_writing(user, pk):
    return get_object_in_scope(records_writable(user), pk=pk)


def attendance_rows(activity):
    return list(activity.attendance.select_related("member").order_by("member__order", "member__id"))


def attendance_totals(activity):
    """{status: count} plus 'total', counted in SQL."""
    counted = dict(activity.attendance.values_list("status").annotate(n=Count("id")).order_by())
    totals = {status.value: counted.get(status.value, 0) for status in AttendanceStatus}
    totals["total"] = sum(totals.values())
    totals["made_up"] = activity.attendance.exclude(made_up_on__isnull=True, made_up_note="").count()
    return totals


def attachment_for_download(user, pk):
    return get_or_404(Attachment.objects.all(), user, READ, "activity__committee", pk=pk)


def plans_visible(user):
    """Plans in scope with their coverage (topics, topics ticked off by at least one record)."""
    qs = restrict(StudyPlan.objects.all(), user, READ)
    return qs.select_related("committee").annotate(
        topic_count=Count("topics", distinct=True),
        covered_count=Count("topics", filter=Q(topics__activities__isnull=False), distinct=True),
    ).order_by("-year", "committee__path")


def plan_for_detail(user, pk):
    return get_object_in_scope(plans_visible(user), pk=pk)


def plan_for_writing(user, pk):
    return get_or_404(StudyPlan.objects.select_related("committee"), user, WRITE, pk=pk)


def plan_topics_with_records(user, plan):
    """The plan's topics, each with the records (in scope) that ticked it off."""
    records = Activity.objects.visible_to(user).order_by("held_on", "id")
    return list(plan.topics.prefetch_related(Prefetch("activities", queryset=records, to_attr="records")))


def articles_of(activity):
    return list(activity.articles.order_by("id"))


def article_for_download(user, pk):
    return get_or_404(Article.objects.exclude(file=""), user, READ, "activity__committee", pk=pk)


def corrections_visible(user):
    """Corrections of records in the user's scope (by the committee the record belonged to)."""
    return restrict(Correction.objects.all(), user, READ).select_related("made_by", "record")


def topics_of(activity):
    return list(activity.plan_topics.select_related("plan").order_by("plan__year", "order", "id"))
