"""The history of anything kept with django-simple-history, for people: one line per save, saying who changed
which field from what to what, and when (field labels are the verbose names; choices, dates and linked rows are
shown as text).

Rows saved together with an object (a record's attendance, a visit's ratings, a round's scores) are folded into
that save's line instead of one line each. The services stamp every history row of one call with the same time
and user (`stamped`, `default_date=`): a row version belongs to the object's version with exactly its time and
user. Rows written without the stamp (a record's attendance, saved right after the record in the same locked
transaction, by sessions_app) belong to the object's latest version at or before them by the same user within
SAVE_WINDOW (`Rows(window=SAVE_WINDOW)`): nothing else can save that record in between. Rows with no version of
the object to join (scores entered on a round, a rectification closed after its visit) form lines of their own,
one per user and save.

Thousands of rows (scores) are counted in SQL by save, never loaded: `Rows(..., counted=...)`.
"""
import bisect
import datetime
import json
from dataclasses import dataclass, field
from typing import Callable

from django.db import connections, models
from django.db.models import Count, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SAVE_WINDOW = datetime.timedelta(seconds=60)
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
EMPTY = "—"


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Group:
    """The rows of one kind changed in one save: listed one by one, or only counted (`summary`)."""

    label: str
    changes: list = field(default_factory=list)
    summary: str = ""


@dataclass
class Entry:
    when: object
    who: object
    action: str
    subject: str = ""
    changes: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    reason: str = ""  # a correction's reason (sessions_app)
    version: int = None  # the object's own history row, when the line has one


@dataclass
class Rows:
    """Rows saved with the object, e.g. Rows(Attendance.history.filter(activity_id=pk), _("Attendance"), name="member").

    name: the field naming a row (a foreign key or text) or a callable(version) -> str;
    key: a row's identity across delete-and-recreate (a visit's ratings are rewritten per save: key by item);
    describe: callable(version, shown) -> the row's state as text, where shown(name) is a field's display value;
    counted: callable(n, history_type) -> text: count the rows per save in SQL instead of listing them;
    window: how long after the object's version the rows of that save may be written. Zero (the default) for rows
    the services stamp with the object's time; SAVE_WINDOW for rows saved after it without a stamp.
    """

    history: object
    label: str
    name: object = None
    key: Callable = None
    describe: Callable = None
    hidden: tuple = ()
    counted: Callable = None
    window: datetime.timedelta = datetime.timedelta(0)


def stamped(instance, user, when):
    """Stamp an instance about to be saved: its history row gets this user (if known) and time."""
    if user is not None:
        instance._history_user = user
    instance._history_date = when
    return instance


def stamp():
    """The time shared by every history row of one service call."""
    return timezone.now()


def history_in_sql(queryset, *, user, when, history_type="~"):
    """Write the history of rows a bulk UPDATE has just written, as one INSERT … SELECT: the database copies the
    rows, nothing is loaded. For thousands of rows (scores) at once: simple_history's bulk_history_create builds
    every history row in Python first, several times slower (see assessment.services._apply_scores)."""
    historical = queryset.model.history.model
    tracked = [f.attname for f in historical.tracked_fields]
    stamps = {
        "history_date": Value(when, output_field=models.DateTimeField()),
        "history_user_id": Value(getattr(user, "pk", None), output_field=models.IntegerField()),
        "history_type": Value(history_type, output_field=models.CharField()),
        "history_change_reason": Value(None, output_field=models.CharField()),
    }
    select = queryset.order_by().annotate(**{f"sg_{name}": value for name, value in stamps.items()})
    sql, params = select.values_list(*tracked, *(f"sg_{name}" for name in stamps)).query.sql_with_params()
    columns = [historical._meta.get_field(name).column for name in tracked] + [
        historical._meta.get_field(name.removesuffix("_id")).column for name in stamps
    ]
    quote = connections[queryset.db].ops.quote_name
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(quote(c) for c in columns)}) {sql}", params
        )
        return cursor.rowcount


def history_of(obj, *, rows=(), hidden=(), keep=frozenset()):
    """Entries for `obj` and the rows saved with it, newest first (a fixed handful of queries).

    keep: history ids of the object's versions to show even when they changed nothing visible.
    """
    versions = list(type(obj).history.filter(**{_pk_name(obj): obj.pk}).select_related("history_user")
                    .order_by("history_date", "history_id"))
    return history_from(versions, rows=rows, hidden=hidden, keep=keep)


def history_from(versions, *, rows=(), hidden=(), keep=frozenset(), subject=""):
    """Entries from an object's versions (oldest first) and its rows' histories, newest first."""
    names = _Names()
    entries = []
    previous = None
    for version in versions:
        entry = Entry(when=version.history_date, who=version.history_user, action=str(ACTIONS.get(version.history_type, "")),
                      subject=subject, version=version.history_id)
        if previous is not None and version.history_type == "~":
            entry.changes = _changes(previous, version, hidden, names)
        entries.append(entry)
        previous = version
    for spec in rows:
        _fold(entries, versions, spec, names)
    names.resolve()
    shown = [
        e for e in entries
        if e.action != str(ACTIONS["~"]) or e.changes or e.groups or e.version in keep or e.version is None
    ]
    shown.sort(key=lambda e: e.when, reverse=True)
    return shown


# ---------------------------------------------------------------- rows folded into saves


def _fold(entries, versions, spec, names):
    """Attach each save's row changes to the object's line of that save, or to a line of their own."""
    owner_of = _owner_finder(entries[: len(versions)], versions, spec.window)
    batches = _counted_batches(spec, owner_of) if spec.counted else _listed_batches(spec, names, owner_of)
    loose = {}
    for owner, when, user, group, only_added in batches:
        entry = owner
        if entry is None:
            user_id = getattr(user, "pk", None)
            entry = loose.get((when, user_id))
            if entry is None:
                entry = loose[(when, user_id)] = Entry(when=when, who=user, action=str(ACTIONS["~"]))
                entries.append(entry)
        if only_added and entry.action == str(ACTIONS["+"]) and not spec.counted:
            # The rows entered with a new object: the page shows them; the line only counts them.
            group = Group(label=group.label, summary=gettext("%(n)s added") % {"n": len(group.changes)})
        entry.groups.append(group)


def _owner_finder(entries, versions, window):
    """(time, user id) -> the object's line that a row saved then by that user belongs to, or None."""
    dates = [v.history_date for v in versions]

    def owner_of(when, user_id):
        i = bisect.bisect_right(dates, when) - 1  # the object's latest version at or before `when`
        if i < 0 or versions[i].history_user_id != user_id or when - dates[i] > window:
            return None
        return entries[i]
    return owner_of


def _counted_batches(spec, owner_of):
    """(owner line, time, user, group, False) per save of the rows, counted in SQL."""
    from django.contrib.auth import get_user_model

    saves = list(
        spec.history.order_by().values("history_date", "history_user_id", "history_type")
        .annotate(n=Count("history_id")).order_by("history_date")
    )
    users = get_user_model()._default_manager.in_bulk({s["history_user_id"] for s in saves if s["history_user_id"]})
    return [
        (owner_of(s["history_date"], s["history_user_id"]), s["history_date"], users.get(s["history_user_id"]),
         Group(label=str(spec.label), summary=str(spec.counted(s["n"], s["history_type"]))), False)
        for s in saves
    ]


def _listed_batches(spec, names, owner_of):
    """(owner line, time, user, group, only additions) per save: each row's state before and after the save."""
    key = spec.key or (lambda v: v.id)
    versions = list(spec.history.select_related("history_user").order_by("history_date", "history_id"))
    if versions:
        model = versions[0].instance_type
        shown = [model._meta.get_field(spec.name)] if isinstance(spec.name, str) else []
        names.preload(versions, shown if spec.describe else shown + _fields(model, set(spec.hidden)))
    state = {}  # row key -> its latest version (None once deleted)
    batches = []
    for owner, save in _saves(versions, owner_of, spec.window):
        before = {}
        for version in save:
            k = key(version)
            before.setdefault(k, state.get(k))
            state[k] = None if version.history_type == "-" else version
        group = Group(label=str(spec.label))
        only_added = True
        for k, old in before.items():
            change = _row_change(spec, old, state[k], names)
            if change is not None:
                group.changes.append(change)
                only_added = only_added and old is None
        if group.changes:
            batches.append((owner, save[0].history_date, save[0].history_user, group, only_added))
    return batches


def _saves(versions, owner_of, window):
    """(owner line, [row versions]) per save: the rows joining one line of the object, else consecutive rows by
    one user within `window` of the first."""
    current, current_owner = [], None
    for version in versions:
        owner = owner_of(version.history_date, version.history_user_id)
        if current and (
            owner is not current_owner
            or owner is None and (version.history_user_id != current[0].history_user_id
                                  or version.history_date - current[0].history_date > window)
        ):
            yield current_owner, current
            current = []
        if not current:
            current_owner = owner
        current.append(version)
    if current:
        yield current_owner, current


def _row_change(spec, old, new, names):
    if old is None and new is None:
        return None
    sample = new or old
    label = _row_name(spec, sample, names)
    old_text = _row_text(spec, old, names) if old is not None else EMPTY
    new_text = _row_text(spec, new, names) if new is not None else EMPTY
    if old_text == new_text and old is not None and new is not None:
        return None  # rewritten as it was (a draft saved again)
    return Change(label=label, old=old_text, new=new_text)


def _row_name(spec, version, names):
    if callable(spec.name):
        return spec.name(version)
    if spec.name:
        return names.text(version.instance_type._meta.get_field(spec.name), version)
    return str(version.instance_type._meta.verbose_name)


def _row_text(spec, version, names):
    """A row's state as text (the names of linked rows are preloaded)."""
    model = version.instance_type

    def shown(name):
        return names.text(model._meta.get_field(name), version)

    if spec.describe:
        return spec.describe(version, shown)
    skip = set(spec.hidden) | {spec.name if isinstance(spec.name, str) else None}
    parts = [shown(f.name) for f in _fields(model, skip)]
    return "，".join(p for p in parts if p != EMPTY) or EMPTY


# ---------------------------------------------------------------- field changes


def _changes(before, after, hidden, names):
    model = after.instance_type
    changes = []
    for model_field in _fields(model, set(hidden)):
        old, new = getattr(before, model_field.attname), getattr(after, model_field.attname)
        if old != new:
            change = Change(label=str(model_field.verbose_name), old="", new="")
            names.later(change, model_field, old, new)
            changes.append(change)
    return changes


def _fields(model, hidden):
    """The fields a person edits, in the model's order (not its key, its timestamps or what is hidden)."""
    return [
        f for f in model._meta.concrete_fields
        if not f.primary_key and f.editable and f.name not in hidden
        and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)
    ]


def _pk_name(obj):
    return obj._meta.pk.attname


class _Names:
    """Display values, with the names of linked rows read in one query per linked model for the whole page."""

    def __init__(self):
        self.pending = []  # (change, field, old, new)
        self.cache = {}  # related model -> {pk: text}

    def later(self, change, model_field, old, new):
        self.pending.append((change, model_field, old, new))

    def resolve(self):
        wanted = {}
        for _change, model_field, old, new in self.pending:
            if isinstance(model_field, models.ForeignKey):
                wanted.setdefault(model_field.related_model, set()).update(v for v in (old, new) if v is not None)
        for model, ids in wanted.items():
            self._load(model, ids)
        for change, model_field, old, new in self.pending:
            change.old, change.new = self.display(model_field, old), self.display(model_field, new)
        self.pending = []

    def preload(self, versions, fields):
        """The names of the rows these versions link to in `fields`: one query per linked model."""
        for model_field in fields:
            if isinstance(model_field, models.ForeignKey):
                ids = {getattr(v, model_field.attname) for v in versions} - {None}
                if ids:
                    self._load(model_field.related_model, ids)

    def text(self, model_field, version):
        return self.display(model_field, getattr(version, model_field.attname))

    def _load(self, model, ids):
        known = self.cache.setdefault(model, {})
        missing = set(ids) - set(known)
        if missing:
            known.update({obj.pk: _name(obj) for obj in _labelled(model).filter(pk__in=missing)})
            known.update({pk: f"#{pk}" for pk in missing if pk not in known})  # deleted since

    def display(self, model_field, value):
        if value in (None, ""):
            return EMPTY
        if isinstance(model_field, models.ForeignKey):
            return self.cache.get(model_field.related_model, {}).get(value, f"#{value}")
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.BooleanField):
            return gettext("Yes") if value else gettext("No")
        if isinstance(model_field, models.DateTimeField):
            return date_format(timezone.localtime(value), "Y-m-d H:i")
        if isinstance(model_field, models.DateField):
            return date_format(value, "Y-m-d")
        if isinstance(model_field, models.JSONField):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return str(value)


def _name(obj):
    """A member, a committee, a campaign by its name alone; anything else as it prints."""
    name = getattr(obj, "name", None)
    return name if isinstance(name, str) and name else str(obj)


def _labelled(model):
    """The rows whose str() reads a linked row (an auditor is named by their user) come with it."""
    queryset = model._default_manager.all()
    linked = [f.name for f in model._meta.concrete_fields if f.name == "user" and isinstance(f, models.ForeignKey)]
    return queryset.select_related(*linked)
