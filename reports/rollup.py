"""The monthly rollup: every registered metric per committee and month, own group and whole subtree,
month and year to date, into reports.MetricValue. Plain functions (no Celery): the tasks, the `rollup`
command, the scenario and the benchmark all call these.

How (all in SQL; no source row ever comes into Python):
1. A temporary *closure* table (committee → each ancestor, itself included) is built once per run
   from the materialized path: ancestors of path P are its prefixes SUBSTR(P, 1, 4·k), found with one
   indexed join against a small depth series.
2. Per source (model, committee field, month selection), ONE grouped scan over the months to compute
   gives every metric of that source by conditional aggregation (COUNT/SUM … FILTER), GROUP BY
   (committee, month), unpivoted into a temporary `own` table (committee, month, metric, value), zeros dropped.
3. Months computed from scratch together (a whole year, `rollup_all`): own values joined to the closure
   give own and subtree per (committee, month, metric); the year to date is a running SUM over a
   (committee, metric) × month grid, plus the stored year to date of the month before the first; the
   months' rows are deleted and re-inserted in one statement.
4. One changed month (the dirty-month case): its rows are recomputed the same way from the previous
   month's stored year to date and only the difference is written (delete gone rows, update changed
   ones, insert new ones, in the same transaction); the later months of its year already computed only get the change
   (new − old monthly values, usually a handful of rows) added to their year-to-date columns.
Each year's chain runs in one transaction (on PostgreSQL under an advisory lock per year, so two
workers never interleave a year); running it twice gives the same rows.

5. Claims: the transaction that computes a year first deletes the year's dirty marks (DELETE … RETURNING,
   written by the triggers of reports/triggers.py) and writes the new figures before it commits. A worker
   killed midway rolls back, so the marks are still there; a change committed meanwhile leaves a mark this
   run never saw. A month stops being dirty only in the transaction that writes its new figures.
6. A year's chain runs through December (the current month for the current year), so the year to date of
   every month after a change is recomputed, and a month after the last record is never left uncomputed.
"""
import logging
import traceback
from datetime import date, timedelta
from functools import reduce
from itertools import groupby
from operator import or_

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.db.models import Count, DateField, F, Max, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from committees.models import Committee

from . import metrics as registry
from .models import DirtyMonth, MetricValue, MonthStatus
from .months import as_date, month_floor, month_range, previous_month

CLOSURE = "reports_tmp_closure"
OWN_TABLE = "reports_tmp_own"
STAGE = "reports_tmp_stage"
DELTA = "reports_tmp_delta"
STAGE_MONTHS = "reports_tmp_stage_months"
NEW = "reports_tmp_new"
DIFF = "reports_tmp_diff"
SCRATCH = "reports_tmp_verify"
ADVISORY_LOCK_NAMESPACE = 20211231  # pg_advisory_xact_lock(namespace, year)
BACKOFF_MAX = timedelta(hours=1)
log = logging.getLogger(__name__)


def rollup_month(month):
    return rollup_months([month])


def rollup_all():
    """Every month from the earliest record of any source to the current month (or the latest record)."""
    return rollup_months(all_months())


def all_months():
    first, last = _source_span()
    today = month_floor(timezone.localdate())
    if first is None:
        return [today]
    return month_range(first, max(last, today))


def rollup_months(months):
    """Recompute the given months (dates, any day of the month) and every month marked dirty in their
    years; returns every month rewritten."""
    targets = sorted({month_floor(m) for m in months})
    done = []
    if not targets:
        return done
    registry.forget_instances()  # campaigns and themes made in another process count from this run on
    with _temporary_tables():
        for year, year_targets in groupby(targets, key=lambda m: m.year):
            done += _rollup_year(year, list(year_targets))
    return done


def rollup_dirty():
    """What the worker runs: every year with dirty marks, each in its own transaction. A year that fails
    backs off (retry in 1, 2, 4 … 60 minutes) and is reported on its months' status; the others go on."""
    now = timezone.now()
    marked = set(DirtyMonth.objects.order_by().values_list("month", flat=True).distinct())
    waiting = set(MonthStatus.objects.filter(month__in=marked, retry_at__gt=now).values_list("month", flat=True))
    years = sorted({m.year for m in marked} - {m.year for m in waiting})
    done = []
    if not years:
        return done
    registry.forget_instances()  # campaigns and themes made in another process count from this run on
    with _temporary_tables():
        for year in years:
            try:
                done += _rollup_year(year, [])
            except Exception as exc:
                log.exception("recomputing %s failed; its months stay marked", year)
                if not connection.is_usable():
                    return done  # a broken connection: the next run (a new task) starts afresh
                _record_failure(sorted(m for m in marked if m.year == year), exc)
    return done


def _record_failure(months, exc):
    now = timezone.now()
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]
    with transaction.atomic():
        for month in months:
            status, _ = MonthStatus.objects.get_or_create(month=month)
            status.failures += 1
            status.retry_at = now + min(timedelta(minutes=2 ** min(status.failures - 1, 10)), BACKOFF_MAX)
            status.last_error = text
            status.save(update_fields=["failures", "retry_at", "last_error"])


def _claim(year):
    """Delete the year's dirty marks in the open transaction; the months they named."""
    table = DirtyMonth._meta.db_table
    start, end = _year_bounds(year)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE month >= %s AND month <= %s RETURNING month", [start, end])
        # SQLite's cursor gives the stored text, PostgreSQL's a date.
        return {date.fromisoformat(v[:10]) if isinstance(v, str) else as_date(v) for (v,) in cursor.fetchall()}


def _year_bounds(year):
    return date(year, 1, 1), date(year, 12, 1)


def _chain_end(year, last):
    """The last month a year's chain runs to: December for a past year, this month for this year."""
    today = month_floor(timezone.localdate())
    if year < today.year:
        return max(last, _year_bounds(year)[1])
    if year == today.year:
        return max(last, today)
    return last


def _rollup_year(year, targets):
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, year])
        targets = sorted(set(targets) | {month_floor(m) for m in _claim(year)})
        if not targets:
            return []
        computed = set(
            MonthStatus.objects.filter(month__year=year, computed_at__isnull=False).values_list("month", flat=True)
        )
        first = targets[0]
        # The year-to-date chain needs the previous month: compute any earlier month never computed.
        while first.month > 1 and previous_month(first) not in computed:
            first = previous_month(first)
        last = _chain_end(year, max([targets[-1], *computed]))
        chain = month_range(first, last)
        full = [m for m in chain if m in targets or m not in computed]
        if len(chain) > 1 and not computed.intersection(chain):
            # Nothing stored to keep (a new year, a fresh database): the months together, in a few set-wide
            # statements. Months already stored are rewritten one by one below, writing only what differs:
            # two dirty months at province scale take seconds that way, against a rewrite of every row.
            _compute_chain(chain)
            _mark_computed(chain, recounted=chain)
            return chain
        _clear(DELTA)
        for index, month in enumerate(chain):
            if month in targets or month not in computed:
                # The later months already computed only need this month's change added to their year to date.
                track = any(later in computed and later not in targets for later in chain[index + 1:])
                _compute_month(month, track_change=track)
            else:
                _add_change_to_year_to_date(month)
        _mark_computed(chain, recounted=full)
    return chain


def _compute_month(month, *, track_change=False):
    if track_change:
        _snapshot_month(month)
    _compute_own(month, month)
    monthly = (
        f"SELECT cl.ancestor_id AS committee_id, o.metric AS metric, o.own * cl.is_self AS own, o.own AS subtree "
        f"FROM {OWN_TABLE} o JOIN {CLOSURE} cl ON cl.committee_id = o.committee_id"
    )
    _write_month(month, monthly)
    if track_change:
        _record_change(month)


def _compute_own(first, last):
    """The own-group values of every metric for the months first..last: one scan per source."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OWN_TABLE}")
        for metrics in _source_groups():
            sql, params = _own_insert_sql(metrics, first, last)
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {OWN_TABLE}")


def _compute_chain(chain, table=None):
    """Several consecutive months from scratch (e.g. the whole year): one scan of each source, one
    closure join, and the year to date as a running SUM over a (committee, metric) × month grid."""
    table = table or MetricValue._meta.db_table
    first, last = chain[0], chain[-1]
    _compute_own(first, last)
    _clear(STAGE_MONTHS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {STAGE_MONTHS} (committee_id, month, metric, own, subtree) "
            f"SELECT cl.ancestor_id, o.month, o.metric, SUM(o.own * cl.is_self), SUM(o.own) "
            f"FROM {OWN_TABLE} o JOIN {CLOSURE} cl ON cl.committee_id = o.committee_id "
            f"GROUP BY cl.ancestor_id, o.month, o.metric"
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {STAGE_MONTHS}")
        keys = [f"SELECT committee_id, metric, 0 AS own_ytd, 0 AS subtree_ytd FROM {STAGE_MONTHS}"]
        params = []
        if first.month > 1:
            keys.append(f"SELECT committee_id, metric, own_ytd, subtree_ytd FROM {table} WHERE month = %s")
            params.append(previous_month(first))
        date = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
        months = " UNION ALL ".join(f"SELECT {date} AS month" for _ in chain)
        params += chain
        cursor.execute(f"DELETE FROM {table} WHERE month >= %s AND month <= %s", [first, last])
        cursor.execute(
            f"INSERT INTO {table} (committee_id, month, metric, own, subtree, own_ytd, subtree_ytd) "
            f"SELECT g.committee_id, g.month, g.metric, g.own, g.subtree, g.own_ytd, g.subtree_ytd FROM ("
            f"SELECT k.committee_id, mo.month, k.metric, COALESCE(s.own, 0) AS own, COALESCE(s.subtree, 0) AS subtree, "
            f"k.base_own + SUM(COALESCE(s.own, 0)) OVER w AS own_ytd, "
            f"k.base_subtree + SUM(COALESCE(s.subtree, 0)) OVER w AS subtree_ytd "
            f"FROM (SELECT b.committee_id, b.metric, SUM(b.own_ytd) AS base_own, SUM(b.subtree_ytd) AS base_subtree "
            f"FROM ({' UNION ALL '.join(keys)}) b GROUP BY b.committee_id, b.metric) k "
            f"CROSS JOIN ({months}) mo "
            f"LEFT JOIN {STAGE_MONTHS} s ON s.committee_id = k.committee_id AND s.metric = k.metric "
            f"AND s.month = mo.month "
            f"WINDOW w AS (PARTITION BY k.committee_id, k.metric ORDER BY mo.month ROWS UNBOUNDED PRECEDING)"
            f") g WHERE g.own <> 0 OR g.subtree <> 0 OR g.own_ytd <> 0 OR g.subtree_ytd <> 0",
            params,
        )


def _snapshot_month(month):
    """The month's monthly values before it is rewritten (to compute what changed)."""
    _clear(STAGE)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {STAGE} (committee_id, metric, own, subtree) "
            f"SELECT committee_id, metric, own, subtree FROM {MetricValue._meta.db_table} "
            f"WHERE month = %s AND (own <> 0 OR subtree <> 0)",
            [month],
        )


def _record_change(month):
    """Append new − old monthly values of the month (only what differs) to the change table."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DELTA} (committee_id, metric, own, subtree) "
            f"SELECT x.committee_id, x.metric, SUM(x.own), SUM(x.subtree) FROM ("
            f"SELECT committee_id, metric, own, subtree FROM {MetricValue._meta.db_table} WHERE month = %s "
            f"UNION ALL SELECT committee_id, metric, -own, -subtree FROM {STAGE}"
            f") x GROUP BY x.committee_id, x.metric HAVING SUM(x.own) <> 0 OR SUM(x.subtree) <> 0",
            [month],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {DELTA}")


def _add_change_to_year_to_date(month):
    """A later month whose own records did not change: add the earlier months' change to its year to
    date (update the rows there, insert the missing ones, drop the ones that became all zero)."""
    table = MetricValue._meta.db_table
    change = (
        f"(SELECT committee_id, metric, SUM(own) AS own, SUM(subtree) AS subtree FROM {DELTA} "
        f"GROUP BY committee_id, metric)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET own_ytd = own_ytd + d.own, subtree_ytd = subtree_ytd + d.subtree "
            f"FROM {change} d WHERE {table}.month = %s AND {table}.committee_id = d.committee_id "
            f"AND {table}.metric = d.metric",
            [month],
        )
        cursor.execute(
            f"INSERT INTO {table} (committee_id, month, metric, own, subtree, own_ytd, subtree_ytd) "
            f"SELECT d.committee_id, %s, d.metric, 0, 0, d.own, d.subtree FROM {change} d "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} v WHERE v.month = %s AND v.committee_id = d.committee_id "
            f"AND v.metric = d.metric)",
            [month, month],
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT v.id FROM {DELTA} d JOIN {table} v "
            f"ON v.committee_id = d.committee_id AND v.month = %s AND v.metric = d.metric "
            f"WHERE v.own = 0 AND v.subtree = 0 AND v.own_ytd = 0 AND v.subtree_ytd = 0)",
            [month],
        )


def _clear(name):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {name}")


def _write_month(month, monthly_sql):
    """Make the month's rows equal to its monthly values (own, subtree) plus the previous month's year
    to date, in the open transaction: the new rows are computed aside, then only the difference is
    written (rows gone are deleted, changed ones updated, new ones inserted). Rewriting a month where
    little changed — the usual dirty month — thus touches a handful of rows, not all of them."""
    table = MetricValue._meta.db_table
    parts = [f"SELECT m.committee_id, m.metric, m.own, m.subtree, m.own AS own_ytd, m.subtree AS subtree_ytd "
             f"FROM ({monthly_sql}) m"]
    params = []
    if month.month > 1:
        parts.append(
            f"SELECT p.committee_id, p.metric, 0, 0, p.own_ytd, p.subtree_ytd FROM {table} p WHERE p.month = %s"
        )
        params.append(previous_month(month))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {NEW}")
        cursor.execute(
            f"INSERT INTO {NEW} (committee_id, metric, own, subtree, own_ytd, subtree_ytd) "
            f"SELECT x.committee_id, x.metric, SUM(x.own), SUM(x.subtree), SUM(x.own_ytd), SUM(x.subtree_ytd) "
            f"FROM ({' UNION ALL '.join(parts)}) x GROUP BY x.committee_id, x.metric",
            params,
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {NEW}")
        # One join of the new rows with the stored ones finds the difference (usually a handful of rows);
        # the three writes then touch only those, by primary key.
        cursor.execute(f"DELETE FROM {DIFF}")
        cursor.execute(
            f"INSERT INTO {DIFF} (id, committee_id, metric, own, subtree, own_ytd, subtree_ytd) "
            f"SELECT v.id, COALESCE(n.committee_id, v.committee_id), COALESCE(n.metric, v.metric), "
            f"n.own, n.subtree, n.own_ytd, n.subtree_ytd FROM {NEW} n FULL OUTER JOIN "
            f"(SELECT id, committee_id, metric, own, subtree, own_ytd, subtree_ytd FROM {table} WHERE month = %s) v "
            f"ON v.committee_id = n.committee_id AND v.metric = n.metric "
            f"WHERE v.id IS NULL OR n.committee_id IS NULL OR v.own <> n.own OR v.subtree <> n.subtree "
            f"OR v.own_ytd <> n.own_ytd OR v.subtree_ytd <> n.subtree_ytd",
            [month],
        )
        cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT d.id FROM {DIFF} d WHERE d.own IS NULL)")
        cursor.execute(
            f"UPDATE {table} SET own = d.own, subtree = d.subtree, own_ytd = d.own_ytd, subtree_ytd = d.subtree_ytd "
            f"FROM {DIFF} d WHERE {table}.id = d.id AND d.own IS NOT NULL"
        )
        cursor.execute(
            f"INSERT INTO {table} (committee_id, month, metric, own, subtree, own_ytd, subtree_ytd) "
            f"SELECT d.committee_id, %s, d.metric, d.own, d.subtree, d.own_ytd, d.subtree_ytd FROM {DIFF} d "
            f"WHERE d.id IS NULL ORDER BY d.committee_id, d.metric",
            [month],
        )


def _source_groups():
    """Metrics grouped by what a scan of their source shares: model, committee field, month selection."""
    def key(m):
        return (m.source, m.committee_field, m.month_field, m.date_field)

    metrics = sorted(registry.all_metrics(), key=key)
    return [list(group) for _, group in groupby(metrics, key=key)]


def _own_insert_sql(metrics, first_month, last_month):
    """INSERT … SELECT of every metric of one source for the months first..last: one grouped scan
    (by committee and month), unpivoted to (committee, month, metric, value) rows."""
    first = metrics[0]
    qs = first.model._default_manager.order_by()
    if first.month_field:
        month = F(first.month_field)
        qs = qs.filter(**{f"{first.month_field}__gte": first_month, f"{first.month_field}__lte": last_month})
    else:
        month = TruncMonth(first.date_field, output_field=DateField())
        qs = qs.filter(first.months_q(first_month, last_month))
    conditions = [_row_condition(metric) for metric in metrics]
    if all(metric.filters for metric in metrics):
        # Scan only rows some metric counts (an empty filter means every row: no narrowing then).
        qs = qs.filter(reduce(or_, conditions))
    qs = qs.values(rollup_cid=F(first.committee_field), rollup_month=month).annotate(
        **{f"rollup_m{i}": metric.aggregate_expression(filter=condition)
           for i, (metric, condition) in enumerate(zip(metrics, conditions))}
    )
    inner, inner_params = qs.query.sql_with_params()
    keys = " UNION ALL ".join(f"SELECT {i} AS i, %s AS metric" for i in range(len(metrics)))
    pick = " ".join(f"WHEN {i} THEN w.rollup_m{i}" for i in range(len(metrics)))
    sql = (
        f"INSERT INTO {OWN_TABLE} (committee_id, month, metric, own) "
        f"SELECT u.committee_id, u.month, u.metric, u.own FROM ("
        f"SELECT w.rollup_cid AS committee_id, w.rollup_month AS month, k.metric AS metric, "
        f"CASE k.i {pick} ELSE 0 END AS own "
        f"FROM ({inner}) w CROSS JOIN ({keys}) k"
        f") u WHERE u.own <> 0 AND u.committee_id IS NOT NULL"
    )
    return sql, [*inner_params, *(m.key for m in metrics)]


def _row_condition(metric):
    """The metric's filters as a condition on one source row. Filters through a many-valued relation
    would join several rows per source row and inflate every aggregate of the scan, so those become
    `pk IN (subquery)` instead."""
    if any(_crosses_many(metric.model, lookup) for lookup in metric.filters):
        return Q(pk__in=metric.rows().values("pk"))
    return metric.q()


def _crosses_many(model, lookup):
    for part in lookup.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a transform or lookup name (e.g. "isnull"): the path ends here
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


class _temporary_tables:
    """The closure, own and stage tables, private to this database connection for one run."""

    def __enter__(self):
        self._drop()
        table = Committee._meta.db_table
        steplen = Committee.steplen
        depth = Committee.objects.aggregate(depth=Max("depth"))["depth"] or 1
        series = " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, depth + 1))
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {CLOSURE} "
                f"(committee_id bigint NOT NULL, ancestor_id bigint NOT NULL, is_self integer NOT NULL)"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {OWN_TABLE} (committee_id bigint, month date, metric varchar(100), own bigint)"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {NEW} (committee_id bigint, metric varchar(100), own bigint, "
                f"subtree bigint, own_ytd bigint, subtree_ytd bigint)"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE_MONTHS} "
                f"(committee_id bigint, month date, metric varchar(100), own bigint, subtree bigint)"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {DIFF} (id bigint, committee_id bigint, metric varchar(100), own bigint, "
                f"subtree bigint, own_ytd bigint, subtree_ytd bigint)"
            )
            for name in (STAGE, DELTA):
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {name} (committee_id bigint, metric varchar(100), own bigint, subtree bigint)"
                )
            # One indexed lookup per (committee, depth): the ancestor's path is a prefix of the path.
            cursor.execute(
                f"INSERT INTO {CLOSURE} (committee_id, ancestor_id, is_self) "
                f"SELECT c.id, a.id, CASE WHEN a.id = c.id THEN 1 ELSE 0 END "
                f"FROM {table} c JOIN ({series}) d ON d.k <= c.depth "
                f"JOIN {table} a ON a.path = SUBSTR(c.path, 1, {steplen} * d.k)"
            )
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {CLOSURE}")
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self._drop()
        # After an error the transaction may be aborted; the next run drops the leftovers first.
        return False

    def _drop(self):
        with connection.cursor() as cursor:
            for name in (CLOSURE, OWN_TABLE, STAGE, STAGE_MONTHS, DELTA, NEW, DIFF):
                cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _mark_computed(months, *, recounted):
    now = timezone.now()
    late = _late_counts(recounted)
    for month in months:
        defaults = {"computed_at": now, "failures": 0, "retry_at": None, "last_error": ""}
        if month in late:
            defaults["late_records"] = late[month]
        MonthStatus.objects.update_or_create(month=month, defaults=defaults)


def _late_counts(months):
    """Records entered after their month closed, per month (sessions_app.Activity keeps the flag)."""
    if not months:
        return {}
    Activity = apps.get_model("sessions_app", "Activity")
    counts = {m: 0 for m in months}
    rows = Activity.objects.order_by().filter(month__in=months, is_late=True).values("month")
    for row in rows.annotate(n=Count("pk")):
        counts[row["month"]] = row["n"]
    return counts


def _source_span():
    """The first and last month with a record in any registered source."""
    firsts, lasts = [], []
    for metrics in _source_groups():
        first = metrics[0]
        span = first.model._default_manager.order_by().aggregate(
            first=Min(first.date_field), last=Max(first.date_field)
        )
        if span["first"]:
            firsts.append(as_date(span["first"]))
            lasts.append(as_date(span["last"]))
    if not firsts:
        return None, None
    return month_floor(min(firsts)), month_floor(max(lasts))


# Reconciliation --------------------------------------------------------------------------------------------

def verify_months():
    """The months the nightly check covers: every month of last year and this year up to now."""
    today = month_floor(timezone.localdate())
    return month_range(date(today.year - 1, 1, 1), today)


def verify(months, *, repair=False, limit=50):
    """Recompute the months aside (whole years from January, into a scratch table, from scratch) and compare
    with every stored figure. Months with a pending mark are skipped (they are known to be stale). Saves
    a reports.Reconciliation; with `repair`, marks the months that differ so they are recomputed."""
    from .models import Reconciliation

    run = Reconciliation.objects.create()
    targets = sorted({month_floor(m) for m in months})
    differences = []
    with _temporary_tables():
        _create_scratch()
        for year, year_targets in groupby(targets, key=lambda m: m.year):
            with transaction.atomic():
                pending = set(DirtyMonth.objects.filter(month__year=year).values_list("month", flat=True))
                checked = [m for m in year_targets if not any(p <= m for p in pending)]
                if not checked:
                    continue
                _clear(SCRATCH)
                _compute_chain(month_range(date(year, 1, 1), checked[-1]), table=SCRATCH)
                rows, found = _compare(checked)
                run.rows += rows
                run.months += len(checked)
                differences += found
        _drop_scratch()
    run.difference_count = len(differences)
    run.differences = differences[:limit]
    run.finished_at = timezone.now()
    run.save()
    if repair and differences:
        from .services import dirty_mark

        dirty_mark(months={date.fromisoformat(d["month"]) for d in differences})
    return run


def _create_scratch():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {SCRATCH} (committee_id bigint, month date, metric varchar(100), "
            f"own bigint, subtree bigint, own_ytd bigint, subtree_ytd bigint)"
        )


def _drop_scratch():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")


def _compare(months):
    """(figures compared, [differences]) between the stored rows and the scratch rows of the months."""
    table = MetricValue._meta.db_table
    marks = ", ".join(["%s"] * len(months))
    columns = ("own", "subtree", "own_ytd", "subtree_ytd")
    stored = ", ".join(f"SUM(CASE WHEN x.src = 's' THEN x.{c} ELSE 0 END)" for c in columns)
    fresh = ", ".join(f"SUM(CASE WHEN x.src = 'f' THEN x.{c} ELSE 0 END)" for c in columns)
    differ = " OR ".join(
        f"SUM(CASE WHEN x.src = 's' THEN x.{c} ELSE -x.{c} END) <> 0" for c in columns
    )
    select = ", ".join(columns)
    sql = (
        f"SELECT x.committee_id, x.month, x.metric, {stored}, {fresh} FROM ("
        f"SELECT 's' AS src, committee_id, month, metric, {select} FROM {table} WHERE month IN ({marks}) "
        f"UNION ALL SELECT 'f', committee_id, month, metric, {select} FROM {SCRATCH} WHERE month IN ({marks})"
        f") x GROUP BY x.committee_id, x.month, x.metric"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) y", [*months, *months])
        compared = cursor.fetchone()[0]
        cursor.execute(f"{sql} HAVING {differ} ORDER BY x.month, x.committee_id, x.metric", [*months, *months])
        rows = cursor.fetchall()
    codes = dict(Committee.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "code"))
    found = []
    for row in rows:
        month = row[1] if isinstance(row[1], str) else row[1].isoformat()
        found.append({
            "committee": codes.get(row[0], row[0]), "month": month[:10], "metric": row[2],
            "stored": dict(zip(columns, map(int, row[3:7]))), "fresh": dict(zip(columns, map(int, row[7:11]))),
        })
    return compared, found
