"""A record's history for humans: who changed which field, from what to what, and when.

django-simple-history keeps a full copy per save; here consecutive copies are compared and each
difference is named by the field's verbose name, with choices, dates and linked rows shown as text.
"""
from dataclasses import dataclass, field

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.models import Campaign, Committee, Member, Theme

from .corrections import labelled
from .models import Activity, Attendance

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
CORRECTED = _("corrected (closed month)")
FK_MODELS = {"committee": Committee, "campaign": Campaign, "theme": Theme, "member": Member}
HIDDEN = {"created_by", "created_at", "is_late", "kind", "activity"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: object
    who: object
    action: str
    subject: str = ""
    changes: list = field(default_factory=list)
    reason: str = ""  # a correction's reason (a change of a closed month's record)
    version: int = None  # the history row (of the record's own versions)


def record_history(activity):
    """Entries for the record and its attendance rows, newest first (a fixed handful of queries)."""
    record_versions = list(Activity.history.filter(id=activity.pk).select_related("history_user").order_by("history_date", "history_id"))
    row_versions = list(
        Attendance.history.filter(activity_id=activity.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    names = _linked_names(record_versions + row_versions)
    corrections = list(activity.corrections.select_related("made_by").order_by("made_at", "id"))
    corrected = {c.history_id for c in corrections if c.history_id}
    entries = _entries(record_versions, Activity, names, subject=lambda v: "", keep=corrected)
    _add_corrections(entries, corrections)
    member_names = names.get("member", {})
    entries += _entries(
        row_versions, Attendance, names,
        subject=lambda v: gettext("Attendance of %(name)s") % {"name": member_names.get(v.member_id, "?")},
        group_by=lambda v: v.id,
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _add_corrections(entries, corrections):
    """Each correction joins the line of its save (or stands alone when that line is gone): with its reason
    and its changes in full (plan topics, files and articles too; attendance keeps its own lines)."""
    by_version = {e.version: e for e in entries if e.version is not None}
    for correction in corrections:
        entry = by_version.get(correction.history_id)
        if entry is None:
            entry = Entry(when=correction.made_at, who=correction.made_by, action="")
            entries.append(entry)
        entry.action = str(CORRECTED)
        entry.reason = correction.reason
        entry.changes = [
            Change(label=label, old=old, new=new)
            for key, (label, old, new) in zip(correction.changes, labelled(correction.changes))
            if not key.startswith("attendance:")
        ]


def _entries(versions, model, names, *, subject, group_by=lambda v: None, keep=frozenset()):
    previous = {}
    entries = []
    for version in versions:
        key = group_by(version)
        before = previous.get(key)
        previous[key] = version
        entry = Entry(when=version.history_date, who=version.history_user, action=str(ACTIONS.get(version.history_type, "")),
                      subject=subject(version), version=version.history_id)
        if before is not None and version.history_type == "~":
            delta = version.diff_against(before)
            entry.changes = [_change(model, c.field, c.old, c.new, names) for c in delta.changes if c.field not in HIDDEN]
            if not entry.changes and version.history_id not in keep:
                continue  # a save that changed nothing a person would care about
        entries.append(entry)
    return entries


def _change(model, name, old, new, names):
    model_field = model._meta.get_field(name)
    return Change(label=str(model_field.verbose_name), old=_display(model_field, old, names),
                  new=_display(model_field, new, names))


def _display(model_field, value, names):
    if value in (None, ""):
        return "—"
    if isinstance(model_field, models.ForeignKey):
        return names.get(model_field.name, {}).get(value, str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(model_field, models.DateField):
        return date_format(value, "Y-m-d")
    return str(value)


def _linked_names(versions):
    """{fk field name: {id: name}}: one query per linked model, however many versions there are."""
    wanted = {name: set() for name in FK_MODELS}
    for version in versions:
        for name in FK_MODELS:
            value = getattr(version, f"{name}_id", None)
            if value is not None:
                wanted[name].add(value)
    return {
        name: {obj.pk: obj.name for obj in FK_MODELS[name].objects.filter(pk__in=ids)}
        for name, ids in wanted.items() if ids
    }
