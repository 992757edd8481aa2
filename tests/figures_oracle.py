"""A fresh count of every stored figure, independent of the rollup's SQL.

For each registered metric: the distinct source rows its filters select (ORM), grouped in Python by committee
and calendar month of the metric's date; subtree sums over the committees' path prefixes; year to date as a
running sum. Compared with reports.MetricValue for every month the rollup computed, and every month with data
must have been computed (no gaps from January to the last computed month of a year).
"""
from collections import defaultdict

from django.db.models import F

from committees.models import Committee
from reports import metrics as registry
from reports.models import DirtyMonth, MetricValue, MonthStatus

COLUMNS = ("own", "subtree", "own_ytd", "subtree_ytd")


def _month(value):
    return value.replace(day=1)


def own_values():
    """{(committee_id, month, metric): own value} counted from the rows."""
    own = defaultdict(int)
    for metric in registry.all_metrics():
        date = metric.month_field or metric.date_field
        fields = {"c": F(metric.committee_field), "d": F(date)}
        if metric.aggregate == registry.SUM:
            fields["v"] = F(metric.value_field)
        rows = metric.rows().order_by().values("pk", **fields).distinct()
        for row in rows:
            if row["c"] is None or row["d"] is None:
                continue
            value = (row["v"] or 0) if metric.aggregate == registry.SUM else 1
            own[(row["c"], _month(row["d"]), metric.key)] += value
    return own


def fresh_figures():
    """{(committee_id, month, metric): (own, subtree, own_ytd, subtree_ytd)} for every month with data and the
    months after it in its year, up to December."""
    paths = dict(Committee.objects.values_list("pk", "path"))
    by_path = {path: pk for pk, path in paths.items()}
    step = Committee.steplen
    own = own_values()
    monthly = defaultdict(lambda: [0, 0])
    for (cid, month, key), value in own.items():
        if not value:
            continue
        monthly[(cid, month, key)][0] += value
        path = paths[cid]
        for k in range(step, len(path) + 1, step):
            monthly[(by_path[path[:k]], month, key)][1] += value
    result = {}
    series = defaultdict(list)
    for (cid, month, key), values in monthly.items():
        series[(cid, month.year, key)].append((month, values))
    for (cid, year, key), items in series.items():
        items.sort()
        for m in range(1, 13):
            month = items[0][0].replace(month=m)
            own_ytd = sum(v[0] for mo, v in items if mo <= month)
            subtree_ytd = sum(v[1] for mo, v in items if mo <= month)
            this = dict(items).get(month, [0, 0])
            if own_ytd or subtree_ytd:
                result[(cid, month, key)] = (this[0], this[1], own_ytd, subtree_ytd)
    return result


def stored_figures(months):
    rows = MetricValue.objects.filter(month__in=months).values_list("committee_id", "month", "metric", *COLUMNS)
    return {(c, m, k): tuple(v) for c, m, k, *v in rows if any(v)}


def mismatches(*, ignore_pending=False):
    """Every difference between the stored figures and a fresh count; [] when they agree.

    By default pending marks are themselves a problem (the caller ran the worker first). With `ignore_pending`,
    a month is excused when it or an earlier month of its year is marked: stale, but visibly so."""
    problems = []
    pending = set(DirtyMonth.objects.values_list("month", flat=True))
    if pending and not ignore_pending:
        problems.append(("pending", sorted(pending)))

    def excused(month):
        return ignore_pending and any(p.year == month.year and p <= month for p in pending)

    computed = set(MonthStatus.objects.filter(computed_at__isnull=False).values_list("month", flat=True))
    fresh = fresh_figures()
    data_months = {m for (_, m, _), v in fresh.items() if v[0] or v[1]}
    missing = sorted(m for m in data_months - computed if not excused(m))
    if missing:
        problems.append(("never computed", missing))
    for year in {m.year for m in computed}:
        months = sorted(m for m in computed if m.year == year)
        holes = [m for m in (months[-1].replace(month=i) for i in range(1, months[-1].month + 1))
                 if m not in computed and not excused(m)]
        if holes:
            problems.append(("gap in the year", holes))
    stored = stored_figures(computed)
    expected = {k: v for k, v in fresh.items() if k[1] in computed}
    for key in sorted(set(stored) | set(expected), key=lambda k: (k[1], k[0], k[2])):
        if excused(key[1]):
            continue
        if stored.get(key, (0, 0, 0, 0)) != expected.get(key, (0, 0, 0, 0)):
            problems.append((key, "stored", stored.get(key), "fresh", expected.get(key)))
    return problems
