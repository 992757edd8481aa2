"""Check a kept file (the preview), and import it all or nothing.

The preview checks every row once, a chunk at a time (one query per lookup and chunk), and keeps the NEW rows'
validated values beside the upload (imports/storage.py, keyed by the upload's digest). The import of a kind that
keeps rows writes those in bulk, a chunk at a time, in ONE transaction, asking the database again only what may
have changed since (one query per lookup and chunk); a file never previewed, or changed since, is checked first.
Neither step holds more than a chunk of rows: memory does not grow with the file."""
import logging
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import reader, storage
from .kinds import MATCH, NEW, WRONG, RecordKind, Row
from .reader import FileProblem

log = logging.getLogger(__name__)
SHOWN_ROWS = 200  # rows listed in the preview; the counts and the errors cover the whole file
SHOWN_ERRORS = 500
CHUNK = 500  # rows checked together, and records written together
BIG_IMPORT = 2000  # more new rows than this: the import runs as a task, with a page showing its progress


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
            row.save = row.kept = None  # the preview keeps what to show, never what to save
            self.rows.append(row)
        self.add_errors(row.number, row.errors)

    def add_errors(self, number, errors):
        for column, message in errors:
            self.error_count += 1
            if len(self.errors) < SHOWN_ERRORS:
                self.errors.append((number, column, str(message)))

    def as_dict(self):
        return {"counts": self.counts, "errors": self.errors, "error_count": self.error_count}

    @classmethod
    def from_dict(cls, values):
        return cls(counts=values["counts"], errors=[tuple(e) for e in values["errors"]],
                   error_count=values["error_count"])


class ImportRefused(Exception):
    def __init__(self, summary):
        super().__init__("import refused")
        self.summary = summary


def _chunks(iterable, size=CHUNK):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def checked_rows(kind, path):
    """Each data row of the file, checked (a chunk at a time). FileProblem for a file with no header or no data."""
    rows = reader.rows(path)
    first = next(rows, None)
    if first is None:
        raise FileProblem(_("The file holds no rows."))
    index, missing = kind.header_map(first[1])
    if missing:
        raise FileProblem(_("Row 1 lacks the columns %(columns)s: start from the template.") % {
            "columns": "、".join(missing)})
    any_data = False
    for chunk in _chunks(rows):
        any_data = True
        items = [(Row(number), {key: cells[i] if i < len(cells) else "" for key, i in index.items()})
                 for number, cells in chunk]
        kind.check_chunk(items)
        for row, _values in items:
            yield row
    if not any_data:
        raise FileProblem(_("The file holds a header row but no data rows."))


def import_preview(*, user, kind_class, path):
    """Check every row. For a kind that keeps rows and a file without a wrong row, keep the NEW rows' validated
    values beside the file, so that the import writes them without reading and checking the file again."""
    kind = kind_class(user)
    summary = Summary()
    writer = storage.CheckedWriter(path, storage.digest(path)) if kind.keeps_rows else None
    try:
        for row in checked_rows(kind, path):
            if writer is not None and row.kept is not None:
                writer.add(row.kept)
            summary.add(row)
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    if writer is not None:
        if summary.error_count:
            writer.discard()  # nothing may be imported from this file
        else:
            writer.close({"kind": kind.code, "user": user.pk, "counts": summary.counts})
    return summary


def import_is_big(*, user, kind_class, path):
    """Whether the import of the previewed file is one for a task (over BIG_IMPORT new rows)."""
    meta = _kept_meta(user, kind_class, path)
    return meta is not None and meta["counts"][NEW] > BIG_IMPORT


def _kept_meta(user, kind_class, path):
    meta = storage.checked(path) if kind_class.keeps_rows else None
    if meta is None or meta.get("kind") != kind_class.code or meta.get("user") != user.pk:
        return None
    return meta


def import_file(*, user, kind_class, path, progress=None):
    """Create every new row, or nothing: one wrong row (or a refusal from a service) rolls all back.
    `progress(done, total)` is told after each chunk of a kind that keeps rows."""
    with storage.exclusive(path):
        if kind_class.keeps_rows:
            return _import_kept(user, kind_class, path, progress)
        return _import_row_by_row(user, kind_class, path)


def _import_kept(user, kind_class, path, progress):
    meta = _kept_meta(user, kind_class, path)
    if meta is None:  # never previewed, or the file changed since: checked now
        summary = import_preview(user=user, kind_class=kind_class, path=path)
        if summary.error_count:
            raise ImportRefused(summary)
        meta = _kept_meta(user, kind_class, path)
    summary = Summary(counts=dict(meta["counts"]))
    total, done = meta["counts"][NEW], 0
    with transaction.atomic():
        writer = RecordWriter(user, summary)
        for chunk in _chunks(storage.checked_rows(path)):
            writer.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        if summary.error_count:
            transaction.set_rollback(True)
        else:
            writer.finish()
    if summary.error_count:
        raise ImportRefused(summary)
    return summary


def _import_row_by_row(user, kind_class, path):
    """The roster and committees: small files, each row through the pages' service."""
    summary = Summary()
    with transaction.atomic():
        for row in checked_rows(kind_class(user), path):
            if row.status == NEW and summary.error_count == 0:
                try:
                    with transaction.atomic():
                        row.save()
                except ValidationError as error:
                    for message in error.messages:
                        row.error("", message)
            summary.add(row)
        if summary.error_count:
            transaction.set_rollback(True)
    if summary.error_count:
        raise ImportRefused(summary)
    return summary


class RecordWriter:
    """Writes kept study records with their attendance, a chunk at a time, inside the caller's transaction, as
    activity_create() (sessions_app/services.py) writes one: the writer's right, the month and the late-entry flag
    as Activity.save() derives them, creation history rows naming the user (history_insert), a waiting filing linked (supervision's
    post_save receiver), the recompute woken once (reports/kick.py; the rollup's triggers mark the months in the
    database itself, per statement). What may have changed since the preview is asked again, one query per
    lookup and chunk: the committee still the user's to write, the record not stored meanwhile (then a match),
    the members still on the committee's roster."""

    def __init__(self, user, summary):
        self.user, self.summary = user, summary
        self.writable = {}  # committee id → the user writes it (and it is active)

    def write(self, chunk):
        self._learn_committees({kept["committee"] for kept in chunk})
        records = [(kept, RecordKind.record(kept, self.user)) for kept in chunk]
        stored = RecordKind.stored_keys({_key(record) for _kept, record in records})
        members = self._members(chunk)
        fresh = []
        for kept, record in records:
            if not self.writable[record.committee_id]:
                self.summary.add_errors(kept["row"], [(RecordKind.columns[0].header, _(
                    "This committee is no longer one you write (or it was retired) since the preview."))])
            elif _key(record) in stored:  # entered meanwhile: a match, as a re-import is
                self.summary.counts[NEW] -= 1
                self.summary.counts[MATCH] += 1
            elif any(members.get(line[0]) != record.committee_id for line in kept["attendance"]):
                self.summary.add_errors(kept["row"], [("", _(
                    "A member listed in the attendance left this committee's roster since the preview."))])
            else:
                fresh.append((kept, record))
        if fresh and not self.summary.error_count:
            self._create(fresh)

    def _learn_committees(self, ids):
        from committees import policy
        from committees.models import Committee

        unknown = ids - self.writable.keys()
        if unknown:
            writable = set(policy.restrict(Committee.objects.filter(active=True, pk__in=unknown), self.user,
                                           policy.WRITE, field=None).values_list("pk", flat=True))
            self.writable.update({pk: pk in writable for pk in unknown})

    @staticmethod
    def _members(chunk):
        from committees.models import Member

        ids = {line[0] for kept in chunk for line in kept["attendance"]}
        return dict(Member.objects.filter(pk__in=ids).values_list("pk", "committee_id")) if ids else {}

    def _create(self, fresh):
        from sessions_app.models import Activity, Attendance

        for _kept, record in fresh:
            record.derive_dated_fields()  # what Activity.save() does; bulk_create does not call it
        created = Activity.objects.bulk_create([record for _kept, record in fresh], batch_size=CHUNK)
        if any(record.pk is None for record in created):  # a database that returns no ids from a bulk insert
            raise RuntimeError("bulk insert returned no primary keys")
        ids = [record.pk for record in created]
        history_insert(Activity, "id", ids, self.user)
        lines = [Attendance(activity_id=record.pk, member_id=member, status=status, reason=reason)
                 for record, (kept, _same) in zip(created, fresh) for member, status, reason in kept["attendance"]]
        if lines:
            Attendance.objects.bulk_create(lines, batch_size=2000)
            history_insert(Attendance, "activity_id", ids, self.user)
        self._link_filings(created)

    def _link_filings(self, created):
        """What supervision's post_save receiver does for each saved session, asked once for the chunk."""
        from supervision.models import FILING_KINDS, Filing
        from supervision.services import filing_match_activity

        sessions = [record for record in created if record.kind in FILING_KINDS]
        if not sessions:
            return
        waiting = set(Filing.objects.filter(
            activity__isnull=True, committee_id__in={r.committee_id for r in sessions},
            kind__in={r.kind for r in sessions}, planned_on__in={r.held_on for r in sessions},
        ).values_list("committee_id", "kind", "planned_on"))
        for record in sessions:
            if (record.committee_id, record.kind, record.held_on) in waiting:
                record._history_user = self.user
                filing_match_activity(activity=record)

    @staticmethod
    def finish():
        """Wake the recompute once the transaction commits (the triggers have marked the months)."""
        from reports.kick import after_commit

        after_commit()


def history_insert(model, column, ids, user):
    """The creation history rows ("+", the user, now) of the rows of `model` whose `column` is in `ids`, copied in
    the database (INSERT … SELECT): what simple_history's bulk_create_with_history writes, without building a
    historical instance per row in Python (at 10,000 records with 120,000 attendance rows, most of the import's
    time). A history field it does not know stops the import rather than leaving it empty."""
    from django.db import connection
    from django.utils import timezone

    history = model.history.model
    stamped = {"history_date": timezone.now(), "history_type": "+", "history_user_id": user.pk,
               "history_change_reason": None}
    source = {f.attname: f.column for f in model._meta.concrete_fields}
    names, selects, params = [], [], []
    for f in history._meta.concrete_fields:
        if f.primary_key:
            continue
        names.append(connection.ops.quote_name(f.column))
        if f.attname in stamped:
            selects.append("%s")
            params.append(f.get_db_prep_save(stamped[f.attname], connection))
        elif f.attname in source:
            selects.append(connection.ops.quote_name(source[f.attname]))
        else:
            raise RuntimeError(f"history field {history.__name__}.{f.attname} is not known to the bulk import")
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} ({', '.join(names)}) "
            f"SELECT {', '.join(selects)} FROM {connection.ops.quote_name(model._meta.db_table)} "
            f"WHERE {connection.ops.quote_name(column)} IN ({marks})", [*params, *ids])


def _key(record):
    return (record.committee_id, record.held_on, record.kind, record.title)


# ------------------------------------------------------------------ a big import, as a task


def import_enqueue(*, user, kind_class, path, token):
    """Hand the import to a task (in-process where tasks run eagerly); its page follows the status."""
    from .tasks import import_run

    if (storage.read_status(path) or {}).get("state") in ("queued", "running"):
        return  # a second click: the page follows the import already asked for
    storage.set_status(path, state="queued", done=0, total=_kept_meta(user, kind_class, path)["counts"][NEW])
    import_run.delay(user.pk, token, kind_class.code, get_language())


def import_job_run(*, user_id, token, kind_code):
    """The task's work: the import of the user's kept file, its progress and outcome in its status. Run twice
    (a redelivered task), it imports nothing more: a committed import's rows are matches the second time."""
    from committees.models import User

    from .kinds import KINDS

    user = User.objects.get(pk=user_id)
    path = storage.kept_path(user, token, kind_code)
    if (storage.read_status(path) or {}).get("state") in ("done", "refused"):
        return
    if not path.is_file():
        storage.set_status(path, state="failed", message=_("The file is no longer kept: upload it again."))
        return
    storage.set_status(path, state="running", done=0, total=0)

    def progress(done, total):
        storage.set_status(path, state="running", done=done, total=total)

    try:
        summary = import_file(user=user, kind_class=KINDS[kind_code], path=path, progress=progress)
    except ImportRefused as refused:
        storage.set_status(path, state="refused", summary=refused.summary.as_dict())
    except FileProblem as problem:
        storage.set_status(path, state="failed", message=str(problem))
    except storage.Busy:
        pass  # another run of the same file is going on, and keeps the status
    except Exception:
        storage.set_status(path, state="failed", message=_("The import stopped before its end: nothing was "
                                                           "imported. Try again later."))
        raise
    else:
        storage.set_status(path, state="done", summary=summary.as_dict())
        storage.forget(path)


# ------------------------------------------------------------------ clean-up

KEEP_HOURS = 24  # an upload previewed but never imported, its checked rows and a finished import's status


def imports_forget(*, hours=KEEP_HOURS):
    """Remove what uploads left behind untouched for `hours`: files previewed and never imported, their checked
    rows, the statuses of finished imports; the number of files removed."""
    removed = 0
    for found in storage.stale(hours * 3600):
        found.unlink(missing_ok=True)
        removed += 1
    if removed:
        log.info("imports: removed %s kept files older than %s hours", removed, hours)
    return removed
