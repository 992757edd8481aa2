"""The monthly bulletin (通报): sentences in the style of the document, and the tally table.

The figures come from the rollup tables through the same reader as the dashboard cards, so a bulletin
can never disagree with the dashboard. Every sentence is built from metrics of the registry; a metric
that is not registered (e.g. supervision not installed) simply drops its sentence or clause.

Headline figures are year to date: "截至2021年12月底" is January 1 to December 31.
"""
import calendar
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from committees.models import Campaign, CommitteeKind, Theme

from . import metrics as registry
from . import selectors

CHINESE_SMALL = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


@dataclass
class TableRow:
    key: str
    tally: str
    label: str
    unit: str
    value: object
    ytd: object


@dataclass
class Bulletin:
    committee: object
    month: object
    title: str
    paragraphs: list = field(default_factory=list)
    table: list = field(default_factory=list)


# ---------------------------------------------------------------- words


def _chinese():
    return (translation.get_language() or "").startswith("zh")


def number(n):
    if n is None:
        return "—"
    return str(n) if _chinese() else f"{n:,}"


def small_number(n):
    """"含两次专题读书班": small counts are written in words in Chinese."""
    return CHINESE_SMALL.get(n, str(n)) if _chinese() else str(n)


def large_number(n):
    """"参与人数达68万人次": round ten-thousands are written with 万 in Chinese."""
    if _chinese() and n >= 10_000 and n % 10_000 == 0:
        return f"{n // 10_000}万"
    return number(n)


def percent(value):
    if value is None:
        return "—"
    return f"{value:g}%"


def month_words(month):
    """"2021年12月" / "December 2021" (calendar names are English; Chinese writes the number)."""
    if _chinese():
        return f"{month.year}年{month.month}月"
    return f"{calendar.month_name[month.month]} {month.year}"


def group_name(committee):
    """How the document names the committee: "市委" for the city, the full name below it."""
    if committee.kind == CommitteeKind.CITY:
        return pgettext("bulletin", "the city committee")
    if committee.kind == CommitteeKind.PROVINCE:
        return pgettext("bulletin", "the provincial committee")
    return committee.name


AREA_MARKS = [
    ("街道", lambda: pgettext("bulletin area", "subdistrict-wide")),
    ("镇", lambda: pgettext("bulletin area", "town-wide")),
    ("乡", lambda: pgettext("bulletin area", "township-wide")),
    ("县", lambda: pgettext("bulletin area", "county-wide")),
    ("区", lambda: pgettext("bulletin area", "district-wide")),
    ("市", lambda: pgettext("bulletin area", "city-wide")),
]


def area_word(committee):
    """"全市", "全区", "全县" …: the whole area under the committee."""
    if committee.kind == CommitteeKind.CITY:
        return pgettext("bulletin area", "city-wide")
    if committee.kind == CommitteeKind.PROVINCE:
        return pgettext("bulletin area", "province-wide")
    if committee.kind == CommitteeKind.DEPARTMENT:
        return pgettext("bulletin area", "system-wide")
    # The county's own name says what it is: 龙沙区委 → 全区, 依安县委 → 全县, 讷河市委 → 全市.
    stem = committee.name.removesuffix("党工委").removesuffix("党委").removesuffix("委")
    for mark, word in AREA_MARKS:
        if stem.endswith(mark):
            return word()
    return pgettext("bulletin area", "system-wide")


# ---------------------------------------------------------------- figures


@dataclass
class Figures:
    """The figures of one committee and month, by key (metrics and ratios)."""

    by_key: dict
    ratios: dict

    def ytd(self, key):
        """Year to date, or None when no such metric is registered (its sentence is then skipped)."""
        figure = self.by_key.get(key) or self.ratios.get(key)
        return None if figure is None else figure.ytd

    def ytd_of_tally(self, tally):
        """The first figure (registry order) that reproduces a tally, when no key is agreed for it."""
        found = [f for f in [*self.by_key.values(), *self.ratios.values()] if f.metric.tally == tally]
        found.sort(key=lambda f: (f.metric.order, f.metric.key))
        return found[0].ytd if found else None


def read_figures(committee, month, subtree_readable=True):
    """The dashboard's cards (reports.figures underneath), so the bulletin never disagrees with them.
    A reader of one committee only (a secretary) gets the own-group figures and nothing about the
    committees under it."""
    metrics = registry.all_metrics()
    if not subtree_readable:
        metrics = [m for m in metrics if m.scope == registry.OWN]
    figures = selectors.card_figures(committee, month, metrics, subtree_readable)
    by_key = {f.metric.key: f for f in figures if not f.is_ratio}
    ratios = {f.metric.key: f for f in figures if f.is_ratio}
    return Figures(by_key, ratios)


def _tied_name(model, metric, prefix):
    """The campaign/theme a metric is tied to, by its filters (None when not tied to exactly one)."""
    values = selectors.filter_values(metric, prefix)
    if len(values) != 1:
        return None
    value = values.pop()
    found = model.objects.filter(code=value).first()
    if found is None and value.isdigit():
        found = model.objects.filter(pk=int(value)).first()
    return found.name if found else None


# ---------------------------------------------------------------- sentences


def _join(clauses):
    return pgettext("bulletin clause separator", ", ").join(c for c in clauses if c)


def _end(text):
    return text + pgettext("bulletin full stop", ".") if text else ""


def sentence_totals(fig, committee, month):
    """T1–T3: "截至2021年12月底,市委理论学习中心组集体学习8次(含两次专题读书班),全市…"."""
    own = fig.ytd("group_sessions")
    own_reading = fig.ytd("group_reading_classes")
    sessions, periods = fig.ytd("study_sessions"), fig.ytd("reading_class_periods")
    clauses = []
    if own is not None:
        clause = _("the theory study center group of %(group)s held %(count)s collective study sessions") % {
            "group": group_name(committee), "count": number(own),
        }
        if own_reading:
            clause += _(" (including %(count)s thematic reading classes)") % {"count": small_number(own_reading)}
        clauses.append(clause)
    if sessions is not None:
        clauses.append(_(
            "the center groups of party committees (leading party groups) at all levels %(area)s held "
            "%(count)s study sessions in total"
        ) % {"area": area_word(committee), "count": number(sessions)})
    if periods is not None:
        clauses.append(_("and held %(count)s reading classes") % {"count": number(periods)})
    if not clauses:
        return ""
    return _end(_("As of the end of %(month)s, ") % {"month": month_words(month)} + _join(clauses))


def sentence_campaign(fig, committee):
    """T4–T6: the campaign's thematic study sessions, reading classes and reflection articles."""
    sessions, classes = fig.ytd("campaign_thematic_sessions"), fig.ytd("campaign_reading_classes")
    articles = fig.ytd("campaign_reflection_articles")
    if not (sessions or classes or articles):
        return ""
    metric = next(fig.by_key[k].metric for k in ("campaign_thematic_sessions", "campaign_reading_classes",
                                                  "campaign_reflection_articles") if k in fig.by_key)
    campaign = _tied_name(Campaign, metric, "campaign") or pgettext("bulletin", "the study campaign")
    clauses = [_(
        "the center groups of party committees (leading party groups) at all levels %(area)s held "
        "%(count)s thematic study sessions of “%(campaign)s”"
    ) % {"area": area_word(committee), "count": number(sessions or 0), "campaign": campaign}]
    if classes is not None:
        clauses.append(_("held %(count)s thematic reading classes") % {"count": number(classes)})
    if articles is not None:
        clauses.append(_("and leading cadres wrote %(count)s reflection articles") % {"count": number(articles)})
    return _end(_join(clauses))


def sentence_outreach(fig):
    """T7–T8: outreach lectures by city-level and county-level leaders, with their audiences."""
    parts = []
    city, city_audience = fig.ytd("city_leader_lectures"), fig.ytd("city_leader_audience")
    if city:
        theme_metric = fig.by_key["city_leader_lectures"].metric
        theme = _tied_name(Theme, theme_metric, "theme") or pgettext("bulletin", "the Party's new theories")
        part = _("city-level leaders gave %(count)s outreach lectures on “%(theme)s”") % {
            "count": number(city), "theme": theme,
        }
        if city_audience is not None:
            part += _(", with an audience of %(count)s") % {"count": number(city_audience)}
        parts.append(part)
    county, county_audience = fig.ytd("county_leader_lectures"), fig.ytd("county_leader_audience")
    if county:
        part = _("county, district and city-department leadership members gave %(count)s lectures") % {
            "count": number(county),
        }
        if county_audience is not None:
            part += _(", with an audience of %(count)s") % {"count": number(county_audience)}
        parts.append(part)
    return _end(pgettext("bulletin semicolon", "; ").join(parts))


def sentence_lectures_and_field(fig, committee, month):
    """T9–T11: expert lectures, field-study person-times, research reports (each its own sentence)."""
    sentences = []
    experts = fig.ytd("expert_lectures")
    if experts:
        sentences.append(_(
            "Since the start of %(year)s, experts have been invited to give %(count)s lectures online and offline."
        ) % {"year": month.year, "count": number(experts)})
    field_study = fig.ytd("field_study_participants")
    if field_study:
        sentences.append(_(
            "Party organizations at all levels held immersive study activities with %(count)s participants "
            "(person-times)."
        ) % {"count": large_number(field_study)})
    reports = fig.ytd("research_reports")
    if reports:
        sentences.append(_(
            "Study-group members %(area)s carried out research on special topics and wrote %(count)s "
            "research reports."
        ) % {"area": area_word(committee), "count": number(reports)})
    return ("" if _chinese() else " ").join(capfirst(s) for s in sentences)


def sentence_supervision(fig):
    """T12–T14 (registered by supervision/assessment): sit-in visits, coverage, knowledge tests."""
    visits, coverage = fig.ytd("sit_in_visits"), fig.ytd_of_tally("T14")  # coverage: a percent
    rounds, person_tests = fig.ytd("test_rounds"), fig.ytd("person_tests")
    clauses = []
    if visits:
        clauses.append(_(
            "auditors have sat in on %(count)s study sessions and outreach lectures of party committees "
            "(leading party groups) at all levels"
        ) % {"count": number(visits)})
    if coverage is not None and coverage >= 100:
        clauses.append(_("covering every county-level and city-department study group"))
    elif coverage:
        clauses.append(_("covering %(percent)s of county-level and city-department study groups") % {
            "percent": percent(coverage),
        })
    if rounds:
        clause = _("%(rounds)s rounds of knowledge tests were held") % {"rounds": small_number(rounds)}
        if person_tests:
            clause += _(", testing %(count)s person-times sampled at random") % {"count": number(person_tests)}
        clauses.append(clause)
    return _end(_join(clauses))


def sentence_tasks(fig, committee):
    """T15 (registered by assessment): practical-matter tasks at city and county level, completion rate."""
    city, county = fig.ytd("city_tasks"), fig.ytd("county_tasks")
    rate = fig.ytd("task_completion_rate")
    if city and county:
        text = _("Practical-matter tasks: %(city)s at city level and %(county)s at county level") % {
            "city": number(city), "county": number(county),
        }
    elif city:
        text = _("Practical-matter tasks: %(city)s at city level") % {"city": number(city)}
    elif county:
        text = _("Practical-matter tasks %(area)s: %(county)s at county level") % {
            "area": area_word(committee), "county": number(county),
        }
    else:
        return ""
    if rate is not None:
        text += _(", with a completion rate of %(rate)s") % {"rate": percent(rate)}
    return _end(text)


# ---------------------------------------------------------------- the document


def table(fig):
    """The tally table: the figures that reproduce the document's tallies (T1–T15), registry order."""
    rows = []
    figures = [f for f in [*fig.by_key.values(), *fig.ratios.values()] if f.metric.tally]
    for item in sorted(figures, key=lambda f: (f.metric.order, f.metric.key)):
        metric = item.metric
        rows.append(TableRow(metric.key, metric.tally, str(metric.label), str(metric.unit), item.value, item.ytd))
    return rows


def build(committee, month, *, subtree_readable=True):
    """The bulletin of `committee` for `month`, in the active language."""
    fig = read_figures(committee, month, subtree_readable)
    paragraphs = [
        sentence_totals(fig, committee, month),
        sentence_campaign(fig, committee),
        sentence_outreach(fig),
        sentence_lectures_and_field(fig, committee, month),
        sentence_supervision(fig),
        sentence_tasks(fig, committee),
    ]
    title = _("Bulletin on the theory study of %(committee)s, %(month)s") % {
        "committee": committee.name, "month": month_words(month),
    }
    return Bulletin(committee, month, title, [capfirst(p) for p in paragraphs if p], table(fig))


def first_sentence(text):
    end = pgettext("bulletin full stop", ".")
    return text.split(end)[0] + end
