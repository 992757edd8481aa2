"""Reading the rolled-up figures of one committee and month: the one function the `stats` command,
the dashboard and the bulletin all call (two queries: the metric rows and the month's status).

Every headline `value` is year to date as of the end of the month (January 1 → end of month), of the
committee's own group or of its whole subtree as the metric's `scope` says. A metric with no row is 0.
"""
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from committees.models import Committee

from . import metrics as registry
from .metrics import OWN
from .models import MetricValue, MonthStatus
from .months import current_month, month_floor

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
    # The committee's own group alone, year to date (what a reader of that committee only, a secretary, is
    # shown); None for a coverage, which speaks of the committees under this one.
    own_value: object = None

    def headline(self, own=False):
        return self.own_value if own else self.value


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
        label=metric.label, unit=metric.unit, tally=metric.tally, scope=metric.scope, own_value=row.get("own_ytd", 0),
    )


def _ratio_figure(ratio, stored):
    scope = ratio.scope
    numerator, denominator = stored.get(ratio.numerator, {}), stored.get(ratio.denominator, {})
    num_month, num_ytd = _values(scope, numerator)
    den_month, den_ytd = _values(scope, denominator)
    ytd = ratio.value(num_ytd, den_ytd)
    return Figure(
        key=ratio.key, definition=ratio, value=ytd, month_value=ratio.value(num_month, den_month), ytd_value=ytd,
        label=ratio.label, unit=ratio.unit, tally=ratio.tally, scope=scope, is_ratio=True,
        own_value=ratio.value(numerator.get("own_ytd", 0), denominator.get("own_ytd", 0)),
    )


def _coverage_parts(coverage, committee, month):
    """(groups, covered): the committees a coverage counts — active, at its depth, in the subtree — and the
    condition that one is covered: its OWN group has a non-zero year-to-date figure of the metric as of the
    month (T14: the county/district and city-department groups themselves were visited, not something under
    them). The one definition behind the figure and the list of the groups it still misses."""
    reached = MetricValue.objects.filter(
        committee=OuterRef("pk"), month=month_floor(month), metric=coverage.metric, own_ytd__gt=0
    )
    groups = Committee.objects.filter(path__startswith=committee.path, depth=coverage.depth, active=True)
    return groups, Exists(reached)


def coverage_counts(coverage, committee, month):
    """(covered, total), from the rollup table (one query)."""
    groups, covered = _coverage_parts(coverage, committee, month)
    counts = groups.order_by().aggregate(total=Count("pk"), covered=Count("pk", filter=Q(covered)))
    return counts["covered"], counts["total"]


def uncovered_groups(coverage, committee, month, limit=50):
    """The groups the coverage still misses (total − covered of `coverage_counts`), by path."""
    groups, covered = _coverage_parts(coverage, committee, month)
    return list(groups.filter(~covered).order_by("path")[:limit])


def _coverage_figure(coverage, committee, month):
    ytd = coverage.value(*coverage_counts(coverage, committee, month))
    return Figure(
        key=coverage.key, definition=coverage, value=ytd, month_value=None, ytd_value=ytd, label=coverage.label,
        unit=coverage.unit, tally=coverage.tally, scope=coverage.scope, is_ratio=True,
    )


# ---------------------------------------------------------------- the figures of a page


@dataclass(frozen=True)
class Shown:
    """One figure as a page shows it: the registry key and the headline value (year to date)."""

    key: str
    value: object  # a count or sum; a ratio's or coverage's percent; None when there is no value
    label: object
    unit: object


@dataclass
class PageFigures:
    committee: object
    month: object
    as_of: object
    own: bool  # the committee's own group only (a reader of that committee alone), else the registry headline
    by_key: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.by_key[key]


def page_figures(committee, month, keys, *, own=False):
    """The figures `keys` of `committee` for `month` as a page outside the dashboard shows them (supervision,
    assessment), read with `figures_for` like everything else: the registry's headline, or with `own` the
    committee's own group (coverages, which speak of the committees under it, are then left out)."""
    keys = [key for key in keys if not (own and key in registry.COVERAGES)]
    read = figures_for(committee, month, keys=keys)
    by_key = {f.key: Shown(f.key, f.headline(own), f.label, f.unit) for f in read.items}
    return PageFigures(committee=committee, month=read.month, as_of=read.as_of, own=own, by_key=by_key)


def year_end_month(year):
    """The month whose year to date is all of `year` so far: December of another year, this month of this one."""
    this = current_month()
    return this if year == this.year else this.replace(year=year, month=12)
