"""The monthly bulletin (通报): the outline's paragraphs printed with the figures, and the tally table.

The text is data: a bulletin outline (reports/outline_models.py, grammar in reports/outline.py) written by the
committee's administrator, or inherited, or the default that reproduces the 2021 document. Its placeholders are
read with reports.figures.figures_for, the reader of the dashboard and `stats`, so a bulletin can never disagree
with them. A figure that is not registered (e.g. supervision not installed) drops its optional part.

Headline figures are year to date: "截至2021年12月底" is January 1 to December 31.
"""
import calendar
import dataclasses
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import pgettext

from committees.models import CommitteeKind

from . import metrics as registry
from . import outline as grammar
from . import page_cache
from .figures import card_figures, figures_for
from .scoping import uses_own

CHINESE_SMALL = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


@dataclass
class TableRow:
    key: str
    tally: str
    label: str
    unit: str
    value: object
    ytd: object

    @property
    def value_text(self):
        return table_number(self.value)

    @property
    def ytd_text(self):
        return table_number(self.ytd)


def table_number(value):
    """A figure of the table: 10,902 with thousands separators in every language (a ratio: 66.7), — for none."""
    if value is None:
        return "—"
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


@dataclass
class Bulletin:
    committee: object
    month: object
    title: str
    paragraphs: list = field(default_factory=list)
    table: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)  # {key: reports.figures.Figure} the text used
    warnings: list = field(default_factory=list)  # [(paragraph number, [figure keys it could not show])]
    outline: object = None  # the BulletinOutline printed
    published: object = None  # the PublishedBulletin shown, when the month's bulletin is published


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


def read_figures(committee, month, subtree_readable=True):
    """The dashboard's cards (reports.figures.card_figures), so the bulletin never disagrees with them.
    A reader of one committee only (a secretary) gets the own-group figures and nothing about the
    committees under it."""
    metrics = registry.all_metrics()
    if not subtree_readable:
        metrics = [m for m in metrics if m.scope == registry.OWN]
    return card_figures(committee, month, metrics, subtree_readable)


# ---------------------------------------------------------------- the document


def table(figures):
    """The tally table: the figures that reproduce the document's tallies (T1–T15), registry order."""
    tallies = sorted((f for f in figures if f.tally), key=lambda f: (f.definition.order, f.key))
    return [TableRow(f.key, f.tally, str(f.label), str(f.unit), f.month_value, f.ytd_value) for f in tallies]


def build(committee, month, *, subtree_readable=True, outline=None):
    """The bulletin of `committee` for `month`: the outline in effect (the committee's, the nearest ancestor's
    or the default, in the active language) printed with the month's figures, and the tally table."""
    from .outline_services import outline_in_effect

    if outline is None:
        outline = outline_in_effect(committee, month.year).outline
    document = render(committee, month, title=outline.title, texts=outline.texts, language=outline.language,
                      subtree_readable=subtree_readable)
    document.outline = outline
    return document


def build_cached(committee, month, *, subtree_readable=True):
    """`build`, cached on the rollup's version of the month's figures and the outline in effect (its id and when it
    was saved): what the page and the downloads print (title, paragraphs, table, warnings), without the Figure
    objects, which hold the registry's lazy labels (reports/page_cache.py)."""
    from .outline_services import outline_in_effect

    outline = outline_in_effect(committee, month.year).outline
    parts = (*page_cache.scope_parts(committee, subtree_readable), f"{month:%Y-%m}", outline.pk,
             outline.language, outline.updated_at.isoformat())

    def printed():
        document = build(committee, month, subtree_readable=subtree_readable, outline=outline)
        return dataclasses.replace(document, figures={}, outline=None)

    return page_cache.cached("bulletin", page_cache.version(month), parts, printed)


def render(committee, month, *, title, texts, language, subtree_readable=True):
    """Print an outline's title and paragraphs (saved or not: the editor's preview) for a committee and month.
    Its placeholders are printed in the outline's own language (numbers, month, area), whatever the page's."""
    keys = [key for text in [title, *texts] for key in named_keys(text)]
    figures = outline_figures(committee, month, keys, subtree_readable)
    with translation.override(language):
        context = outline_context(committee, month)
        printer = _Printer(figures)
        heading = printer.print(title, context)
        printed = [printer.print(text, context) for text in texts]
    from .outline_services import figure_keys

    known = figure_keys()
    warnings = [(n + 1, [k for k in p.missing if k not in known]) for n, p in enumerate(printed)]
    used = {key: figures[key] for key in dict.fromkeys(keys) if key in figures}
    return Bulletin(
        committee, month, capfirst(heading.text or title_fallback(committee, month, language)),
        [capfirst(p.text) for p in printed if p.text], table(read_figures(committee, month, subtree_readable)),
        figures=used, warnings=[(n, keys) for n, keys in warnings if keys],
    )


def named_keys(text):
    """The figure keys a text names (none when it cannot be parsed: it is then left out, see _Printer)."""
    try:
        return [p.name for p in grammar.placeholders(grammar.parse(text)) if not p.is_context]
    except grammar.OutlineError:
        return []


def title_fallback(committee, month, language):
    with translation.override(language):
        return f"{committee.name} · {month_words(month)}"


def outline_context(committee, month):
    return {
        "month": month_words(month), "year": str(month.year), "committee": committee.name,
        "group": group_name(committee), "area": area_word(committee),
    }


def outline_figures(committee, month, keys, subtree_readable):
    """{key: reports.figures.Figure} of the keys, as the reader may see them: a reader of the committee alone (a
    secretary) sees its own group's figures and nothing of the committees under it."""
    wanted = [key for key in dict.fromkeys(keys)]
    if not wanted:
        return {}
    read = figures_for(committee, month, keys=wanted)
    return {
        f.key: f.shown(uses_own(f.definition, subtree_readable=subtree_readable))
        for f in read.items if subtree_readable or f.scope == registry.OWN
    }


class _Printer:
    def __init__(self, figures):
        self.figures = figures
        self.percentages = {k for k, f in figures.items() if f.is_ratio}

    def print(self, text, context):
        try:
            return grammar.render(text, context=context, value_of=self.value_of, shown=self.shown)
        except grammar.OutlineError:  # saved before a rule changed: left out, never printed half
            return grammar.Printed(None)

    def value_of(self, placeholder):
        figure = self.figures.get(placeholder.name)
        if figure is None:
            return None
        value = figure.month_value if grammar.MONTH in placeholder.formats else figure.value
        if value is not None and grammar.FULL in placeholder.formats and value < 100:
            return None  # "全覆盖" only when it is
        if value is not None and grammar.PARTIAL in placeholder.formats and value >= 100:
            return None
        return value

    def shown(self, placeholder, value):
        if grammar.FULL in placeholder.formats:
            return ""
        if placeholder.name in self.percentages:
            return percent(value)
        if grammar.WORDS in placeholder.formats:
            return small_number(value)
        if grammar.WAN in placeholder.formats:
            return large_number(value)
        return number(value)


def first_sentence(text):
    end = pgettext("bulletin full stop", ".")
    return text.split(end)[0] + end
