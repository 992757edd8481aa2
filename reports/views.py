"""The leader's pages: dashboard, drill-down (with CSV/XLSX export) and the bulletin (通报)."""
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from committees.scope import scope_for
from studygroup.audit import log_export

from . import briefing, drill, exports, page_cache, scoping
from . import metrics as registry
from .dashboard import dashboard_page
from .forms import PERIOD_MONTH, PERIOD_YTD, DashboardForm, DrilldownForm, parse_month
from .months import default_month
from .presentation import dashboard_context, dashboard_url
from .views_bulletin import bulletin, outline_copy, outline_edit, publish  # noqa: F401  (the bulletin's pages)

DRILL_PAGE_SIZE = 50


@login_required
@require_GET
def dashboard(request):
    form = DashboardForm(request.GET)
    scope = scope_for(request.user)
    committee = scoping.committee_for(request.user, form.value("committee"))
    # Without a month: the latest with figures (after loading the 2021 scenario: 2021-12, not an empty today).
    month = form.value("month") or briefing.latest_month_with_data(committee) or default_month()
    choice = {"metric_key": form.value("metric"), "campaign_code": form.value("campaign"),
              "theme_code": form.value("theme")}
    # Leaders and administrators land here (sessions_app home): whoever writes records keeps a way to them.
    writes = bool(scope.is_admin or scope.write_ids or scope.admin_paths)

    def content(status=None):
        page = dashboard_page(request.user, committee=committee, month=month, status=status, **choice)
        return render_to_string("reports/_dashboard.html", {
            "page": page, "form": form, "is_admin": scope.is_admin, "writes": writes, **dashboard_context(page),
        }, request if scope.is_admin else None)

    if scope.is_admin or form.errors or not page_cache.enabled():
        html = content()  # the recompute button carries the user's CSRF token; an error message is the user's
    else:
        # A pure function of the stored figures: cached on their version (reports/page_cache.py).
        status, version = page_cache.read(month)
        parts = (*page_cache.scope_parts(committee, scoping.reads_subtree(request.user, committee)),
                 f"{month:%Y-%m}", tuple(choice.values()), writes, tuple(settings.DASHBOARD_HEADLINE),
                 settings.SILENT_DAYS, timezone.localdate().isoformat())
        html = page_cache.cached("dashboard", version, parts, lambda: content(status))
    return render(request, "reports/dashboard.html", {"committee": committee, "content": mark_safe(html)})


@login_required
@require_POST
def recompute(request):
    """Admins only: queue the month's rollup again (h2a's `rollup_request`)."""
    if not scope_for(request.user).is_admin:
        raise Http404
    month = parse_month(request.POST.get("month", ""))
    if month is None:
        raise Http404
    from .services import rollup_request

    rollup_request(months=[month])
    messages.success(request, _("The figures of %(month)s are being recomputed.") % {"month": f"{month:%Y-%m}"})
    committee = scoping.committee_for(request.user, request.POST.get("committee") or None)
    return redirect(dashboard_url(committee, month))


def _drill_context(request, metric_key):
    form = DrilldownForm(request.GET)
    metric = drill.get_metric(metric_key)
    committee = scoping.committee_for(request.user, form.value("committee"))
    month = form.value("month") or default_month()
    period = form.value("period") or PERIOD_MONTH
    rows = drill.drill_rows(request.user, metric, committee, month, period)
    return {"metric": metric, "committee": committee, "month": month, "period": period, "rows": rows}


class CountedPaginator(Paginator):
    """A paginator told its row count (when the figure already says it), so it runs no COUNT."""

    def __init__(self, object_list, per_page, *, count=None):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return super().count if self.known_count is None else self.known_count

    def page(self, number):
        """A full page's slice even on the last page: a record saved between reading the figure and
        reading the rows is then listed too, instead of the count cutting the oldest row off."""
        if self.known_count is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom:bottom + self.per_page], number, self)


def _drill_numbers(request, context):
    """(freshness, row count or None, total): from the rollup table when the month is current (the COUNT
    of a whole subtree's month is the slowest query of the page), else counted from the rows in one
    query, so a figure the rollup has not caught up with never hides a row from the list."""
    metric, rows = context["metric"], context["rows"]
    state, stored = drill.stored_figure(
        request.user, metric, context["committee"], context["month"], context["period"],
    )
    # Zero is counted anyway (cheap: no rows to read), so a metric the rollup has not stored yet (one
    # registered since) never hides its rows behind an empty first page.
    if not stored:
        return (state, *drill.drill_figures(rows, metric))
    return state, (stored if metric.aggregate == registry.COUNT else None), stored


@login_required
@require_GET
def drilldown(request, metric):
    context = _drill_context(request, metric)
    export = request.GET.get("format")
    if export in exports.FORMATS:
        log_export(request, f"drilldown:{metric}", export)
        return exports.drill_response(export, **context)
    freshness, count, total = _drill_numbers(request, context)
    page_obj = CountedPaginator(context["rows"], DRILL_PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    metric_obj = context["metric"]
    context.update({
        "page_obj": page_obj,
        "items": [drill.drill_row(obj, metric_obj) for obj in page_obj],
        "total": total,
        "freshness": freshness,
        "is_sum": metric_obj.aggregate == registry.SUM,
        "period_ytd": PERIOD_YTD,
        "back_url": dashboard_url(context["committee"], context["month"], metric=metric_obj.key),
        "export_query": urlencode({
            "committee": context["committee"].code, "month": f"{context['month']:%Y-%m}", "period": context["period"],
        }),
    })
    return render(request, "reports/drilldown.html", context)
