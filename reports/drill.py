"""The drill-down: exactly the records behind a figure, narrowed to the user's scope, and the figure they add up to
(the stored one when the month is current, else counted from the rows).

Own group or subtree: reports.scoping.uses_own, the choice the figure on the dashboard was made with.
"""
from dataclasses import dataclass

from django.db.models import Count, Subquery, Sum
from django.http import Http404

from committees import policy

from . import freshness
from . import metrics as registry
from .forms import PERIOD_YTD
from .models import MetricValue
from .scoping import uses_own


def get_metric(key):
    try:
        return registry.get(key)
    except KeyError:
        raise Http404


def drill_rows(user, metric, committee, month, period):
    """Exactly the rows the figure counts: the metric's own records for the committee (own group or
    subtree, as the metric defines it) and the period, narrowed to the user's scope. A secretary's
    figures are their own group's, and so are their rows."""
    qs = metric.records(
        committee, month, own=uses_own(metric, user=user, committee=committee), ytd=period == PERIOD_YTD,
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
    user who reads the whole subtree (`uses_own`)."""
    own = uses_own(metric, user=user, committee=committee)
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
