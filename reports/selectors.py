"""Reads for the leader's pages: the dashboard reads only rollup tables, the drill-down reads the records.

Every committee a page shows comes through the scope layer (`Committee.objects.visible_to`), and every
record list through `scope_for(user).filter_by_committee`, so that out of scope is a plain 404.
"""
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from committees import policy
from committees.models import Campaign, Theme

from . import briefing, freshness
from . import metrics as registry
from .figures import figures_for
from .forms import PERIOD_YTD
from .models import MetricValue, MonthStatus
from .scoping import (  # noqa: F401  (re-exported until every caller imports reports.scoping)
    breadcrumb,
    committee_for,
    nothing_readable_above,
    reads_subtree,
    start_committee,
    sub_committees,
)

# ---------------------------------------------------------------- months


def year_months(month):
    """January .. `month` of month's year."""
    return [datetime.date(month.year, m, 1) for m in range(1, month.month + 1)]


def default_month():
    """The last closed month, or the current month when none is closed yet."""
    last = MonthStatus.objects.filter(closed_at__isnull=False).order_by("-month").values_list("month", flat=True)
    return last.first() or timezone.localdate().replace(day=1)


# ---------------------------------------------------------------- metrics and filters


def filter_values(metric, prefix):
    """The values a metric's filters compare `prefix` (campaign/theme) with."""
    values = set()
    for lookup, value in metric.filters.items():
        if lookup.split("__")[0] != prefix or isinstance(value, bool):
            continue
        for item in value if isinstance(value, (list, tuple, set)) else [value]:
            values.add(str(getattr(item, "pk", item)))
    return values


def ties_to(metric, prefix, obj):
    """Whether the metric counts only rows of this campaign/theme (by code or by id)."""
    return bool(filter_values(metric, prefix) & {str(obj.code), str(obj.pk)})


def dashboard_metrics(*, campaign=None, theme=None):
    """The registered metrics, narrowed to those tied to the campaign and/or theme when one is chosen."""
    chosen = registry.all_metrics()
    if campaign is not None:
        chosen = [m for m in chosen if ties_to(m, "campaign", campaign)]
    if theme is not None:
        chosen = [m for m in chosen if ties_to(m, "theme", theme)]
    return chosen


def campaigns_and_themes():
    return list(Campaign.objects.all()), list(Theme.objects.all())


def find_by_code(objects, code):
    return next((o for o in objects if o.code == code), None) if code else None


# ---------------------------------------------------------------- figures (rollup tables only)


@dataclass
class Figure:
    """One card: a metric's month and year-to-date figure (a ratio: percents, with its two figures)."""

    metric: object  # the registry's Metric or Ratio
    value: object = 0  # the month
    ytd: object = 0  # January .. the month
    uses_own: bool = False  # the committee's own group rather than its whole subtree
    numerator: object = None
    denominator: object = None

    @property
    def is_ratio(self):
        return isinstance(self.metric, registry.Ratio)

    @property
    def drill_key(self):
        """The stored metric whose records stand behind this figure (a coverage: the metric it covers)."""
        return self.metric.metric if isinstance(self.metric, registry.Coverage) else self.metric.key


def headline_uses_own(metric, subtree_readable):
    return metric.scope == registry.OWN or not subtree_readable


def card_figures(committee, month, metrics, subtree_readable):
    """The cards, read with reports.figures.figures_for, the one reader the `stats` command and the
    bulletin use too. A secretary (who reads their own committee only) gets the own-group figures."""
    keys = {m.key for m in metrics}
    ratios = [r for r in registry.all_ratios() if r.numerator in keys and r.denominator in keys]
    # A coverage speaks of the committees under this one: only for a reader of the whole subtree.
    coverages = [c for c in registry.all_coverages() if c.metric in keys and subtree_readable]
    read = figures_for(committee, month, keys=[*sorted(keys), *(r.key for r in ratios), *(c.key for c in coverages)])
    by_key = {f.key: Figure(f.definition, f.month_value, f.ytd_value) for f in read.items if not f.is_ratio}
    if not subtree_readable:
        by_key = own_group_figures(committee, month, by_key)
    for figure in by_key.values():
        figure.uses_own = headline_uses_own(figure.metric, subtree_readable)
    cards = [by_key[m.key] for m in metrics if m.key in by_key]
    for ratio in ratios:
        num, den = by_key[ratio.numerator], by_key[ratio.denominator]
        value, ytd = ratio.value(num.value, den.value), ratio.value(num.ytd, den.ytd)
        cards.append(Figure(ratio, value, ytd, num.uses_own, num, den))
    for figure in read.items:
        if isinstance(figure.definition, registry.Coverage):
            # Coverage is cumulative over the year: as of the month's end it is the year-to-date share.
            cards.append(Figure(figure.definition, figure.ytd_value, figure.ytd_value))
    return cards


def own_group_figures(committee, month, by_key):
    """The same figures, of the committee's own group (one query on the rollup table)."""
    rows = MetricValue.objects.filter(committee=committee, month=month, metric__in=list(by_key))
    own = {metric: (value, ytd) for metric, value, ytd in rows.values_list("metric", "own", "own_ytd")}
    return {key: Figure(f.metric, *own.get(key, (0, 0))) for key, f in by_key.items()}


VALUE_COLUMNS = ("own", "subtree", "own_ytd", "subtree_ytd")


def headline(row, metric, subtree_readable):
    """(month value, year to date) of one MetricValue row, read as {column: value} (None: a missing
    row is 0), from the columns the metric itself names, as reports.figures does."""
    if row is None:
        return 0, 0
    if not subtree_readable:
        return row["own"], row["own_ytd"]
    return row[metric.month_value_field], row[metric.headline_field]


@dataclass
class YearValues:
    """One committee's rollup rows of one metric for a year: {month: {column: value}}, one query."""

    rows: dict = field(default_factory=dict)

    def row(self, month):
        return self.rows.get(month)


def year_rows(qs):
    """[(committee id, month, {column: value})] of MetricValue rows, without building model objects."""
    return [
        (committee_id, month, dict(zip(VALUE_COLUMNS, values)))
        for committee_id, month, *values in qs.values_list("committee_id", "month", *VALUE_COLUMNS)
    ]


def committee_year_values(committee, month, metric):
    qs = MetricValue.objects.filter(
        committee=committee, metric=metric.key, month__gte=month.replace(month=1), month__lte=month
    )
    return YearValues({m: values for _, m, values in year_rows(qs)})


def trend(year_values, month, metric, subtree_readable):
    """[(month, month value, year to date)] from January to `month`."""
    points = []
    for m in year_months(month):
        value, ytd = headline(year_values.row(m), metric, subtree_readable)
        points.append((m, value, ytd))
    return points


def children_year_values(children, month, metric):
    """{committee id: {month: {column: value}}} of the direct sub-committees for one metric, one query."""
    rows = {}
    qs = MetricValue.objects.filter(
        committee_id__in=[c.id for c in children], metric=metric.key,
        month__gte=month.replace(month=1), month__lte=month,
    )
    for committee_id, m, values in year_rows(qs):
        rows.setdefault(committee_id, {})[m] = values
    return rows


@dataclass
class BreakdownRow:
    committee: object
    value: int
    ytd: int
    cells: list  # [(month, value)] January .. month, for the completeness heatmap

    @property
    def reported_months(self):
        return sum(1 for _, v in self.cells if v)


def breakdown(children, month, metric):
    """Per direct sub-committee: the month, the year to date, and each month's value (the heatmap)."""
    rows_by_child = children_year_values(children, month, metric)
    result = []
    for child in children:
        by_month = rows_by_child.get(child.id, {})
        value, ytd = headline(by_month.get(month), metric, True)
        cells = [(m, headline(by_month.get(m), metric, True)[0]) for m in year_months(month)]
        result.append(BreakdownRow(child, value, ytd, cells))
    # Ranked: the largest month figure first (then the year to date, then tree order), as a leader reads a list.
    return sorted(result, key=lambda row: (-row.value, -row.ytd, row.committee.path))


# ---------------------------------------------------------------- drill-down (the records behind a figure)


def get_metric(key):
    try:
        return registry.get(key)
    except KeyError:
        raise Http404


def drill_uses_own(user, metric, committee):
    """Whether the rows behind the figure are the committee's own group's (else its whole subtree)."""
    return headline_uses_own(metric, reads_subtree(user, committee))


def drill_rows(user, metric, committee, month, period):
    """Exactly the rows the figure counts: the metric's own records for the committee (own group or
    subtree, as the metric defines it) and the period, narrowed to the user's scope. A secretary's
    figures are their own group's, and so are their rows."""
    qs = metric.records(
        committee, month, own=drill_uses_own(user, metric, committee), ytd=period == PERIOD_YTD,
    )
    qs = policy.restrict(qs, user, policy.READ, metric.committee_field)
    # With a stored month column, (-month, -date) is the same order as (-date) and the one the
    # index activity_month_held reads backwards: the first page costs one page of rows, not a sort.
    order = [f"-{metric.month_field}"] if metric.month_field else []
    return qs.select_related(metric.committee_field).order_by(*order, f"-{metric.date_field}", "-pk")


def drill_figures(qs, metric):
    """(rows, figure) of the listed rows in one query: their number and what they add up to."""
    if metric.aggregate == registry.SUM:
        found = qs.order_by().aggregate(rows=Count("pk"), total=Sum(metric.value_field))
        return found["rows"], found["total"] or 0
    rows = qs.order_by().count()
    return rows, rows


def stored_figure(user, metric, committee, month, period):
    """(freshness of the month, the figure of the rows `drill_rows` lists as the rollup table stores it)
    in one query; the figure is None whenever the month is not current (never computed, or a change
    waits for the rollup in the month or an earlier month of its year), since the rows must then be
    counted. The stored figure covers every row of the committee's own group or subtree; `drill_rows`
    lists all of them, since the committee is in the user's scope and a subtree is listed only to a
    user who reads the whole subtree (`drill_uses_own`)."""
    own = drill_uses_own(user, metric, committee)
    column = ("own" if own else "subtree") + ("_ytd" if period == PERIOD_YTD else "")
    value = MetricValue.objects.filter(committee=committee, month=month, metric=metric.key).values(column)[:1]
    state, found = freshness.read(month, value=Subquery(value))
    if state.pending:
        return state, None
    return state, found["value"] or 0  # no row: the rollup keeps no all-zero rows


def resolve(obj, path):
    """obj.a.b for the ORM path 'a__b' (None on a missing link)."""
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


@dataclass
class DrillRow:
    date: object
    committee: object
    text: str
    value: object
    url: str


def drill_row(obj, metric):
    get_url = getattr(obj, "get_absolute_url", None)
    return DrillRow(
        date=resolve(obj, metric.date_field),
        committee=resolve(obj, metric.committee_field),
        text=str(obj),
        value=resolve(obj, metric.value_field) if metric.aggregate == registry.SUM else 1,
        url=get_url() if callable(get_url) else "",
    )


# ---------------------------------------------------------------- the dashboard, assembled


@dataclass
class DashboardPage:
    committee: object
    month: object
    subtree_readable: bool
    crumbs: list
    children: list
    status: object  # reports.freshness.Freshness: as of when, closed, current or not
    metrics: list
    figures: list
    chosen: object  # the metric of the trend, breakdown and heatmap
    trend: list
    breakdown: list
    campaigns: list
    themes: list
    campaign: object
    theme: object
    headline: list = field(default_factory=list)  # reports.briefing.Headline: the figures that matter, with changes
    silent: list = field(default_factory=list)  # reports.briefing.SilentUnit: no collective study for N days

    @property
    def months(self):
        return year_months(self.month)

    @property
    def tally_figures(self):
        """The document's tallies (T1–T15) come first, as cards."""
        return [f for f in self.figures if f.metric.tally]

    @property
    def other_figures(self):
        return [f for f in self.figures if not f.metric.tally]

    @property
    def rest_figures(self):
        """Every figure not in the headline row (grouped by the briefing)."""
        shown = {h.metric.key for h in self.headline}
        return [f for f in self.figures if f.metric.key not in shown]


def default_chosen(metrics):
    """The trend, breakdown and heatmap start with the first whole-subtree figure (T2: every group's
    sessions), the one that says which sub-committee reported nothing."""
    return next((m for m in metrics if m.scope == registry.SUBTREE), metrics[0] if metrics else None)


def dashboard_page(user, *, code=None, month=None, metric_key=None, campaign_code=None, theme_code=None,
                   committee=None, status=None):
    """Everything the dashboard shows, from a fixed number of queries on rollup tables and committees. A caller that
    already looked the committee up, or read the month's status (reports.freshness), passes them."""
    committee = committee or committee_for(user, code)
    # Without a month: the latest with figures (after loading the 2021 scenario: 2021-12, not an empty today).
    month = month or briefing.latest_month_with_data(committee) or default_month()
    subtree_readable = reads_subtree(user, committee)
    campaigns, themes = campaigns_and_themes()
    campaign, theme = find_by_code(campaigns, campaign_code), find_by_code(themes, theme_code)
    metrics = dashboard_metrics(campaign=campaign, theme=theme)
    chosen = next((m for m in metrics if m.key == metric_key), None) or default_chosen(metrics)
    children = sub_committees(user, committee)
    page = DashboardPage(
        committee=committee, month=month, subtree_readable=subtree_readable,
        crumbs=breadcrumb(user, committee), children=children, status=status or freshness.freshness(month),
        metrics=metrics, figures=card_figures(committee, month, metrics, subtree_readable), chosen=chosen,
        trend=trend(committee_year_values(committee, month, chosen), month, chosen, subtree_readable)
        if chosen else [],
        breakdown=breakdown(children, month, chosen) if chosen and children else [],
        campaigns=campaigns, themes=themes, campaign=campaign, theme=theme,
    )
    page.headline = briefing.headline(page)
    if subtree_readable:
        page.silent = briefing.silent_units(committee, month)
    return page
