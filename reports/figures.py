"""The figures of the metric registry, as every page, export, command and the API read them: one `Figure` type.

`figures_for` reads one committee and month from the rollup tables (two queries: the metric rows and the month's
status). Every headline `value` is year to date as of the end of the month (January 1 → end of month), of the
committee's own group or of its whole subtree as the metric's `scope` says. A metric with no row is 0.

What a reader is shown of a figure, own group or subtree, is chosen by reports.scoping.uses_own: `card_figures`
(the dashboard, the bulletin's table, the campaign pages) and `page_figures` (supervision, assessment) apply it.
"""
from dataclasses import dataclass, field, replace

from django.db.models import Count, Exists, OuterRef, Q

from committees.models import Committee

from . import metrics as registry
from .metrics import OWN
from .models import MetricValue, MonthStatus
from .months import current_month, month_floor
from .scoping import reads_subtree, uses_own

COLUMNS = ("own", "subtree", "own_ytd", "subtree_ytd")


@dataclass(frozen=True)
class Figure:
    """One figure of the registry (a metric, ratio or coverage) for a committee and a month."""

    key: str
    definition: object  # the registry's Metric, Ratio or Coverage (None in a copy made for a cache: `plain`)
    month_value: object  # the month alone (a ratio: percent or None; a coverage: None, on a card its year to date)
    ytd_value: object  # January .. the end of the month: the headline `value`
    label: object
    unit: object
    tally: str | None
    scope: str  # OWN or SUBTREE: whose figure the registry's headline is
    is_ratio: bool = False  # a percentage: a ratio or a coverage
    # The committee's own group alone (what a reader of that committee only, a secretary, is shown), the month and
    # the year to date; None for a coverage, which speaks of the committees under this one.
    own_month_value: object = None
    own_value: object = None
    # A ratio on a card (`card_figures`): the two figures it divides, as they are shown, each with its own records.
    numerator: object = None
    denominator: object = None

    @property
    def value(self):
        """The headline: the year to date."""
        return self.ytd_value

    @property
    def drill_key(self):
        return drill_key(self.definition)

    def shown(self, own):
        """The figure as a reader is shown it: with `own` (reports.scoping.uses_own) its own group's values."""
        return replace(self, month_value=self.own_month_value, ytd_value=self.own_value) if own else self

    def plain(self):
        """A copy a cache may keep: no registry object, the labels as plain strings (the cache key names the
        language)."""
        return replace(self, definition=None, label=str(self.label), unit=str(self.unit), numerator=None,
                       denominator=None)


def drill_key(definition):
    """The stored metric whose records stand behind a figure (a ratio: its numerator; a coverage: its metric)."""
    if isinstance(definition, registry.Coverage):
        return definition.metric
    if isinstance(definition, registry.Ratio):
        return definition.numerator
    return definition.key


@dataclass
class Figures:
    """The figures of one committee and month: all those `figures_for` read, or those a page shows."""

    committee: object
    month: object
    as_of: object  # when the month was last computed (MonthStatus.computed_at), None if never
    items: list = field(default_factory=list)
    own: bool = False  # every figure is the committee's own group's (a reader of that committee alone)

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
        key=metric.key, definition=metric, month_value=month_value, ytd_value=ytd, label=metric.label,
        unit=metric.unit, tally=metric.tally, scope=metric.scope,
        own_month_value=row.get("own", 0), own_value=row.get("own_ytd", 0),
    )


def _ratio_figure(ratio, stored):
    scope = ratio.scope
    numerator, denominator = stored.get(ratio.numerator, {}), stored.get(ratio.denominator, {})
    num_month, num_ytd = _values(scope, numerator)
    den_month, den_ytd = _values(scope, denominator)
    ytd = ratio.value(num_ytd, den_ytd)
    return Figure(
        key=ratio.key, definition=ratio, month_value=ratio.value(num_month, den_month), ytd_value=ytd,
        label=ratio.label, unit=ratio.unit, tally=ratio.tally, scope=scope, is_ratio=True,
        own_month_value=ratio.value(numerator.get("own", 0), denominator.get("own", 0)),
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
        key=coverage.key, definition=coverage, month_value=None, ytd_value=ytd, label=coverage.label,
        unit=coverage.unit, tally=coverage.tally, scope=coverage.scope, is_ratio=True,
    )


# ---------------------------------------------------------------- the figures a reader is shown


def card_figures(committee, month, metrics, subtree_readable):
    """The figures of `metrics` as the cards show them to a reader of the committee's whole subtree or (not
    `subtree_readable`) of the committee alone, a secretary: the dashboard, the bulletin's table and the campaign
    pages. Each metric own group or subtree as reports.scoping.uses_own chooses; each ratio of two of them, of
    the two figures shown; each coverage of one of them (it speaks of the committees under this one) only for a
    reader of the whole subtree."""
    keys = {m.key for m in metrics}
    ratios = [r for r in registry.all_ratios() if r.numerator in keys and r.denominator in keys]
    coverages = [c for c in registry.all_coverages() if c.metric in keys and subtree_readable]
    read = figures_for(committee, month, keys=[*sorted(keys), *(r.key for r in ratios), *(c.key for c in coverages)])
    by_key = {
        f.key: f.shown(uses_own(f.definition, subtree_readable=subtree_readable)) for f in read.items if not f.is_ratio
    }
    cards = [by_key[m.key] for m in metrics if m.key in by_key]
    for ratio in ratios:
        num, den = by_key[ratio.numerator], by_key[ratio.denominator]
        cards.append(replace(
            read[ratio.key], month_value=ratio.value(num.month_value, den.month_value),
            ytd_value=ratio.value(num.ytd_value, den.ytd_value), numerator=num, denominator=den,
        ))
    # Coverage is cumulative over the year: as of the month's end it is the year-to-date share.
    cards += [replace(f, month_value=f.ytd_value) for f in read.items if isinstance(f.definition, registry.Coverage)]
    return cards


def page_figures(user, committee, month, keys):
    """The figures `keys` of `committee` for `month` as a page outside the dashboard shows them to `user`
    (supervision, assessment): each the registry's headline or the committee's own group's, as
    reports.scoping.uses_own chooses; for a reader of the committee alone, coverages (which speak of the
    committees under it) are left out."""
    subtree_readable = reads_subtree(user, committee)
    keys = [key for key in keys if subtree_readable or key not in registry.COVERAGES]
    read = figures_for(committee, month, keys=keys)
    shown = [f.shown(uses_own(f.definition, user=user, committee=committee)) for f in read.items]
    return replace(read, items=shown, own=not subtree_readable)


def year_end_month(year):
    """The month whose year to date is all of `year` so far: December of another year, this month of this one."""
    this = current_month()
    return this if year == this.year else this.replace(year=year, month=12)
