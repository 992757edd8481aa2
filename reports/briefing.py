"""The leader's briefing on the dashboard: the month it opens on, the headline row with its changes, the other
figures grouped, the silent units, and numbers as Chinese readers write them.

Every figure here is read from the rollup tables through the registry (reports.figures.figures_for or the
MetricValue rows the dashboard already read): a change is the difference of two stored figures, never a count of
its own. The silent units are a list of committees (not a figure): those whose own group's collective study, as
the registry's `group_sessions` metric defines it, has no session in the last N days.
"""
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from committees.models import Committee

from . import metrics as registry
from .figures import figures_for
from .models import MetricValue
from .months import current_month, month_end, previous_month
from .scoping import uses_own

# ---------------------------------------------------------------- numbers

WAN = 10_000
# Sums of people (audience, participants) read as 万 in Chinese from ten thousand up: 680,000 → 68万.
PEOPLE_FIELDS = {"participant_count", "audience_count"}


def counts_people(definition):
    return getattr(definition, "aggregate", None) == registry.SUM and definition.value_field in PEOPLE_FIELDS


def speaks_chinese():
    return (get_language() or "").lower().startswith("zh")


def figure_text(value, *, wan=False):
    """A figure as a reader expects it: 10,902; a ratio's 66.7; with `wan` in Chinese 68万 / 12.35万; — for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if wan and abs(value) >= WAN and speaks_chinese():
        return f"{value / WAN:,.2f}".rstrip("0").rstrip(".") + "万"
    return f"{value:,}"


def change_text(value, *, wan=False):
    """A change with its sign: +1,234, −56, 0 (a ratio's in points: +2.5); — when it cannot be said."""
    if value is None:
        return "—"
    if not value:
        return "0"
    sign = "+" if value > 0 else "−"
    return sign + figure_text(abs(value), wan=wan)


# ---------------------------------------------------------------- the month the dashboard opens on


RECORDS_SOURCE = "sessions_app.Activity"  # what was held; filings and tasks are dated by plan and due date


def latest_month_with_data(committee):
    """The latest month, up to this one, in which the rollup stored a non-zero figure of the study records (what
    was held: not a filing planned or a task falling due later this month) for the committee, own group or
    subtree; None when there is none. One query on the (committee, month, metric) index."""
    keys = [m.key for m in registry.all_metrics() if m.source == RECORDS_SOURCE]
    return (
        MetricValue.objects.filter(committee=committee, month__lte=current_month(), metric__in=keys)
        .filter(Q(own__gt=0) | Q(subtree__gt=0))
        .aggregate(latest=Max("month"))["latest"]
    )


# ---------------------------------------------------------------- headline


def headline_keys(shown_keys):
    """The configured headline keys (settings.DASHBOARD_HEADLINE) that the page shows, in their order."""
    shown = set(shown_keys)
    keys = []
    for key in getattr(settings, "DASHBOARD_HEADLINE", []):
        if key in shown and key not in keys:
            keys.append(key)
    return keys


def figures_at(committee, month, keys, subtree_readable):
    """{key: (month value, year to date)} of `keys` for one month, as the dashboard's cards read them (figures_for,
    own group or subtree as reports.scoping.uses_own chooses; a coverage only for a reader of the whole subtree).
    A month the rollup never computed (before the portal was in use) has no figures to compare with: every value
    is None."""
    keys = [key for key in keys if subtree_readable or key not in registry.COVERAGES]
    read = figures_for(committee, month, keys=keys)
    if read.as_of is None:
        return {key: (None, None) for key in keys}
    shown = (f.shown(uses_own(f.definition, subtree_readable=subtree_readable)) for f in read.items)
    return {f.key: (f.month_value, f.ytd_value) for f in shown}


def difference(now, then):
    if now is None or then is None:
        return None
    change = now - then
    return round(change, 1) if isinstance(change, float) else change


@dataclass
class Headline:
    """One figure of the headline row, with its change against last month and the same month last year."""

    figure: object  # reports.figures.Figure, as the card shows it
    previous: tuple  # (month value, year to date) of last month
    last_year: tuple  # the same, of the same month a year before

    @property
    def metric(self):
        return self.figure.definition

    @property
    def is_ratio(self):
        return isinstance(self.metric, (registry.Ratio, registry.Coverage))

    @property
    def has_month(self):
        return not isinstance(self.metric, registry.Coverage)

    @property
    def month_change(self):
        """Month on month (环比): this month's figure − last month's (a coverage: its year to date)."""
        if not self.has_month:
            return difference(self.figure.ytd_value, self.previous[1])
        return difference(self.figure.month_value, self.previous[0])

    @property
    def year_change(self):
        """Year on year (同比): the year to date − the same months of last year."""
        return difference(self.figure.ytd_value, self.last_year[1])


def same_month_last_year(month):
    return month.replace(year=month.year - 1)


def headline(page):
    """The headline row of a dashboard page: the configured figures the page shows, each with the stored figures
    of last month and of the same month last year (two reads of figures_for)."""
    by_key = {f.key: f for f in page.figures}
    keys = headline_keys(by_key)
    if not keys:
        return []
    before, year_ago = previous_month(page.month), same_month_last_year(page.month)
    previous = figures_at(page.committee, before, keys, page.subtree_readable)
    last_year = figures_at(page.committee, year_ago, keys, page.subtree_readable)
    return [
        Headline(by_key[key], previous.get(key, (None, None)), last_year.get(key, (None, None)))
        for key in keys if key in previous
    ]


# ---------------------------------------------------------------- the rest, grouped

STUDY, OUTREACH, SUPERVISION, PRACTICAL, OTHER = "study", "outreach", "supervision", "practical", "other"
GROUPS = [
    (STUDY, _("Study")),
    (OUTREACH, _("Outreach")),
    (SUPERVISION, _("Supervision and tests")),
    (PRACTICAL, _("Practical matters")),
    (OTHER, _("Other campaigns and themes")),
]
OUTREACH_KEYS = {"immersive_participants", "outreach_lectures", "outreach_audience"}
OUTREACH_TEMPLATES = {
    "outreach_lectures", "city_leader_lectures", "city_leader_audience", "county_leader_lectures", "county_leader_audience",
}
SUPERVISION_KEYS = {"sessions_with_filing", "sessions_without_filing", "filing_kind_sessions", "filing_compliance"}
PRACTICAL_MODELS = {"assessment.PracticalTask"}


def group_of(definition):
    """Which group of the briefing a figure belongs to (a ratio and a coverage: that of the metric they read)."""
    if isinstance(definition, registry.Ratio):
        return group_of(registry.get(definition.numerator))
    if isinstance(definition, registry.Coverage):
        return group_of(registry.get(definition.metric))
    if definition.template_dimension and not definition.tally:
        return OTHER  # a campaign or theme the document does not tally: folded at the end
    if definition.source in PRACTICAL_MODELS:
        return PRACTICAL
    if definition.source.split(".")[0] in ("supervision", "assessment") or definition.key in SUPERVISION_KEYS:
        return SUPERVISION
    name = definition.key.rsplit(".", 1)[-1]
    if definition.key in OUTREACH_KEYS or (definition.template_dimension and name in OUTREACH_TEMPLATES):
        return OUTREACH
    return STUDY


@dataclass
class Group:
    key: str
    label: object
    cards: list


def grouped(cards_with_definitions):
    """[(card, definition)] → the non-empty groups, in the briefing's order, each keeping the registry's order."""
    by_group = {key: [] for key, _label in GROUPS}
    for card, definition in cards_with_definitions:
        by_group[group_of(definition)].append(card)
    return [Group(key, label, by_group[key]) for key, label in GROUPS if by_group[key]]


# ---------------------------------------------------------------- silent units

SILENT_LIMIT = 50
SILENCE_METRIC = "group_sessions"  # the committee's own group's collective study, reading classes included


def silent_days():
    return settings.SILENT_DAYS


def as_of(month):
    """The day a month's silence is counted to: its last day, or today for the current month."""
    return min(month_end(month), timezone.localdate())


@dataclass
class SilentUnit:
    committee: object
    last_study: object  # the date of its last collective study up to the day counted to, or None: never
    days: int | None  # days since then (None: never)


def silent_committees(committees, end, days):
    """Of `committees`, the active ones whose own group held no collective study (SILENCE_METRIC, the registry's
    definition) in the `days` days up to `end`, annotated with `last_study` (None: never). The dashboard's silent
    units and the reminders (reminders/rules.py) both ask here."""
    metric = registry.get(SILENCE_METRIC)
    since = end - datetime.timedelta(days=days - 1)
    last = (
        metric.rows().filter(**{metric.committee_field: OuterRef("pk"), f"{metric.date_field}__lte": end})
        .order_by(f"-{metric.date_field}").values(metric.date_field)[:1]
    )
    return (
        committees.filter(active=True).annotate(last_study=Subquery(last))
        .filter(Q(last_study__isnull=True) | Q(last_study__lt=since))
    )


def silent_units(committee, month, *, days=None, limit=SILENT_LIMIT):
    """The active committees of `committee`'s subtree (itself included) whose own group held no collective study
    in the `days` days up to the month's end (or today), never-studied first, then the longest silent; at most
    `limit` (+1, to say there are more). One query."""
    days = silent_days() if days is None else days
    end = as_of(month)
    rows = (
        silent_committees(Committee.objects.filter(path__startswith=committee.path), end, days)
        .order_by(F("last_study").asc(nulls_first=True), "path")[:limit + 1]
    )
    return [SilentUnit(c, c.last_study, None if c.last_study is None else (end - c.last_study).days) for c in rows]
