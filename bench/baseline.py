"""The plain-SQL baseline: every Activity metric's own / subtree / year-to-date figures in a few
INSERT … SELECT … GROUP BY statements, into tables of its own (bench_*), and the row-by-row check
that the rollup (reports.MetricValue) holds the same figures.

The shape, which is what the rollup is measured against:
1. one scan of the records, grouped by (committee, month), with one conditional aggregate per metric
   (the metric's own ORM filters, compiled by Django, so the definitions cannot drift);
2. unpivot to (committee, month, metric, value) = the committee's own group;
3. subtree: each own row is added to every ancestor, found by the path prefixes
   substr(path, 1, 4·k) for k = 1 … depth (an equality join on the path index, no LIKE);
4. year to date: a window SUM over the months of the year, on a (committee, metric) × month grid,
   keeping the rows where any of the four figures is not zero.
It runs unchanged on PostgreSQL and SQLite.
"""
import time

from django.db import connection
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from committees.models import Committee
from reports import metrics as registry
from sessions_app.models import Activity

ACTIVITY_SOURCE = "sessions_app.Activity"
TABLES = ("bench_wide", "bench_own", "bench_sub", "bench_months", "bench_levels", "bench_baseline")


def activity_metrics():
    return [m for m in registry.all_metrics() if getattr(m, "source", "").lower() == ACTIVITY_SOURCE.lower()]


def _aggregate(metric):
    if metric.aggregate == registry.SUM:
        return Coalesce(Sum(metric.value_field, filter=metric.q()), Value(0))
    return Count("pk", filter=metric.q())


def wide_select(metrics):
    """(sql, params): committee_id, month, m0 … mN over one scan of the records."""
    qs = Activity.objects.order_by()
    month = getattr(metrics[0], "month_field", "")  # a stored first-of-month column, if the metric names one
    if not month:
        qs = qs.annotate(bench_month=TruncMonth(metrics[0].date_field))
        month = "bench_month"
    committee = f"{metrics[0].committee_field}_id"
    aggregates = {f"m{i}": _aggregate(m) for i, m in enumerate(metrics)}
    qs = qs.values(committee, month).annotate(**aggregates).values_list(committee, month, *aggregates)
    return qs.query.sql_with_params()


def _groups(metrics):
    """Metrics that share their date and committee fields can share one scan."""
    groups = {}
    for metric in metrics:
        key = (metric.date_field, getattr(metric, "month_field", ""), metric.committee_field)
        groups.setdefault(key, []).append(metric)
    return list(groups.values())


def build(months):
    """Compute the baseline into bench_baseline; returns {"seconds": …, "rows": …, "metrics": [...]}."""
    metrics = activity_metrics()
    phases = {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        with _phase(phases, "create_tables"):
            _create_tables(cursor, len(metrics), months)
        with _phase(phases, "own (one scan of the records, unpivot)"):
            for group in _groups(metrics):
                _insert_own(cursor, group)
        with _phase(phases, "subtree (own rows to every ancestor)"):
            _insert_subtree(cursor)
        with _phase(phases, "year to date (window) and write with indexes"):
            _insert_final(cursor)
        seconds = time.perf_counter() - started
        cursor.execute("SELECT COUNT(*) FROM bench_baseline")
        rows = cursor.fetchone()[0]
    return {"seconds": seconds, "rows": rows, "metrics": [m.key for m in metrics], "phases": phases}


class _phase:
    def __init__(self, phases, name):
        self.phases, self.name = phases, name

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        self.phases[self.name] = time.perf_counter() - self.started
        return False


def _create_tables(cursor, n_metrics, months):
    for table in TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    width = max(n_metrics, 1)
    cols = ", ".join(f"m{i} bigint" for i in range(width))
    cursor.execute(f"CREATE TABLE bench_wide (committee_id bigint, month date, {cols})")
    cursor.execute("CREATE TABLE bench_own (committee_id bigint, month date, metric varchar(60), value bigint)")
    cursor.execute("CREATE TABLE bench_sub (committee_id bigint, month date, metric varchar(60), value bigint)")
    cursor.execute("CREATE TABLE bench_months (month date PRIMARY KEY, year int)")
    cursor.execute("CREATE TABLE bench_levels (k int PRIMARY KEY)")
    cursor.execute(
        "CREATE TABLE bench_baseline (committee_id bigint, month date, metric varchar(60), own bigint, "
        "subtree bigint, own_ytd bigint, subtree_ytd bigint)"
    )
    # The same indexes as reports.MetricValue: the rollup has to maintain them, so the baseline does too.
    cursor.execute("CREATE UNIQUE INDEX bench_baseline_key ON bench_baseline (committee_id, month, metric)")
    cursor.execute("CREATE INDEX bench_baseline_month ON bench_baseline (month, metric)")
    cursor.executemany("INSERT INTO bench_months VALUES (%s, %s)", [(m, m.year) for m in months])
    max_depth = Committee.objects.order_by("-depth").values_list("depth", flat=True).first() or 1
    cursor.executemany("INSERT INTO bench_levels VALUES (%s)", [(k,) for k in range(1, max_depth + 1)])


def _insert_own(cursor, metrics):
    # The wide table's columns are positional; metrics of this group take m0 … mN.
    cursor.execute("DELETE FROM bench_wide")
    sql, params = wide_select(metrics)
    cols = ", ".join(f"m{i}" for i in range(len(metrics)))
    cursor.execute(f"INSERT INTO bench_wide (committee_id, month, {cols}) {sql}", params)
    parts = [f"SELECT committee_id, month, %s, m{i} FROM bench_wide WHERE m{i} <> 0" for i in range(len(metrics))]
    cursor.execute(
        "INSERT INTO bench_own (committee_id, month, metric, value) " + " UNION ALL ".join(parts),
        [m.key for m in metrics],
    )


def _insert_subtree(cursor):
    steplen = Committee.steplen
    table = Committee._meta.db_table
    cursor.execute(f"""
        INSERT INTO bench_sub (committee_id, month, metric, value)
        SELECT anc.id, o.month, o.metric, SUM(o.value)
        FROM bench_own o
        JOIN {table} c ON c.id = o.committee_id
        JOIN bench_levels l ON l.k <= c.depth
        JOIN {table} anc ON anc.path = substr(c.path, 1, {steplen} * l.k)
        GROUP BY anc.id, o.month, o.metric
    """)
    cursor.execute("CREATE INDEX bench_own_key ON bench_own (committee_id, metric, month)")
    cursor.execute("CREATE INDEX bench_sub_key ON bench_sub (committee_id, metric, month)")


def _insert_final(cursor):
    cursor.execute("""
        INSERT INTO bench_baseline (committee_id, month, metric, own, subtree, own_ytd, subtree_ytd)
        SELECT committee_id, month, metric, own, subtree, own_ytd, subtree_ytd FROM (
            SELECT k.committee_id, mo.month, k.metric,
                   COALESCE(o.value, 0) AS own, COALESCE(s.value, 0) AS subtree,
                   SUM(COALESCE(o.value, 0)) OVER w AS own_ytd,
                   SUM(COALESCE(s.value, 0)) OVER w AS subtree_ytd
            FROM (SELECT DISTINCT committee_id, metric FROM bench_sub) k
            CROSS JOIN bench_months mo
            LEFT JOIN bench_own o ON o.committee_id = k.committee_id AND o.metric = k.metric AND o.month = mo.month
            LEFT JOIN bench_sub s ON s.committee_id = k.committee_id AND s.metric = k.metric AND s.month = mo.month
            WINDOW w AS (PARTITION BY k.committee_id, k.metric, mo.year ORDER BY mo.month)
        ) grid
        WHERE own <> 0 OR subtree <> 0 OR own_ytd <> 0 OR subtree_ytd <> 0
    """)


# ---------------------------------------------------------------- agreement with the rollup

_FIGURES = "committee_id, month, metric, own, subtree, own_ytd, subtree_ytd"
_NONZERO = "(own <> 0 OR subtree <> 0 OR own_ytd <> 0 OR subtree_ytd <> 0)"


def compare(months, metric_keys, *, sample=5):
    """Compare every row of the rollup with the baseline, for the Activity metrics and the bench
    months. A row missing on one side counts as all zeros (so dense and sparse storage agree)."""
    from reports.models import MetricValue

    table = MetricValue._meta.db_table
    marks = ", ".join(["%s"] * len(metric_keys))
    month_marks = ", ".join(["%s"] * len(months))
    rollup = (f"SELECT {_FIGURES} FROM {table} WHERE metric IN ({marks}) AND month IN ({month_marks}) "
              f"AND {_NONZERO}")
    params = [*metric_keys, *months]
    baseline = f"SELECT {_FIGURES} FROM bench_baseline"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({rollup}) r", params)
        rollup_rows = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM bench_baseline")
        baseline_rows = cursor.fetchone()[0]
        only_baseline = _difference(cursor, f"{baseline} EXCEPT {rollup}", params, sample)
        only_rollup = _difference(cursor, f"{rollup} EXCEPT {baseline}", params, sample)
    return {
        "rollup_rows": rollup_rows,
        "baseline_rows": baseline_rows,
        "rows_only_in_baseline": only_baseline[0],
        "rows_only_in_rollup": only_rollup[0],
        "agree": only_baseline[0] == 0 and only_rollup[0] == 0,
        "sample_only_in_baseline": only_baseline[1],
        "sample_only_in_rollup": only_rollup[1],
    }


def _difference(cursor, sql, params, sample):
    cursor.execute(f"SELECT COUNT(*) FROM ({sql}) d", params)
    count = cursor.fetchone()[0]
    cursor.execute(f"SELECT {_FIGURES} FROM ({sql}) d ORDER BY 3, 2, 1 LIMIT {int(sample)}", params)
    return count, [_row(r) for r in cursor.fetchall()]


def _row(row):
    return [str(v) for v in row]


def drop_tables():
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
