"""The dashboard's links and labels, built in Python once per page.

A dashboard shows a few hundred figures, each a link to its records (cards, breakdown, a heatmap cell
per sub-committee and month). Reversing a URL or formatting a month per cell in the template was most
of the page's time, so each metric's drill-down path is reversed once and each month formatted once;
a link is then only its query string. The template reads ready strings.
"""
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import briefing
from .briefing import change_text, counts_people, figure_text
from .figures import drill_key
from .forms import PERIOD_MONTH, PERIOD_YTD


def month_label(month):
    return f"{month:%Y-%m}"


def dashboard_url(committee, month, **extra):
    query = {"committee": committee.code, "month": month_label(month), **{k: v for k, v in extra.items() if v}}
    return f"{reverse('reports:dashboard')}?{urlencode(query)}"


KEY_SLOT = "metric-key-slot"  # reversed once per page, then replaced by each metric's key (a slug)


class Links:
    """The links of one dashboard page: the drill-down path reversed once, each committee code quoted
    once; a link is then one string (the same query string urlencode would build)."""

    def __init__(self, page):
        self.page = page
        self.month = month_label(page.month)
        self._drill_pattern = None
        self._codes = {}
        self._labels = {page.month: self.month}
        extra = {}
        if page.campaign:
            extra["campaign"] = page.campaign.code
        if page.theme:
            extra["theme"] = page.theme.code
        self._choice_kept = f"&{urlencode(extra)}" if extra else ""

    def code(self, committee):
        code = self._codes.get(committee.pk)
        if code is None:
            code = self._codes[committee.pk] = quote_plus(committee.code)
        return code

    def label(self, month):
        label = self._labels.get(month)
        if label is None:
            label = self._labels[month] = month_label(month)
        return label

    def drill_path(self, key):
        if self._drill_pattern is None:
            self._drill_pattern = reverse("reports:drilldown", args=[KEY_SLOT])
        return self._drill_pattern.replace(KEY_SLOT, key)

    def drill(self, key, committee, month=None, period=PERIOD_MONTH):
        label = self.month if month is None else self.label(month)
        return f"{self.drill_path(key)}?committee={self.code(committee)}&month={label}&period={period}"

    def committee(self, committee, **extra):
        """The dashboard of another committee, same month (relative: the page's own path)."""
        link = f"?committee={self.code(committee)}&month={self.month}"
        return f"{link}&{urlencode(extra)}" if extra else link

    def choose(self, key):
        """The same committee's dashboard with `key` as the chosen figure (campaign and theme kept)."""
        return f"{self.committee(self.page.committee)}&metric={quote_plus(key)}{self._choice_kept}"


@dataclass
class Card:
    """One figure as a card, every text and link ready (the template only places them)."""

    key: str
    label: str
    description: str
    tally: str
    unit: str
    chosen: bool
    is_ratio: bool = False
    value: object = None  # the month and the year to date, raw (a ratio: percentages, None: no denominator)
    ytd: object = None
    month_text: str = ""
    ytd_text: str = ""
    choose_url: str = ""
    month_exact: str = ""  # with 万 shown: the exact figure, for the title attribute
    ytd_exact: str = ""
    month_url: str = ""
    ytd_url: str = ""
    # A ratio: its two figures, each linking to its own records.
    numerator_label: str = ""
    denominator_label: str = ""
    denominator_unit: str = ""
    numerator_month_text: str = ""
    denominator_month_text: str = ""
    numerator_ytd_text: str = ""
    denominator_ytd_text: str = ""
    numerator_month_url: str = ""
    denominator_month_url: str = ""
    numerator_ytd_url: str = ""
    denominator_ytd_url: str = ""


def _number(value, wan=False):
    return figure_text(value, wan=wan)


def tooltip(metric):
    """A figure's title attribute: what it counts, and the document's tally code (T1–T15) for those who know it."""
    description = str(metric.description)
    return f"{metric.tally} · {description}" if metric.tally else description


def card(links, figure):
    page, metric = links.page, figure.definition
    # A ratio shows the two figures it divides; a coverage (a percentage too) is shown as a single figure.
    divides = figure.numerator is not None
    made = Card(
        key=metric.key, label=str(metric.label), description=tooltip(metric), tally=metric.tally or "",
        unit=str(metric.unit), chosen=metric == page.chosen, is_ratio=divides,
    )
    made.value, made.ytd = figure.month_value, figure.ytd_value  # raw, for the card's data-value
    if divides:
        num, den = figure.numerator, figure.denominator
        made.numerator_label, made.denominator_label = str(num.label), str(den.label)
        made.denominator_unit = str(den.unit)
        made.numerator_month_text, made.denominator_month_text = _number(num.month_value), _number(den.month_value)
        made.numerator_ytd_text, made.denominator_ytd_text = _number(num.ytd_value), _number(den.ytd_value)
        made.numerator_month_url = links.drill(num.key, page.committee)
        made.denominator_month_url = links.drill(den.key, page.committee)
        made.numerator_ytd_url = links.drill(num.key, page.committee, period=PERIOD_YTD)
        made.denominator_ytd_url = links.drill(den.key, page.committee, period=PERIOD_YTD)
    else:
        wan = counts_people(metric)
        made.month_text, made.ytd_text = _number(figure.month_value, wan), _number(figure.ytd_value, wan)
        made.month_exact, made.ytd_exact = _number(figure.month_value), _number(figure.ytd_value)
        made.choose_url = links.choose(figure.drill_key)
        made.month_url = links.drill(figure.drill_key, page.committee)
        made.ytd_url = links.drill(figure.drill_key, page.committee, period=PERIOD_YTD)
    return made


@dataclass
class BreakdownLine:
    row: object  # reports.dashboard.BreakdownRow: committee, value, ytd, cells
    committee_url: str
    month_url: str
    ytd_url: str
    heat_cells: str  # the row's heatmap cells, one link each (built here: ~150 cells a page)
    value_text: str = ""
    ytd_text: str = ""


def escape_quotes(text):
    """A translated text around already escaped parts, made safe for an attribute (a translation has no markup)."""
    return text.replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def heat_cell(path, code, name, label, value, current):
    """One heatmap cell: a month with records links to them; a red cell (nothing reported) links nowhere, since
    its drill-down would be an empty page."""
    chosen = " sg-heat-current" if current else ""
    if not value:
        title = _("%(name)s %(month)s: nothing reported") % {"name": name, "month": label}  # name escaped
        return f'<td class="text-center sg-heat-none{chosen}" title="{escape_quotes(title)}"><span>0</span></td>'
    return (f'<td class="text-center sg-heat-some{chosen}">'
            f'<a href="{path}?committee={code}&amp;month={label}&amp;period=month" '
            f'title="{name} {label}">{int(value)}</a></td>')


def heat_cells(links, key, committee, cells):
    """One sub-committee's heatmap cells. Built as one string (about 150 cells a page): the committee's name and
    the path are escaped, the rest is digits and the quoted committee code."""
    path, code, name = escape(links.drill_path(key)), links.code(committee), escape(committee.name)
    chosen = links.page.month
    return mark_safe("".join(
        heat_cell(path, code, name, links.label(month), value, month == chosen) for month, value in cells
    ))


def breakdown_line(links, row):
    key, committee = links.page.chosen.key, row.committee
    return BreakdownLine(
        row, links.committee(committee, metric=key), links.drill(key, committee),
        links.drill(key, committee, period=PERIOD_YTD), heat_cells(links, key, committee, row.cells),
        _number(row.value, counts_people(links.page.chosen)), _number(row.ytd, counts_people(links.page.chosen)),
    )


def dashboard_context(page):
    """Everything the dashboard template reads beyond `page` itself, with every link ready."""
    links = Links(page)
    breakdown = [breakdown_line(links, row) for row in page.breakdown]
    return {
        "ym": links.month,
        "heat_months": [m.month for m in page.months],
        "crumb_links": [(crumb, links.committee(crumb)) for crumb in page.crumbs],
        "child_links": [(child, links.committee(child)) for child in page.children],
        "headline_cards": [headline_card(links, item) for item in page.headline],
        "groups": briefing.grouped((card(links, f), f.definition) for f in page.rest_figures),
        "figure_choices": [(m.key, str(m.label)) for m in page.metrics],
        "silent_links": [(unit, links.committee(unit.committee)) for unit in page.silent[:briefing.SILENT_LIMIT]],
        "silent_more": len(page.silent) > briefing.SILENT_LIMIT,
        "silent_days": briefing.silent_days(),
        "breakdown_lines": breakdown,
        "chart_data": chart_data(links, breakdown),
    }


@dataclass
class HeadlineCard:
    """One figure of the headline row, texts and links ready: the year to date large, with its change against the
    same months of last year; the month below, with its change against last month."""

    key: str
    label: str
    title: str
    unit: str
    ytd: object  # raw, for data-value (the registry's headline)
    month: object
    ytd_text: str
    ytd_exact: str
    month_text: str
    has_month: bool
    month_change: object
    year_change: object
    month_change_text: str
    year_change_text: str
    ytd_url: str
    month_url: str


def _change(item, value, wan):
    """A change as text; a percentage's in percentage points (+2.5 个百分点)."""
    text = change_text(value, wan=wan)
    if item.is_ratio and value:
        return _("%(change)s percentage points") % {"change": text}
    return text


def headline_card(links, item):
    metric, figure, page = item.metric, item.figure, links.page
    wan = counts_people(metric)
    key = drill_key(metric)
    return HeadlineCard(
        key=metric.key, label=str(metric.label), title=tooltip(metric),
        unit=str(metric.unit),
        ytd=figure.ytd_value, month=figure.month_value, ytd_text=_number(figure.ytd_value, wan),
        ytd_exact=_number(figure.ytd_value), month_text=_number(figure.month_value, wan), has_month=item.has_month,
        month_change=item.month_change, year_change=item.year_change,
        month_change_text=_change(item, item.month_change, wan), year_change_text=_change(item, item.year_change, wan),
        ytd_url=links.drill(key, page.committee, period=PERIOD_YTD), month_url=links.drill(key, page.committee),
    )


def chart_data(links, breakdown):
    """What the ECharts script draws, with the drill-down URL of every bar and point (the trend's
    points are the heatmap's months of the committee itself; the bars, the breakdown's month links)."""
    page = links.page
    if page.chosen is None:
        return {}
    key, committee = page.chosen.key, page.committee
    return {
        "metric": str(page.chosen.label),
        "unit": str(page.chosen.unit),
        "labels": {"month": _("Month"), "ytd": _("Year to date")},
        "trend": [
            {"month": links.label(m), "value": v, "ytd": y, "url": links.drill(key, committee, m)}
            for m, v, y in page.trend
        ],
        "breakdown": [
            {"name": line.row.committee.name, "value": line.row.value, "url": line.month_url} for line in breakdown
        ],
    }
