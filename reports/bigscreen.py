"""The big screen (数据大屏): the figures of a committee's subtree for a meeting-room display at 1920×1080.

Headline figures, the trend of the month, the ranking of the units below and a treemap of the subtree, all read
from the rollup tables through the registry (reports.figures.figures_for and reports/dashboard.py), so the
screen can never disagree with the dashboard, the bulletin or `stats`. The page is a shell that its script
refreshes from the JSON of the same view (`?format=json`) every REFRESH_SECONDS.

Who may see it: a reader of the committee's whole subtree (a leader, an auditor, an administrator); the rest
(a secretary, who reads their own committee only, and anyone outside) get the 404 of the scoping layer.
A fixed number of queries whatever the size of the subtree: the tree is read to TREE_DEPTH levels below the
committee and at most TREE_NODES committees.
"""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from committees.models import Committee

from . import briefing, dashboard, page_cache, scoping
from . import metrics as registry
from .figures import figures_for
from .forms import DashboardForm
from .models import MetricValue
from .months import default_month

REFRESH_SECONDS = 60
TREE_DEPTH = 2  # levels below the committee shown in the treemap
TREE_NODES = 300
RANKING_SIZE = 10
TREND_METRIC = "study_sessions"  # every group's study: the figure that says which unit reported nothing
FALLBACK_HEADLINE = ["group_sessions", "study_sessions", "reading_class_periods", "immersive_participants",
                     "sit_in_visits", "task_completion_rate"]


# ---------------------------------------------------------------- words


def _chinese():
    return briefing.speaks_chinese()


def figure_text(value, *, wan=False, percent=False):
    """As the dashboard writes it (reports.briefing): 10,902; 68万 for people in Chinese; 66.7%; — for none."""
    text = briefing.figure_text(value, wan=wan)
    return f"{text}%" if percent and value is not None else text


# ---------------------------------------------------------------- reads


def headline_keys():
    """The dashboard's headline figures (settings.DASHBOARD_HEADLINE), those the registry knows."""
    known = set(registry.REGISTRY) | set(registry.RATIOS) | set(registry.COVERAGES)
    keys = settings.DASHBOARD_HEADLINE or FALLBACK_HEADLINE
    return [key for key in dict.fromkeys(keys) if key in known]


def trend_metric():
    return registry.REGISTRY.get(TREND_METRIC) or dashboard.default_chosen(registry.all_metrics())


def headline(committee, month):
    read = figures_for(committee, month, keys=headline_keys())
    figures = []
    for figure in read.items:
        percent = figure.is_ratio
        wan = briefing.counts_people(figure.definition)
        figures.append({
            "key": figure.key, "label": str(figure.label), "unit": "" if percent else str(figure.unit),
            "value": figure.value, "text": figure_text(figure.value, wan=wan, percent=percent),
            "month": figure.month_value,
            "month_text": figure_text(figure.month_value, wan=wan, percent=percent),
        })
    return figures, read.as_of


def trend(committee, month, metric):
    values = dashboard.committee_year_values(committee, month, metric)
    return [{"month": f"{m:%Y-%m}", "label": f"{m.month}", "value": value, "ytd": ytd}
            for m, value, ytd in dashboard.trend(values, month, metric, True)]


def ranking(user, committee, month, metric):
    """The units directly below, by the year to date of `metric` (the figure shown), then the month's."""
    children = scoping.sub_committees(user, committee)
    rows = dashboard.breakdown(children, month, metric) if children else []
    rows = sorted(rows, key=lambda row: (-row.ytd, -row.value, row.committee.path))
    return [{"code": r.committee.code, "name": r.committee.name, "value": r.value, "ytd": r.ytd,
             "text": figure_text(r.ytd)} for r in rows[:RANKING_SIZE]], len(rows)


def tree(user, committee, month, metric):
    """The subtree to TREE_DEPTH levels below, nested, each node's year to date of `metric` (subtree figure)
    as its value: a treemap's parent is the sum of its children and its own group. Two queries."""
    nodes = list(
        Committee.objects.visible_to(user)
        .filter(path__startswith=committee.path, depth__lte=committee.depth + TREE_DEPTH, active=True)
        .order_by("path").only("id", "path", "depth", "code", "name")[:TREE_NODES]
    )
    stored = dict(
        MetricValue.objects.filter(committee_id__in=[n.id for n in nodes], month=month, metric=metric.key)
        .values_list("committee_id", "subtree_ytd")
    )
    by_path = {}
    root = None
    for node in nodes:
        item = {"name": node.name, "code": node.code, "value": stored.get(node.id, 0), "children": []}
        by_path[node.path] = item
        parent = by_path.get(node.path[:-Committee.steplen])
        if node.pk == committee.pk:
            root = item
        elif parent is not None:
            parent["children"].append(item)
    for item in by_path.values():
        if not item["children"]:
            del item["children"]
    return root


def screen(user, *, code=None, month=None):
    """Everything the big screen shows, as JSON-ready data (a fixed number of queries): a pure function of the stored
    figures of the committee's subtree and month, cached on their version (reports/page_cache.py)."""
    committee = scoping.committee_for(user, code)
    if not scoping.reads_subtree(user, committee):
        raise Http404  # the screen is the subtree's: a reader of one committee alone has its own pages
    # Without a month: the latest with figures, as the dashboard opens (a display left on follows the new month).
    month = month or briefing.latest_month_with_data(committee) or default_month()
    parts = (*page_cache.scope_parts(committee, True), f"{month:%Y-%m}", tuple(headline_keys()))
    return page_cache.cached("bigscreen", page_cache.version(month), parts, lambda: _screen(user, committee, month))


def _screen(user, committee, month):
    """Every committee below `committee` is in the user's scope (they read its subtree), so nothing here depends
    on who asks beyond that."""
    metric = trend_metric()
    figures, as_of = headline(committee, month)
    ranked, units = ranking(user, committee, month, metric) if metric else ([], 0)
    month_label = f"{month.year}年{month.month}月" if _chinese() else f"{month:%B %Y}"
    return {
        "committee": {"code": committee.code, "name": committee.name},
        "month": f"{month:%Y-%m}",
        "month_label": month_label,
        # A screen left on without ?month= moves to the next month by itself: the heading comes with the figures.
        "period_label": _("Year to date, as of the end of %(month)s") % {"month": month_label},
        "as_of": timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M") if as_of else None,
        "headline": figures,
        "metric": {"key": metric.key, "label": str(metric.label), "unit": str(metric.unit)} if metric else None,
        "trend": trend(committee, month, metric) if metric else [],
        "ranking": ranked,
        "units": units,
        "tree": tree(user, committee, month, metric) if metric else None,
        "labels": {"month": _("Month"), "ytd": _("Year to date")},
    }


# ---------------------------------------------------------------- the view


@login_required
@require_GET
def bigscreen(request):
    form = DashboardForm(request.GET)
    data = screen(request.user, code=form.value("committee"), month=form.value("month"))
    if request.GET.get("format") == "json":
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    query = request.GET.copy()
    query["format"] = "json"
    return render(request, "reports/bigscreen.html", {
        "data": data, "refresh": REFRESH_SECONDS,
        "data_url": f"{reverse('reports:bigscreen')}?{query.urlencode()}",
        "dashboard_url": f"{reverse('reports:dashboard')}?committee={data['committee']['code']}&month={data['month']}",
    })
