"""A record's history for humans: who changed which field, from what to what, and when.

The rendering is studygroup.history's (any model kept with django-simple-history); here a record's attendance
is folded into the line of the save that changed it ("Attendance: 张三 Present → Excused (出差); 李四 …"), and each
correction of a closed month's record joins its save's line with its reason.
"""
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from studygroup.history import SAVE_WINDOW, Change, Entry, Rows, history_of

from .corrections import labelled
from .models import Attendance, AttendanceStatus

CORRECTED = _("corrected (closed month)")
HIDDEN = ("created_by", "created_at", "is_late", "kind")


def record_history(activity):
    """Entries for the record with its attendance, newest first (a fixed handful of queries)."""
    corrections = list(activity.corrections.select_related("made_by").order_by("made_at", "id"))
    corrected = {c.history_id for c in corrections if c.history_id}
    attendance = Rows(
        Attendance.history.filter(activity_id=activity.pk), _("Attendance"), name="member",
        describe=attendance_text, window=SAVE_WINDOW,  # written after the record, without a shared stamp
    )
    entries = history_of(activity, rows=[attendance], hidden=HIDDEN, keep=corrected)
    _add_corrections(entries, corrections)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def attendance_text(version, shown):
    """An attendance row as the corrections write it: "Excused (出差, 2021-10-02)"."""
    status = str(dict(AttendanceStatus.choices).get(version.status, version.status))
    extra = [x for x in (version.reason, version.made_up_on and date_format(version.made_up_on, "Y-m-d"),
                         version.made_up_note) if x]
    return f"{status}（{'，'.join(extra)}）" if extra else status


def _add_corrections(entries, corrections):
    """Each correction joins the line of its save (or stands alone when that line is gone): with its reason
    and its changes in full (plan topics, files and articles too; attendance keeps its own group)."""
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
