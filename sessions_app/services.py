"""Writes: records with their attendance and evidence, and annual study plans. Each is atomic."""
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from committees.scope import scope_for
from studygroup.dates import check_dates

from .models import Activity, Attachment, Attendance, StudyPlan

ATTENDANCE_FIELDS = ("status", "reason", "made_up_on", "made_up_note")


def _require_writer(user, committee):
    # Views answer 404 before this; reaching here without the right is a programming error.
    if not scope_for(user).can_write_committee(committee):
        raise PermissionDenied


@transaction.atomic
def activity_create(
    *, user, committee, kind, data, plan_topics=(), attendance=(), files=(), submission_key=None
):
    """Create a record; a second call with the same submission key returns the first record instead."""
    _require_writer(user, committee)
    if submission_key:
        existing = Activity.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    activity = Activity(committee=committee, kind=kind, created_by=user, submission_key=submission_key, **data)
    activity.full_clean(exclude=["plan_topics"])
    activity._history_user = user
    try:
        with transaction.atomic():  # a savepoint: a concurrent double post loses the race cleanly
            activity.save()
    except IntegrityError:
        existing = Activity.objects.filter(submission_key=submission_key).first() if submission_key else None
        if existing is None:
            raise
        return existing
    activity.plan_topics.set(plan_topics)
    _attendance_create(activity, attendance, user)
    _attachments_add(activity, files, user)
    return activity


@transaction.atomic
def activity_update(*, user, activity, data, plan_topics=(), attendance=(), files=(), remove_attachments=()):
    _require_writer(user, activity.committee)
    for name, value in data.items():
        setattr(activity, name, value)
    activity.full_clean(exclude=["plan_topics"])
    activity._history_user = user
    activity.save()
    activity.plan_topics.set(plan_topics)
    _attendance_update(activity, attendance, user)
    _attachments_remove(activity, remove_attachments)
    _attachments_add(activity, files, user)
    return activity


@transaction.atomic
def activity_delete(*, user, activity):
    _require_writer(user, activity.committee)
    files = [a.file.name for a in activity.attachments.all()]
    activity._history_user = user
    for row in activity.attendance.all():
        row._history_user = user
        row.delete()
    activity.delete()
    storage = Attachment._meta.get_field("file").storage
    # The files go only once the rows are surely gone; a rolled-back delete keeps its evidence.
    transaction.on_commit(lambda: [storage.delete(name) for name in files])


def _row_fields(row):
    """Form row → Attendance field values; empty text is "", an empty date is None."""
    values = {f: row.get(f) or "" for f in ATTENDANCE_FIELDS}
    values["made_up_on"] = row.get("made_up_on") or None
    check_dates(Attendance, made_up_on=values["made_up_on"])  # the rows are bulk-written, without full_clean()
    return values


def _attendance_create(activity, rows, user):
    objs = [Attendance(activity=activity, member_id=row["member"], **_row_fields(row)) for row in rows]
    if objs:
        bulk_create_with_history(objs, Attendance, default_user=user)


def _attendance_update(activity, rows, user):
    """Change only the rows that changed, one save each, so the history says who changed which member."""
    existing = {a.member_id: a for a in activity.attendance.all()}
    new = []
    for row in rows:
        current = existing.get(row["member"])
        values = _row_fields(row)
        if current is None:
            new.append(Attendance(activity=activity, member_id=row["member"], **values))
            continue
        changed = [f for f in ATTENDANCE_FIELDS if getattr(current, f) != values[f]]
        if changed:
            for name in changed:
                setattr(current, name, values[name])
            current._history_user = user
            current.save()
    if new:
        bulk_create_with_history(new, Attendance, default_user=user)


def _attachments_add(activity, files, user):
    for upload, content_type in files:
        Attachment.objects.create(
            activity=activity, file=upload, original_name=upload.name[:200], content_type=content_type,
            size=upload.size, uploaded_by=user,
        )


def _attachments_remove(activity, attachments):
    storage = Attachment._meta.get_field("file").storage
    names = []
    for attachment in attachments:
        if attachment.activity_id == activity.id:
            names.append(attachment.file.name)
            attachment.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


@transaction.atomic
def study_plan_save(*, user, plan, topics_formset):
    """Create or update a plan and its topics (the formset is already valid)."""
    _require_writer(user, plan.committee)
    plan._history_user = user
    plan.full_clean()
    plan.save()
    topics_formset.instance = plan
    topics = topics_formset.save(commit=False)
    for obj in topics_formset.deleted_objects:
        obj.delete()
    for order, topic in enumerate(topics):
        if topic.order == 0:
            topic.order = order + 1
        topic.plan = plan
        topic.save()
    return plan


@transaction.atomic
def study_plan_approve(*, user, plan, approved_by, approved_on):
    _require_writer(user, plan.committee)
    check_dates(StudyPlan, approved_on=approved_on)  # a partial save: full_clean() is not run
    plan.approved_by = approved_by
    plan.approved_on = approved_on
    plan._history_user = user
    plan.save(update_fields=["approved_by", "approved_on"])
    return plan
