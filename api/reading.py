"""Study records with their related rows in a constant number of queries: the attendance, the articles and the
plan topics of all the records of a page, one query each, as plain rows (`.values()`) on each record, where the
serializer reads them (api/serializers.py ATTENDANCE_ROWS, ARTICLE_ROWS, PLAN_TOPIC_IDS).

Django's prefetch_related would do it in as many queries, but builds a model object per row and a queryset per
record and relation to hold them: at 50 records and a few hundred attendance rows, most of the page's time."""
from types import SimpleNamespace

from django.db.models import F

from sessions_app.models import Activity, Article, Attendance

from .serializers import ARTICLE_ROWS, ATTENDANCE_ROWS, PLAN_TOPIC_IDS

ATTENDANCE_FIELDS = ("member_id", "status", "reason", "made_up_on", "made_up_note")
ARTICLE_FIELDS = ("id", "author", "title", "text", "original_name")


def with_rows(records):
    """`records` (a list of Activity, e.g. a page) with their related rows attached; returns the list."""
    by_id = {record.pk: record for record in records}
    for record in records:
        setattr(record, ATTENDANCE_ROWS, [])
        setattr(record, ARTICLE_ROWS, [])
        setattr(record, PLAN_TOPIC_IDS, [])
    if not by_id:
        return records
    # The orders are the relations' own: the roster's order, an article's id, a plan topic's plan year, order, id.
    attendance = (
        Attendance.objects.filter(activity_id__in=by_id).order_by("member__order", "member_id")
        .values("activity_id", *ATTENDANCE_FIELDS, member_name=F("member__name"))
    )
    for row in attendance:
        getattr(by_id[row.pop("activity_id")], ATTENDANCE_ROWS).append(SimpleNamespace(**row))
    for row in Article.objects.filter(activity_id__in=by_id).order_by("id").values("activity_id", *ARTICLE_FIELDS):
        getattr(by_id[row.pop("activity_id")], ARTICLE_ROWS).append(SimpleNamespace(**row))
    topics = (
        Activity.plan_topics.through.objects.filter(activity_id__in=by_id)
        .order_by("-plantopic__plan__year", "plantopic__order", "plantopic_id").values_list("activity_id", "plantopic_id")
    )
    for activity_id, topic_id in topics:
        getattr(by_id[activity_id], PLAN_TOPIC_IDS).append(topic_id)
    return records
