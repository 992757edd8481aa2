"""The leader's dashboard, read from the rollup tables only: the figures of a committee and month (narrowed to a
campaign or theme), the trend of the chosen figure over the year and its breakdown by direct sub-committee (the
heatmap), assembled with the briefing (reports/briefing.py) into one `DashboardPage`. The big screen reads the
same trend and breakdown.

Every committee comes through reports/scoping.py; which figure a reader is shown, own group or subtree, through
reports.scoping.uses_own.
"""
from dataclasses import dataclass, field

from committees.models import Campaign, Theme

from . import briefing, freshness
from . import metrics as registry
from .figures import COLUMNS, card_figures
from .models import MetricValue
from .months import default_month, year_months
from .scoping import breadcrumb, committee_for, reads_subtree, sub_committees, uses_own

# ---------------------------------------------------------------- the figures of a campaign or theme


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


# ---------------------------------------------------------------- one figure over the year: trend and breakdown


def row_values(row, own):
    """(month value, year to date) of one MetricValue row, read as {column: value} (None: a missing row is 0):
    the own group's columns or the subtree's."""
    if row is None:
        return 0, 0
    return (row["own"], row["own_ytd"]) if own else (row["subtree"], row["subtree_ytd"])


@dataclass
class YearValues:
    """One committee's rollup rows of one metric for a year: {month: {column: value}}, one query."""

    rows: dict = field(default_factory=dict)

    def row(self, month):
        return self.rows.get(month)


def year_rows(qs):
    """[(committee id, month, {column: value})] of MetricValue rows, without building model objects."""
    return [
        (committee_id, month, dict(zip(COLUMNS, values)))
        for committee_id, month, *values in qs.values_list("committee_id", "month", *COLUMNS)
    ]


def committee_year_values(committee, month, metric):
    qs = MetricValue.objects.filter(
        committee=committee, metric=metric.key, month__gte=month.replace(month=1), month__lte=month
    )
    return YearValues({m: values for _, m, values in year_rows(qs)})


def trend(year_values, month, metric, subtree_readable):
    """[(month, month value, year to date)] from January to `month`."""
    own = uses_own(metric, subtree_readable=subtree_readable)
    return [(m, *row_values(year_values.row(m), own)) for m in year_months(month)]


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
    """Per direct sub-committee: the month, the year to date, and each month's value (the heatmap). Only a
    reader of the whole subtree sees sub-committees: each figure is the metric's headline."""
    own = uses_own(metric, subtree_readable=True)
    rows_by_child = children_year_values(children, month, metric)
    result = []
    for child in children:
        by_month = rows_by_child.get(child.id, {})
        value, ytd = row_values(by_month.get(month), own)
        cells = [(m, row_values(by_month.get(m), own)[0]) for m in year_months(month)]
        result.append(BreakdownRow(child, value, ytd, cells))
    # Ranked: the largest month figure first (then the year to date, then tree order), as a leader reads a list.
    return sorted(result, key=lambda row: (-row.value, -row.ytd, row.committee.path))


# ---------------------------------------------------------------- the page, assembled


@dataclass
class DashboardPage:
    committee: object
    month: object
    subtree_readable: bool
    crumbs: list
    children: list
    status: object  # reports.freshness.Freshness: as of when, closed, current or not
    metrics: list
    figures: list  # reports.figures.Figure, as card_figures reads them for this reader
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
        return [f for f in self.figures if f.tally]

    @property
    def other_figures(self):
        return [f for f in self.figures if not f.tally]

    @property
    def rest_figures(self):
        """Every figure not in the headline row (grouped by the briefing)."""
        shown = {h.figure.key for h in self.headline}
        return [f for f in self.figures if f.key not in shown]


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
