"""Records written through the API go through the page's own form (RecordEntry) and services, so that one made
here is indistinguishable from one made on the page: the same checks (kinds' required facts, bounded dates, the
roster of the session's day, campaigns, closed months and their reasons), the same messages in the caller's
language, the same history and figure marking.

The JSON body is laid over the record's current values (a change sends only what changes) and handed to the form
as the page would post it."""
import datetime
import uuid

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from sessions_app.forms import RecordEntry, kind_fields
from sessions_app.models import ATTENDANCE_KINDS, Activity, ActivityKind
from sessions_app.selectors import sole_writable_committee, writable_committees
from sessions_app.services import activity_create, activity_update

from .errors import django_errors, form_errors

ATTENDANCE_PREFIX = RecordEntry.prefix_attendance
ARTICLE_PREFIX = RecordEntry.prefix_articles
ARTICLE_FIELDS = ("author", "title", "text")
MAX_ARTICLES = 1000  # the page's formset takes no more
ROW_FIELDS = ("member", "status", "reason", "made_up_on", "made_up_note")
MAX_ROWS = 500  # the page's formset takes no more


class Invalid(Exception):
    """Bad input: `errors` is {field: [message, …]} ("attendance": [{field: [...]}, …] by row)."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def _text(value):
    """One posted value as the page's form receives it: text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, (datetime.date, uuid.UUID)):
        return str(value)
    return str(value)


def _current_values(activity):
    values = {}
    for name in kind_fields(activity.kind):
        if name == "plan_topics":
            values[name] = [t.pk for t in activity.plan_topics.all()]
        elif name in ("campaign", "theme"):
            values[name] = getattr(activity, f"{name}_id")
        else:
            values[name] = getattr(activity, name)
    return values


def _current_rows(activity):
    return [
        {name: getattr(row, "member_id" if name == "member" else name) for name in ROW_FIELDS}
        for row in activity.attendance.all()
    ]


def _rows(payload):
    rows = payload.get("attendance")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise Invalid({"attendance": [_("Give the attendance as a list of rows, one per member.")]})
    if len(rows) > MAX_ROWS:
        raise Invalid({"attendance": [_("At most %(limit)s attendance rows.") % {"limit": MAX_ROWS}]})
    return rows


def form_data(kind, payload, activity=None):
    """The page's POST for `payload` laid over `activity` (None: a new record)."""
    values = _current_values(activity) if activity is not None else {}
    wrong = {}
    for name in kind_fields(kind) + ["committee", "reason", "submission_key"]:
        if name not in payload:
            continue
        value = payload[name]
        if name == "plan_topics":
            if not isinstance(value, list) or any(isinstance(t, (dict, list)) for t in value):
                wrong[name] = [_("Give a list of plan topic ids.")]
        elif isinstance(value, (dict, list)):
            wrong[name] = [_("Give a single value, not a list or an object.")]
        values[name] = value
    if wrong:
        raise Invalid(wrong)
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if name == "plan_topics":
            data.setlist(name, [_text(t) for t in value if t not in (None, "")])
        elif not (isinstance(value, bool) and not value):  # an unticked box is not posted
            data[name] = _text(value)
    if kind == ActivityKind.REFLECTION and "articles" in payload:
        data.update(_article_data(payload["articles"]))
    if kind in ATTENDANCE_KINDS:
        rows = _rows(payload) if "attendance" in payload else (_current_rows(activity) if activity else [])
        data.update({
            f"{ATTENDANCE_PREFIX}-TOTAL_FORMS": str(len(rows)), f"{ATTENDANCE_PREFIX}-INITIAL_FORMS": "0",
            f"{ATTENDANCE_PREFIX}-MIN_NUM_FORMS": "0", f"{ATTENDANCE_PREFIX}-MAX_NUM_FORMS": str(MAX_ROWS),
        })
        for i, row in enumerate(rows):
            for name in ROW_FIELDS:
                if isinstance(row.get(name), (dict, list)):
                    raise Invalid({"attendance": [_("Give a single value, not a list or an object.")]})
                if name in row:
                    data[f"{ATTENDANCE_PREFIX}-{i}-{name}"] = _text(row[name])
    return data


def _article_data(articles):
    """New reflection articles ({author, title, text}) as the page's article rows; the record's own stay as they are."""
    if not isinstance(articles, list) or not all(isinstance(a, dict) for a in articles):
        raise Invalid({"articles": [_("Give the articles as a list, each with its author and title.")]})
    if len(articles) > MAX_ARTICLES:
        raise Invalid({"articles": [_("At most %(limit)s articles at once.") % {"limit": MAX_ARTICLES}]})
    data = {
        f"{ARTICLE_PREFIX}-TOTAL_FORMS": str(len(articles)), f"{ARTICLE_PREFIX}-INITIAL_FORMS": "0",
        f"{ARTICLE_PREFIX}-MIN_NUM_FORMS": "0", f"{ARTICLE_PREFIX}-MAX_NUM_FORMS": str(MAX_ARTICLES),
    }
    for i, article in enumerate(articles):
        for name in ARTICLE_FIELDS:
            value = article.get(name)
            if isinstance(value, (dict, list)):
                raise Invalid({"articles": [_("Give a single value, not a list or an object.")]})
            data[f"{ARTICLE_PREFIX}-{i}-{name}"] = _text(value)
    return data


def _errors(entry):
    errors = form_errors(entry.form)
    if entry.attendance is not None:
        rows = [{k: [str(m) for m in v] for k, v in form.errors.items()} for form in entry.attendance.forms]
        if any(rows):
            errors["attendance"] = rows
        if entry.attendance.non_form_errors():
            errors.setdefault("attendance", []).extend(str(m) for m in entry.attendance.non_form_errors())
    if entry.articles is not None:
        form_errors(entry.article_list, errors)
        if entry.articles.is_bound:
            rows = [{k: [str(m) for m in v] for k, v in form.errors.items()} for form in entry.articles.forms]
            if any(rows):
                errors["articles"] = rows
    return errors


def _kind(payload):
    try:
        return ActivityKind(payload.get("kind"))
    except (ValueError, TypeError):
        raise Invalid({"kind": [_("Choose one of the kinds of record.")]})


def already_created(user, payload):
    """The record a repeated create (same submission key) already made, when it is this user's to see."""
    try:
        key = uuid.UUID(str(payload.get("submission_key") or ""))
    except ValueError:
        return None
    return Activity.objects.writable_by(user).filter(submission_key=key).first()


def record_create(*, user, payload):
    kind = _kind(payload)
    # A user who writes for one committee need not name it (the page implies it); naming one is checked by the form.
    sole = None if "committee" in payload else sole_writable_committee(user)
    entry = RecordEntry(
        kind=kind, writable_committees=writable_committees(user), sole_committee=sole, data=form_data(kind, payload),
    )
    if not entry.is_valid():
        raise Invalid(_errors(entry))
    try:
        return activity_create(
            user=user, committee=entry.committee, kind=kind, data=entry.record_data(),
            plan_topics=entry.form.cleaned_data.get("plan_topics") or [],
            attendance=entry.attendance.rows() if entry.attendance else [],
            submission_key=entry.form.cleaned_data.get("submission_key"),
            articles=entry.new_articles(),
        )
    except ValidationError as error:
        raise Invalid(django_errors(error))


def record_update(*, user, activity, payload):
    if "kind" in payload and payload["kind"] != activity.kind:
        raise Invalid({"kind": [_("The kind of a record cannot be changed; delete it and log it anew.")]})
    if "committee" in payload and _text(payload["committee"]) != str(activity.committee_id):
        raise Invalid({"committee": [_("A record stays with its committee; delete it and log it anew.")]})
    kind = ActivityKind(activity.kind)
    data = form_data(kind, payload, activity)
    entry = RecordEntry(kind=kind, writable_committees=writable_committees(user), instance=activity, data=data)
    if not entry.is_valid():
        raise Invalid(_errors(entry))
    try:
        return activity_update(
            user=user, activity=activity, data=entry.record_data(),
            plan_topics=entry.form.cleaned_data.get("plan_topics") or [],
            attendance=entry.attendance.rows() if entry.attendance else [],
            remove_attachments=entry.removed,
            articles=entry.new_articles(), article_changes=entry.article_changes(),
            remove_articles=entry.removed_articles(),
            reason=entry.form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:
        raise Invalid(django_errors(error))
