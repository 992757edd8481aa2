"""Writes: records with their attendance, evidence and articles, corrections, and annual study plans. Each is atomic."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from committees import policy
from studygroup.dates import check_dates

from . import corrections
from .closing import closed_months, correction_reason
from .models import Activity, Article, Attachment, Attendance, Correction, CorrectionAction, StudyPlan

ARTICLE_FIELDS = ("author", "title", "text")

ATTENDANCE_FIELDS = ("status", "reason", "made_up_on", "made_up_note")


def _require_writer(user, committee):
    # Views answer 404 before this; reaching here without the right is a programming error (answered 404 too:
    # committees/policy.py denied_as_not_found).
    if not policy.may(user, policy.WRITE, committee):
        raise PermissionDenied


@transaction.atomic
def activity_create(
    *, user, committee, kind, data, plan_topics=(), attendance=(), files=(), submission_key=None, articles=(),
):
    """Create a record; a second call with the same submission key returns the first record instead.

    A record dated in a closed month is accepted: it is a late entry (flagged by the model), not a correction.
    `articles` ({author, title, text, file: (upload, content type) or None}) list a reflection record's
    articles; its article_count is then their number."""
    _require_writer(user, committee)
    if submission_key:
        existing = Activity.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    activity = Activity(committee=committee, kind=kind, created_by=user, submission_key=submission_key, **data)
    articles = [_article_values(values) for values in articles]
    if articles:
        activity.article_count = len(articles)
    # The submission key is left to the unique index: a double post landing during validation then meets the
    # IntegrityError below and returns the first record, instead of failing validation.
    activity.full_clean(exclude=["plan_topics", "submission_key"])
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
    _articles_add(activity, articles, user)
    return activity


@transaction.atomic
def activity_update(
    *, user, activity, data, plan_topics=(), attendance=(), files=(), remove_attachments=(), articles=(),
    article_changes=(), remove_articles=(), reason="",
):
    """Change a record. A record of a closed month, or one moved into a closed month, changes only through a
    correction: `reason` is required (ValidationError({"reason": …}) before anything is written), and the
    correction records what changed. `articles` are new articles, `article_changes` (article, values) pairs,
    `remove_articles` the articles to delete; the record's article_count follows its articles."""
    _require_writer(user, activity.committee)
    # The stored record, locked: the instance may already carry a form's new values.
    stored = Activity.objects.select_for_update().get(pk=activity.pk)
    for name, value in data.items():
        setattr(activity, name, value)
    activity.is_late = stored.is_late
    activity.full_clean(exclude=["plan_topics"])
    closed = closed_months(stored.month, activity.month)
    reason = correction_reason(closed, reason)
    before = corrections.snapshot(stored) if closed else None
    articles = [_article_values(values) for values in articles]
    article_changes = [(a, _article_values(v)) for a, v in article_changes if a.activity_id == activity.pk]
    remove_articles = [a for a in remove_articles if a.activity_id == activity.pk]
    listed = stored.articles.count()
    if listed or articles:
        remaining = listed - len({a.pk for a in remove_articles}) + len(articles)
        if remaining < 1:
            raise ValidationError({"articles": _(
                "A record that lists its articles keeps at least one. To remove them all, delete the record."
            )})
        activity.article_count = remaining
    activity._history_user = user
    if closed:
        activity._change_reason = reason[:100]  # the history row's own note; the correction keeps it whole
    activity.save()
    activity.plan_topics.set(plan_topics)
    _attendance_update(activity, attendance, user)
    _attachments_remove(activity, remove_attachments)
    _attachments_add(activity, files, user)
    _articles_remove(activity, remove_articles)
    _articles_change(article_changes)
    _articles_add(activity, articles, user)
    if closed:
        changes = corrections.diff(before, corrections.snapshot(activity))
        if changes:  # a save that changed nothing corrects nothing
            _correction_record(user, stored, activity, reason, changes)
    return activity


@transaction.atomic
def activity_delete(*, user, activity, reason=""):
    """Delete a record. Deleting a closed month's record is a correction: `reason` is required, and the
    correction keeps the record's content as text."""
    _require_writer(user, activity.committee)
    stored = Activity.objects.select_for_update().get(pk=activity.pk)
    closed = closed_months(stored.month)
    reason = correction_reason(closed, reason)
    if closed:
        _correction_record(user, stored, None, reason, corrections.removed(corrections.snapshot(stored)))
    files = [a.file.name for a in activity.attachments.all()] + [a.file.name for a in activity.articles.exclude(file="")]
    activity._history_user = user
    if closed:
        activity._change_reason = reason[:100]
    for row in activity.attendance.all():
        row._history_user = user
        row.delete()
    activity.delete()
    storage = Attachment._meta.get_field("file").storage
    # The files go only once the rows are surely gone; a rolled-back delete keeps its evidence.
    transaction.on_commit(lambda: [storage.delete(name) for name in files])


def _correction_record(user, stored, activity, reason, changes):
    """The correction of a closed month's record (`activity` None: a deletion)."""
    new_month = activity.month if activity is not None and activity.month != stored.month else None
    history_id = None
    if activity is not None:
        history_id = (
            Activity.history.filter(id=activity.pk).order_by("-history_id").values_list("history_id", flat=True).first()
        )
    return Correction.objects.create(
        record=activity, record_number=stored.pk, record_title=stored.title, record_kind=stored.kind,
        committee=stored.committee, committee_name=stored.committee.name, month=stored.month, new_month=new_month,
        action=CorrectionAction.EDIT if activity is not None else CorrectionAction.DELETE,
        reason=reason, made_by=user, changes=changes, history_id=history_id,
    )


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
        Attachment.from_upload(upload, content_type, uploaded_by=user, activity=activity).save()


def _article_values(values):
    """An article's values as the model takes them; a file is (upload, content type) or None."""
    clean = {name: (values.get(name) or "").strip() for name in ARTICLE_FIELDS}
    upload = values.get("file")
    if upload:
        upload, content_type = upload
        clean.update(file=upload, original_name=upload.name[:200], content_type=content_type, size=upload.size)
    return clean


def _articles_add(activity, articles, user):
    for values in articles:
        article = Article(activity=activity, entered_by=user, **values)
        article.full_clean(exclude=["activity"])
        article.save()


def _articles_change(changes):
    storage = Article._meta.get_field("file").storage
    replaced = []
    for article, values in changes:
        if values.get("file") and article.file:
            replaced.append(article.file.name)
        for name, value in values.items():
            setattr(article, name, value)
        article.full_clean(exclude=["activity"])
        article.save()
    transaction.on_commit(lambda: [storage.delete(name) for name in replaced])


def _articles_remove(activity, articles):
    storage = Article._meta.get_field("file").storage
    names = [a.file.name for a in articles if a.file]
    Article.objects.filter(activity=activity, pk__in=[a.pk for a in articles]).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


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
