"""Reading the rolled-up figures of one committee and month: the one function the `stats` command,
the dashboard and the bulletin all call (two queries: the metric rows and the month's status).

Every headline `value` is year to date as of the end of the month (January 1 → end of month), of the
committee's own group or of its whole subtree as the metric's `scope` says. A metric with no row is 0.
"""
from dataclasses import dataclass, field

from . import metrics as registry
from .metrics import OWN
from django.db.models import Count, Exists, OuterRef, Q

from committees.models import Committee

from .models import MetricValue, MonthStatus
from .months import month_floor

COLUMNS = ("own", "subtree", "own_ytd", "subtree_ytd")


@dataclass(frozen=True)
class Figure:
    key: str
    definition: object  # the registry's Metric or Ratio
    value: object  # headline: year to date, own or subtree per the metric's scope (a ratio: percent or None)
    month_value: object  # the same, for the month alone
    ytd_value: object  # = value; named for readers that show both
    label: object
    unit: object
    tally: str | None
    scope: str
    is_ratio: bool = False


@dataclass
class Figures:
    committee: object
    month: object
    as_of: object  # when the month was last computed (MonthStatus.computed_at), None if never
    items: list = field(default_factory=list)

    def __getitem__(self, key):
        return self.by_key[key]

    @property
    def by_key(self):
        return {figure.key: figure for figure in self.items}


def figures_for(committee, month, keys=None):
    """Every registered figure (or those in `keys`) of `committee` for `month`, registry order."""
    month = month_floor(month)
    stored = {
        row[0]: dict(zip(COLUMNS, row[1:]))
        for row in MetricValue.objects.filter(committee=committee, month=month).values_list("metric", *COLUMNS)
    }
    as_of = MonthStatus.objects.filter(month=month).values_list("computed_at", flat=True).first()
    items = [_metric_figure(m, stored.get(m.key, {})) for m in registry.all_metrics()]
    items += [_ratio_figure(r, stored) for r in registry.all_ratios()]
    coverages = [c for c in registry.all_coverages() if keys is None or c.key in keys]
    items += [_coverage_figure(c, committee, month) for c in coverages]  # one query each, only when asked
    if keys is not None:
        wanted = list(keys)
        items = sorted((f for f in items if f.key in wanted), key=lambda f: wanted.index(f.key))
    return Figures(committee=committee, month=month, as_of=as_of, items=items)


def _values(scope, row):
    month_col = "own" if scope == OWN else "subtree"
    return row.get(month_col, 0), row.get(f"{month_col}_ytd", 0)


def _metric_figure(metric, row):
    month_value, ytd = _values(metric.scope, row)
    return Figure(
        key=metric.key, definition=metric, value=ytd, month_value=month_value, ytd_value=ytd,
        label=metric.label, unit=metric.unit, tally=metric.tally, scope=metric.scope,
    )


def _ratio_figure(ratio, stored):
    scope = ratio.scope
    num_month, num_ytd = _values(scope, stored.get(ratio.numerator, {}))
    den_month, den_ytd = _values(scope, stored.get(ratio.denominator, {}))
    ytd = ratio.value(num_ytd, den_ytd)
    return Figure(
        key=ratio.key, definition=ratio, value=ytd, month_value=ratio.value(num_month, den_month), ytd_value=ytd,
        label=ratio.label, unit=ratio.unit, tally=ratio.tally, scope=scope, is_ratio=True,
    )


def coverage_counts(coverage, committee, month):
    """(covered, total): committees at the coverage's depth in the subtree, and those with a non-zero
    year-to-date figure of its metric, from the rollup table (one query)."""
    reached = MetricValue.objects.filter(
        committee=OuterRef("pk"), month=month, metric=coverage.metric, subtree_ytd__gt=0
    )
    groups = Committee.objects.filter(path__startswith=committee.path, depth=coverage.depth, active=True)
    counts = groups.order_by().aggregate(total=Count("pk"), covered=Count("pk", filter=Q(Exists(reached))))
    return counts["covered"], counts["total"]


def _coverage_figure(coverage, committee, month):
    ytd = coverage.value(*coverage_counts(coverage, committee, month))
    return Figure(
        key=coverage.key, definition=coverage, value=ytd, month_value=None, ytd_value=ytd, label=coverage.label,
        unit=coverage.unit, tally=coverage.tally, scope=coverage.scope, is_ratio=True,
    )
