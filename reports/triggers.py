"""Marking that cannot be bypassed: database triggers that write `reports.DirtyMonth`.

Whatever changes a row that a registered figure reads — save, delete, bulk_create, QuerySet.update, a raw
statement in a migration or a command — marks every month it affects, old value and new, in the same
transaction as the change. The triggers are derived from the metric registry, never listed by hand:

- a metric's own source table marks the months of the rows changed (its month column, or its date field,
  also through foreign keys: a test sitting is in its round's month);
- every table a metric reads through a relation marks the months of the source rows linked to the changed
  row: a campaign's code (activities tagged with it), a visit's status (its rectification items), a round's
  date (its sittings), a filing's link (the session it is linked to: `filing__isnull` on the session), and a
  committee's path (the closure of the tree: every figure of the committee's records).

An UPDATE marks only when a column some figure reads changed (a renamed record's title marks nothing).
On PostgreSQL the triggers are per statement with transition tables (one bulk statement, one small insert);
on SQLite per row. `install()` runs after every `migrate` (post_migrate), so the triggers always follow the
registry of the code that migrated; `expected()` and `installed()` let a test prove it.

Filters that read the clock (`due_on__lt=Now()`) change with the date, not with a row: see
`time_dependent_sources()` and `reports.services.mark_day_turnover`.
"""
import hashlib
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connection as default_connection
from django.db.models import DateField, DateTimeField
from django.db.models.expressions import Combinable

from . import metrics as registry

PREFIX = "reports_mark_"
MARKS_TABLE = "reports_dirtymonth"
EVENTS = ("insert", "update", "delete")


@dataclass
class Watch:
    """The months to mark when rows of `model` change: SELECTs over the changed rows (`{rows}` AS r)."""

    model: object
    columns: set = field(default_factory=set)  # a change to one of these columns matters
    selects: set = field(default_factory=set)  # SQL templates, each giving one column `m` (a month)


@dataclass(frozen=True)
class _Step:
    field: object  # the model field (or reverse relation) taken
    kind: str  # "local", "forward" (a foreign key followed), "reverse" (a foreign key pointing back)
    model: object  # the model the step starts from


def _steps(model, path):
    """The fields a lookup path walks (`campaign__code__in` → campaign (forward), code (local))."""
    steps = []
    for part in path.split("__"):
        try:
            f = model._meta.get_field(part)
        except FieldDoesNotExist:
            break  # a lookup or transform (in, isnull, lt …): the path ends here
        if f.is_relation and (f.one_to_many or (f.one_to_one and not f.concrete)):
            steps.append(_Step(f, "reverse", model))
            model = f.related_model
        elif f.is_relation and f.many_to_many:
            raise ImproperlyConfigured(f"metric lookups across many-to-many relations are not marked: {path}")
        elif f.is_relation:
            steps.append(_Step(f, "forward", model))
            model = f.related_model
        else:
            steps.append(_Step(f, "local", model))
            break
    return steps


def _q(name):
    return default_connection.ops.quote_name(name)


def _month_of(expr, vendor):
    if vendor == "postgresql":
        return f"CAST(date_trunc('month', CAST({expr} AS timestamp)) AS date)"
    return f"date({expr}, 'start of month')"


def _date_path(metric):
    """The steps from the source row to its date: forward keys then one date column."""
    path = metric.month_field or metric.date_field
    steps = _steps(metric.model, path)
    if not steps or steps[-1].kind != "local" or any(s.kind != "forward" for s in steps[:-1]):
        raise ImproperlyConfigured(f"{metric.key}: the date {path!r} must be a date column, through foreign keys")
    last = steps[-1].field
    if not isinstance(last, DateField) or isinstance(last, DateTimeField):
        raise ImproperlyConfigured(f"{metric.key}: {path!r} must be a DateField (a month is a calendar month)")
    return steps


def _joins(alias, steps, prefix):
    """JOINs following forward keys from `alias`; returns (sql, alias of the last table)."""
    sql, current = [], alias
    for i, step in enumerate(steps):
        target = step.field.related_model
        nxt = f"{prefix}{i}"
        sql.append(
            f"JOIN {_q(target._meta.db_table)} {nxt} ON {nxt}.{_q(step.field.target_field.column)} "
            f"= {current}.{_q(step.field.column)}"
        )
        current = nxt
    return " ".join(sql), current


def _month_select(alias, date_steps, vendor, prefix="d"):
    """FROM-less pieces: (joins, month expression) of rows `alias` whose date is at the end of date_steps."""
    joins, last = _joins(alias, date_steps[:-1], prefix)
    return joins, _month_of(f"{last}.{_q(date_steps[-1].field.column)}", vendor)


def _lookup_paths(metric):
    paths = list(metric.filters) + [metric.date_field, metric.committee_field]
    if metric.value_field:
        paths.append(metric.value_field)
    if metric.month_field:
        paths.append(metric.month_field)
    return paths


def watches(vendor=None):
    """Every table whose changes some figure reads, with the months a change marks (from the registry)."""
    vendor = vendor or default_connection.vendor
    found = {}

    def watch(model):
        return found.setdefault(model._meta.label, Watch(model))

    for metric in [*registry.REGISTRY.values(), *registry.template_shapes()]:
        source = metric.model
        date_steps = _date_path(metric)
        own_joins, own_month = _month_select("r", date_steps, vendor)
        for path in _lookup_paths(metric):
            steps = _steps(source, path)
            if not steps:
                continue
            first = steps[0]
            if first.kind != "reverse":
                # A column of the source row itself: the changed rows' own months.
                watch(source).columns.add(first.field.column)
                watch(source).selects.add(f"SELECT {own_month} AS m FROM {{rows}} r {own_joins}")
            for i, step in enumerate(steps):
                if step.kind == "local":
                    break
                _watch_related(watch, metric, steps, i, date_steps, vendor)
        # A campaign's or theme's figures are keyed by its code: a new code rewrites the months of its records.
        dimension = getattr(metric, "template_dimension", "")
        if dimension:
            _watch_target(watch, metric, _steps(source, dimension), 0, date_steps, vendor, ["code"])
        # The committee dimension: the closure is built from the committees' materialized paths.
        committee_steps = _steps(source, metric.committee_field)
        if committee_steps and committee_steps[-1].kind == "forward" and committee_steps[-1].field.related_model \
                is apps.get_model("committees", "Committee"):
            _watch_target(watch, metric, committee_steps, len(committee_steps) - 1, date_steps, vendor, ["path"])
    return found


def _watch_related(watch, metric, steps, i, date_steps, vendor):
    """Step i enters a related table: its changes mark the source rows linked to the changed rows."""
    step = steps[i]
    nxt = steps[i + 1] if i + 1 < len(steps) else None
    if step.kind == "forward" and nxt is None:
        return  # the lookup ends on the key itself (`activity__isnull`): a column of the row before
    columns = [nxt.field.column] if nxt is not None and nxt.kind != "reverse" else []
    if step.kind == "reverse":
        columns.append(step.field.field.column)  # the link itself: a row added, removed or relinked
    _watch_target(watch, metric, steps, i, date_steps, vendor, columns)


def _watch_target(watch, metric, steps, i, date_steps, vendor, columns):
    step = steps[i]
    target = step.field.related_model
    w = watch(target)
    w.columns.update(columns)
    source_table = _q(metric.model._meta.db_table)
    if step.kind == "reverse":
        if i != 0:
            raise ImproperlyConfigured(f"{metric.key}: a reverse relation is only marked as the first step")
        link = step.field.field.column  # the related row's key pointing at the source row
        joins, month = _month_select("s", date_steps, vendor)
        w.selects.add(
            f"SELECT {month} AS m FROM {source_table} s {joins} "
            f"WHERE s.{_q(metric.model._meta.pk.column)} IN (SELECT r.{_q(link)} FROM {{rows}} r)"
        )
        return
    if any(s.kind != "forward" for s in steps[:i + 1]):
        raise ImproperlyConfigured(f"{metric.key}: a relation after a reverse relation is not marked")
    hops = [s.field for s in steps[:i + 1]]
    date_hops = [s.field for s in date_steps[:-1]]
    if date_hops[:len(hops)] == hops:
        # The date is read through the changed table (a sitting's round): its old and new dates say the months.
        joins, last = _joins("r", date_steps[len(hops):-1], "d")
        month = _month_of(f"{last}.{_q(date_steps[-1].field.column)}", vendor)
        w.selects.add(f"SELECT {month} AS m FROM {{rows}} r {joins}")
        return
    path_joins, last = _joins("s", steps[:i], "p")
    date_joins, month = _month_select("s", date_steps, vendor)
    w.selects.add(
        f"SELECT {month} AS m FROM {source_table} s {path_joins} {date_joins} "
        f"WHERE {last}.{_q(step.field.column)} IN (SELECT r.{_q(target._meta.pk.column)} FROM {{rows}} r)"
    )


def time_dependent_sources():
    """Metrics whose filters compare with the clock (`Now()`): their months change as days pass."""
    return sorted(m.key for m in registry.REGISTRY.values()
                  if any(isinstance(v, Combinable) and _reads_clock(v) for v in m.filters.values()))


def _reads_clock(expression):
    from django.db.models.functions import Now

    if isinstance(expression, Now):
        return True
    return any(_reads_clock(e) for e in getattr(expression, "get_source_expressions", lambda: [])() if e is not None)


# SQL ------------------------------------------------------------------------------------------------------

def _name(model, event):
    return f"{PREFIX}{model._meta.db_table}_{event}"[:63]


def _union(selects, rows):
    return " UNION ".join(s.format(rows=rows) for s in sorted(selects))


def _postgresql(w):
    table = _q(w.model._meta.db_table)
    pk = _q(w.model._meta.pk.column)
    changed = " OR ".join(f"o.{_q(c)} IS DISTINCT FROM n.{_q(c)}" for c in sorted(w.columns))
    bodies = {
        "insert": ("REFERENCING NEW TABLE AS new_rows", f"{_union(w.selects, 'new_rows')}", ""),
        "delete": ("REFERENCING OLD TABLE AS old_rows", f"{_union(w.selects, 'old_rows')}", ""),
        "update": (
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            f"{_union(w.selects, 'changed_old')} UNION {_union(w.selects, 'changed_new')}",
            f"WITH changed_old AS (SELECT o.* FROM old_rows o JOIN new_rows n ON n.{pk} = o.{pk} WHERE {changed}), "
            f"changed_new AS (SELECT n.* FROM old_rows o JOIN new_rows n ON n.{pk} = o.{pk} WHERE {changed}) ",
        ),
    }
    statements = []
    for event, (referencing, union, with_) in bodies.items():
        name = _name(w.model, event)
        statements.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{with_}INSERT INTO {MARKS_TABLE} (month, marked_at) "
            f"SELECT DISTINCT x.m, now() FROM ({union}) x WHERE x.m IS NOT NULL; RETURN NULL; END $$"
        )
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return statements


def _sqlite(w):
    table = _q(w.model._meta.db_table)
    columns = [f.column for f in w.model._meta.concrete_fields]

    def row(ref):
        return "(SELECT " + ", ".join(f"{ref}.{_q(c)} AS {_q(c)}" for c in columns) + ")"

    changed = " OR ".join(f"OLD.{_q(c)} IS NOT NEW.{_q(c)}" for c in sorted(w.columns))
    bodies = {
        "insert": ("", _union(w.selects, row("NEW"))),
        "delete": ("", _union(w.selects, row("OLD"))),
        "update": (f"WHEN {changed} ", f"{_union(w.selects, row('OLD'))} UNION {_union(w.selects, row('NEW'))}"),
    }
    return [
        f"CREATE TRIGGER {_name(w.model, event)} AFTER {event.upper()} ON {table} FOR EACH ROW {when}BEGIN "
        f"INSERT INTO {MARKS_TABLE} (month, marked_at) "
        f"SELECT DISTINCT x.m, strftime('%Y-%m-%d %H:%M:%f', 'now') FROM ({union}) x WHERE x.m IS NOT NULL; END"
        for event, (when, union) in bodies.items()
    ]


def statements(vendor=None):
    vendor = vendor or default_connection.vendor
    build = _postgresql if vendor == "postgresql" else _sqlite
    out = []
    for label in sorted(found := watches(vendor)):
        out += build(found[label])
    return out


def signature(vendor=None):
    """A digest of the triggers the registry asks for (compared with what is installed, in tests)."""
    return hashlib.sha256("\n".join(statements(vendor)).encode()).hexdigest()


def installed(using=None):
    """Names of the marking triggers in the database."""
    conn = _conn(using)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal", [PREFIX + "%"])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [PREFIX + "%"])
        return sorted(row[0] for row in cursor.fetchall())


def expected(vendor=None):
    return sorted(_name(w.model, e) for w in watches(vendor).values() for e in EVENTS)


def install(using=None):
    """Drop every marking trigger, then create the ones the registry asks for (idempotent)."""
    conn = _conn(using)
    if conn.vendor not in ("postgresql", "sqlite"):
        raise ImproperlyConfigured(f"no marking triggers for {conn.vendor}")
    tables = set(conn.introspection.table_names())
    wanted = [w for w in watches(conn.vendor).values() if w.model._meta.db_table in tables]
    if MARKS_TABLE not in tables:
        return []
    build = _postgresql if conn.vendor == "postgresql" else _sqlite
    with conn.cursor() as cursor:
        _drop(conn, cursor)
        for w in sorted(wanted, key=lambda w: w.model._meta.label):
            for sql in build(w):
                cursor.execute(sql)
    return installed(using)


def _drop(conn, cursor):
    if conn.vendor == "postgresql":
        cursor.execute(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE p.proname LIKE %s AND n.nspname = current_schema()", [PREFIX + "%"],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
    else:
        for name in installed(conn.alias):
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def _conn(using):
    from django.db import connections

    return connections[using or "default"]
