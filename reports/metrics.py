"""The registry of metrics: one definition per figure.

The rollup job, the dashboard, the drill-down list, the exports, the `stats` command and the
bulletin all read this registry, so they can never disagree. Each metric says which rows it counts
(a source model and ORM filters on it), whether it counts rows or sums a field, and which DOMAIN.md
tally (T1–T15) it reproduces. Other apps add their metrics with `register()` (see supervision/metrics.py).

A `Ratio` (e.g. first-agenda compliance) is not stored: it is numerator / denominator of two metrics,
computed when the figures are read (reports.figures).
"""
from dataclasses import dataclass, field

from django.apps import apps
from django.db import DatabaseError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from .months import month_end

COUNT = "count"
SUM = "sum"
OWN = "own"  # the figure is the committee's own study group (e.g. T1)
SUBTREE = "subtree"  # the figure is everything under the committee (e.g. T2)


@dataclass(frozen=True)
class Metric:
    key: str  # stable: used in URLs, rollup rows, `stats --json`
    label: object  # lazy translation
    source: str  # "app_label.Model" of the rows counted
    filters: dict = field(default_factory=dict)  # ORM lookups on the source that select the rows
    aggregate: str = COUNT  # COUNT rows, or SUM `value_field`
    value_field: str = ""  # summed field when aggregate == SUM
    date_field: str = "held_on"  # which date puts a row in a month
    committee_field: str = "committee"  # which committee the row belongs to
    scope: str = SUBTREE  # which figure is the headline: OWN group or whole SUBTREE
    unit: object = ""  # lazy translation: 次, 期, 人次, 篇 …
    tally: str | None = None  # the DOMAIN.md figure it reproduces ("T2"), or None
    description: object = ""  # lazy translation: what it counts, for the README and tooltips
    order: int = 100
    # Optional: a stored "first day of the month" column of the source (indexed), used instead of a
    # date range on `date_field` so the rollup reads a month through an index (Activity.month).
    month_field: str = ""
    # For an instance of a Template: "campaign" or "theme", whose code is part of the key.
    template_dimension: str = ""

    @property
    def model(self):
        return apps.get_model(self.source)

    def q(self):
        return Q(**self.filters)

    def rows(self, queryset=None):
        """The source rows this metric counts (not yet narrowed to a committee or a period)."""
        qs = self.model._default_manager.all() if queryset is None else queryset
        return qs.filter(self.q())

    def aggregate_expression(self, filter=None):
        if self.aggregate == SUM:
            return Coalesce(Sum(self.value_field, filter=filter), 0)
        return Count("pk", filter=filter)

    @property
    def headline_field(self):
        """The MetricValue column of the headline figure: year to date, own group or whole subtree."""
        return "own_ytd" if self.scope == OWN else "subtree_ytd"

    @property
    def month_value_field(self):
        return "own" if self.scope == OWN else "subtree"

    def period_q(self, start, end):
        """Rows dated in [start, end)."""
        return Q(**{f"{self.date_field}__gte": start, f"{self.date_field}__lt": end})

    def months_q(self, first_month, last_month):
        """Rows dated in the months first..last, both included (no date past December 9999 is made)."""
        return Q(**{f"{self.date_field}__gte": first_month, f"{self.date_field}__lte": month_end(last_month)})

    def records(self, committee, month, *, own=None, ytd=True, queryset=None):
        """The rows behind one figure (drill-down): the committee's own group or its subtree, one month
        or January..month. `own` defaults to the metric's scope."""
        own = self.scope == OWN if own is None else own
        last = month.replace(day=1)
        start = last.replace(month=1) if ytd else last
        if self.month_field:
            # Whole months: the stored, indexed month column (as the rollup reads them), not a date range.
            period = Q(**{f"{self.month_field}__gte": start, f"{self.month_field}__lte": last})
        else:
            period = self.months_q(start, last)
        qs = self.rows(queryset).filter(period)
        if own:
            return qs.filter(**{self.committee_field: committee})
        return qs.filter(**{f"{self.committee_field}__path__startswith": committee.path})


@dataclass(frozen=True)
class Ratio:
    """A derived figure: numerator / denominator (both metric keys), as a percentage, read time only."""

    key: str
    label: object
    numerator: str
    denominator: str
    unit: object = "%"
    tally: str | None = None
    description: object = ""
    order: int = 100

    @property
    def scope(self):
        return get(self.numerator).scope

    def value(self, numerator, denominator):
        if not denominator:
            return None
        return round(100 * numerator / denominator, 1)


@dataclass(frozen=True)
class Coverage:
    """A derived figure: the share of the subtree's committees at `depth` (absolute: 2 = county-level groups
    and city departments under the city) whose year-to-date `metric` is not zero, read time only. T14's
    "全覆盖" is the share of county-level and department groups visited at least once in the year."""

    key: str
    label: object
    metric: str  # a stored metric key, e.g. "sit_in_visits"
    depth: int = 2
    unit: object = "%"
    tally: str | None = None
    description: object = ""
    order: int = 100
    scope: str = SUBTREE

    def value(self, covered, total):
        if not total:
            return None
        return round(100 * covered / total, 1)


REGISTRY: dict[str, Metric] = {}
RATIOS: dict[str, Ratio] = {}
COVERAGES: dict[str, Coverage] = {}


def register(*metrics):
    """Register Metric (stored by the rollup) and Ratio (derived at read time) definitions."""
    for metric in metrics:
        target = RATIOS if isinstance(metric, Ratio) else COVERAGES if isinstance(metric, Coverage) else REGISTRY
        if metric.key in REGISTRY.keys() | RATIOS.keys() | COVERAGES.keys() and target.get(metric.key) != metric:
            raise ValueError(f"metric {metric.key!r} registered twice with different definitions")
        target[metric.key] = metric


def get(key):
    """A stored metric by key: a registered one, or an instance of a template (`campaign.<code>.<template>`)."""
    if key in REGISTRY:
        return REGISTRY[key]
    found = _instances().get(key)
    if found is None:
        raise KeyError(key)
    return found


def get_ratio(key):
    return RATIOS[key]


def all_metrics(*, instances=True):
    """Every stored metric: the registered ones and (unless `instances=False`) one per campaign or theme and
    template. The instances follow the campaigns and themes in the database (see `_instances`)."""
    found = list(REGISTRY.values()) + (list(_instances().values()) if instances else [])
    return sorted(found, key=lambda m: (m.order, m.key))


def known_keys():
    """Every figure key a page, an outline or `stats` may name now."""
    return set(REGISTRY) | set(RATIOS) | set(COVERAGES) | set(_instances())


# ---------------------------------------------------------------- templates: figures of campaigns and themes


@dataclass(frozen=True)
class Template:
    """A figure every campaign (or theme) gets without code: `campaign.<code>.<name>` counts the records tagged
    with it. `filters` narrow the records (kind, lecturer level); the campaign or theme itself is the row's
    own column, so the marking triggers need nothing per campaign."""

    name: str  # the key's last part
    dimension: str  # "campaign" or "theme": the Activity column the instance filters on
    label: object  # lazy translation with %(name)s: the campaign's or theme's name
    filters: dict = field(default_factory=dict)
    aggregate: str = COUNT
    value_field: str = ""
    unit: object = ""
    scope: str = SUBTREE
    description: object = ""
    order: int = 0

    def key(self, code):
        return f"{self.dimension}.{code}.{self.name}"

    def instance(self, obj, *, tally=None, order=0):
        from django.utils.functional import lazy

        name = obj.name
        label = lazy(lambda: str(self.label) % {"name": name}, str)()
        return Metric(
            key=self.key(obj.code), label=label, source=TEMPLATE_SOURCE, filters={**self.filters, self.dimension: obj.pk},
            aggregate=self.aggregate, value_field=self.value_field, date_field="held_on", month_field="month",
            committee_field="committee", scope=self.scope, unit=self.unit, tally=tally,
            description=self.description, order=order, template_dimension=self.dimension,
        )


TEMPLATE_SOURCE = "sessions_app.Activity"
TEMPLATES: dict[str, Template] = {}
TEMPLATE_TALLIES: dict[str, str] = {}  # instance key → the document's tally it reproduces ("T4")
INSTANCE_TTL = 30  # seconds another process may take to see a new campaign's figures (this one: at once)
_cache = {"at": None, "instances": {}}


def register_templates(*templates, tallies=None):
    for template in templates:
        TEMPLATES[f"{template.dimension}.{template.name}"] = template
    TEMPLATE_TALLIES.update(tallies or {})
    forget_instances()


def forget_instances(**kwargs):
    """A campaign or theme was saved or deleted (connected in ReportsConfig.ready)."""
    _cache["at"] = None


def _instances():
    import time

    now = time.monotonic()
    if _cache["at"] is None or now - _cache["at"] > INSTANCE_TTL:
        _cache["instances"] = _load_instances()
        _cache["at"] = now
    return _cache["instances"]


def _load_instances():
    if not TEMPLATES or not apps.ready:
        return {}
    from committees.models import Campaign, Theme

    found = {}
    try:
        with transaction.atomic():  # a savepoint: a failure here never aborts the caller's transaction
            rows = {"campaign": list(Campaign.objects.order_by("-starts_on", "code")),
                    "theme": list(Theme.objects.order_by("code"))}
    except DatabaseError:  # before migrate, or a broken connection: the registered metrics still work
        return {}
    for template in TEMPLATES.values():
        for n, obj in enumerate(rows[template.dimension]):
            tally = TEMPLATE_TALLIES.get(template.key(obj.code))
            # The document's figures keep their place among the tallies; the others follow, newest first.
            order = template.order if tally else 1000 + 20 * n + template.order % 20
            found[template.key(obj.code)] = template.instance(obj, tally=tally, order=order)
    return found


def template_shapes():
    """One instance per template with a placeholder row: what the marking triggers derive from."""
    class Placeholder:
        pk, code, name = 0, "placeholder", "placeholder"

    return [t.instance(Placeholder) for t in TEMPLATES.values()]


def all_ratios():
    return sorted(RATIOS.values(), key=lambda m: (m.order, m.key))


def all_coverages():
    return sorted(COVERAGES.values(), key=lambda m: (m.order, m.key))
