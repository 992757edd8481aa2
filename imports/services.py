"""Check a kept file row by row (the preview), and import it all or nothing."""
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import reader
from .kinds import MATCH, NEW, WRONG, Row
from .reader import FileProblem

SHOWN_ROWS = 200  # rows listed in the preview; the counts and the errors cover the whole file
SHOWN_ERRORS = 500
BATCH = 500  # validated records written together


def records_bulk_create(*, user, records):
    """Study records with their attendance, each already validated by the record page's form (see
    kinds.RecordKind), written as activity_create() writes one (sessions_app/services.py): the writer's right, the
    month and the late-entry flag as Activity.save() derives them, history rows naming the user, then post_save
    (a filing finds its session; the figures are woken) as if each were saved alone. The rollup's triggers mark
    the months in the database itself."""
    from django.db.models.signals import post_save
    from simple_history.utils import bulk_create_with_history

    from committees import policy
    from sessions_app.models import Activity, Attendance, month_start

    activities = []
    for activity, _attendance in records:
        policy.require(user, policy.WRITE, activity.committee)
        activity.month = month_start(activity.held_on)
        activity.is_late = activity.late_after_dating()
        activities.append(activity)
    created = bulk_create_with_history(activities, Activity, batch_size=BATCH, default_user=user)
    if any(activity.pk is None for activity in created):  # a database that returns no ids from a bulk insert
        raise RuntimeError("bulk insert returned no primary keys")
    rows = [Attendance(activity=activity, member_id=line["member"], status=line["status"], reason=line["reason"])
            for activity, (_same, lines) in zip(created, records) for line in lines]
    if rows:
        bulk_create_with_history(rows, Attendance, batch_size=2000, default_user=user)
    for activity in created:
        post_save.send(sender=Activity, instance=activity, created=True, raw=False, using=activity._state.db,
                       update_fields=None)


@dataclass
class Summary:
    counts: dict = field(default_factory=lambda: {NEW: 0, MATCH: 0, WRONG: 0})
    rows: list = field(default_factory=list)  # the first SHOWN_ROWS rows
    errors: list = field(default_factory=list)  # (row number, column, message), the first SHOWN_ERRORS
    error_count: int = 0

    @property
    def total(self):
        return sum(self.counts.values())

    def add(self, row):
        self.counts[row.status] += 1
        if len(self.rows) < SHOWN_ROWS:
            row.save = None  # the preview keeps what to show, never what to save
            self.rows.append(row)
        for column, message in row.errors:
            self.error_count += 1
            if len(self.errors) < SHOWN_ERRORS:
                self.errors.append((row.number, column, message))


class ImportRefused(Exception):
    def __init__(self, summary):
        super().__init__("import refused")
        self.summary = summary


def checked_rows(kind, path):
    """Each data row of the file, checked. FileProblem for a file with no header or no data."""
    rows = reader.rows(path)
    first = next(rows, None)
    if first is None:
        raise FileProblem(_("The file holds no rows."))
    index, missing = kind.header_map(first[1])
    if missing:
        raise FileProblem(_("Row 1 lacks the columns %(columns)s: start from the template.") % {
            "columns": "、".join(missing)})
    any_data = False
    for number, cells in rows:
        any_data = True
        values = {key: cells[i] if i < len(cells) else "" for key, i in index.items()}
        row = Row(number)
        kind.check(row, values)
        yield row
    if not any_data:
        raise FileProblem(_("The file holds a header row but no data rows."))


def import_preview(*, user, kind_class, path):
    summary = Summary()
    for row in checked_rows(kind_class(user), path):
        summary.add(row)
    return summary


def import_file(*, user, kind_class, path):
    """Create every new row, or nothing: one wrong row (or a refusal from a service) rolls all back.
    Rows are checked again here, against the database as it is now."""
    summary = Summary()
    kind = kind_class(user)
    with transaction.atomic():
        for row in checked_rows(kind, path):
            if row.status == NEW and summary.error_count == 0:
                try:
                    with transaction.atomic():
                        row.save()
                except ValidationError as error:
                    for message in error.messages:
                        row.error("", message)
            summary.add(row)
            if len(getattr(kind, "batch", ())) >= BATCH:
                kind.flush()
        if summary.error_count:
            transaction.set_rollback(True)
        else:
            kind.flush()
    if summary.error_count:
        raise ImportRefused(summary)
    return summary
