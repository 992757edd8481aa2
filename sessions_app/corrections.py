"""What a correction changed: a record's content as text before and after, compared field by field.

A snapshot reads the record as people see it (choice labels, names, dates), together with its plan topics,
attendance, files and articles, so a correction names every change in words that outlive the record.
"""
import hashlib

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext

from .models import Activity, AttendanceStatus

# The record's own facts, in the order of the form.
FIELDS = [
    "committee", "kind", "held_on", "ends_on", "title", "led_by", "discussion", "period_count", "day_count",
    "participant_count", "meeting_name", "opened_with_study", "inviting_body", "speaker", "delivery_mode",
    "lecturer_level", "place_kind", "audience_count", "site", "author", "article_count", "materials", "campaign",
    "theme", "notes",
]
MAX_TEXT = 1000  # a long text is cut in the correction: the history keeps it whole


def snapshot(activity):
    """{key: text} of everything a correction may change (a few queries)."""
    values = {name: _field_text(activity, name) for name in FIELDS}
    values["plan_topics"] = "；".join(
        f"{t.plan.year} · {t.title}" for t in activity.plan_topics.select_related("plan").order_by("plan__year", "order", "id")
    )
    values["attachments"] = "；".join(a.original_name for a in activity.attachments.order_by("id"))
    statuses = dict(AttendanceStatus.choices)
    for row in activity.attendance.select_related("member").order_by("member__order", "member__id"):
        text = str(statuses.get(row.status, row.status))
        extra = [x for x in (row.reason, row.made_up_on and date_format(row.made_up_on, "Y-m-d"), row.made_up_note) if x]
        values[f"attendance:{row.member.name}"] = f"{text}（{'，'.join(extra)}）" if extra else text
    for article in activity.articles.order_by("id"):
        values[f"article:{article.pk}"] = _article_text(article)
    return {key: value for key, value in values.items() if value != ""}


def diff(before, after):
    """{key: [old, new]} for every key whose text differs (None where absent)."""
    keys = list(before) + [k for k in after if k not in before]
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def removed(before):
    """The changes of a deletion: every fact, from its value to nothing."""
    return {k: [v, None] for k, v in before.items()}


def label(key):
    """A change's key as people read it, in the active language."""
    if key.startswith("attendance:"):
        return gettext("Attendance of %(name)s") % {"name": key.split(":", 1)[1]}
    if key.startswith("article:"):
        return gettext("Reflection article")
    if key == "attachments":
        return gettext("Evidence")
    try:
        return str(Activity._meta.get_field(key).verbose_name)
    except Exception:  # FieldDoesNotExist: a key from an older version of the model
        return key


def labelled(changes):
    """[(label, old, new)] of a correction's changes, with "—" for nothing."""
    return [(label(k), _shown(old), _shown(new)) for k, (old, new) in (changes or {}).items()]


def as_text(changes):
    """One line for an export: "label: old → new; …"."""
    return "；".join(f"{name}：{old} → {new}" for name, old, new in labelled(changes))


def _shown(value):
    return "—" if value in (None, "") else str(value)


def _field_text(activity, name):
    model_field = Activity._meta.get_field(name)
    value = getattr(activity, name)
    if value is None or value == "":
        return ""
    if isinstance(model_field, models.ForeignKey):
        return getattr(value, "name", str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(model_field, models.DateField):
        return date_format(value, "Y-m-d")
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def _article_text(article):
    parts = [f"{article.author}：{article.title}"]
    if article.original_name:
        parts.append(article.original_name)
    if article.text:
        # The length and a short digest: enough to see that the text changed, without copying it here.
        digest = hashlib.sha1(article.text.encode()).hexdigest()[:6]
        parts.append(gettext("text of %(count)s characters") % {"count": len(article.text)} + f" #{digest}")
    return " · ".join(parts)
