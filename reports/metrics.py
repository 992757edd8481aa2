"""The registry of metrics: one definition per figure.

The rollup job, the dashboard, the drill-down list, the exports, the `stats` command and the
bulletin all read this registry, so they can never disagree. Each metric says which rows it counts
(a source model and ORM filters on it), whether it counts rows or sums a field, and which DOMAIN.md
tally (T1–T15) it reproduces. Other apps add their metrics with `register()` (see supervision/metrics.py).
"""
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q, Sum

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

    @property
    def model(self):
        return apps.get_model(self.source)

    def q(self):
        return Q(**self.filters)

    def rows(self, queryset=None):
        """The source rows this metric counts (not yet narrowed to a committee or a period)."""
        qs = self.model._default_manager.all() if queryset is None else queryset
        return qs.filter(self.q())

    def aggregate_expression(self):
        if self.aggregate == SUM:
            return Sum(self.value_field)
        return Count("pk")


REGISTRY: dict[str, Metric] = {}


def register(*metrics):
    for metric in metrics:
        if metric.key in REGISTRY and REGISTRY[metric.key] != metric:
            raise ValueError(f"metric {metric.key!r} registered twice with different definitions")
        REGISTRY[metric.key] = metric


def get(key):
    return REGISTRY[key]


def all_metrics():
    return sorted(REGISTRY.values(), key=lambda m: (m.order, m.key))
