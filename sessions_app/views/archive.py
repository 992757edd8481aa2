from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django_tables2 import RequestConfig

from studygroup.audit import log_export

from ..exports import csv_response, xlsx_response
from ..filters import ActivityFilter
from ..selectors import records_visible
from ..tables import ActivityTable

EXPORTS = {"csv": csv_response, "xlsx": xlsx_response}
PER_PAGE = 25
MORE_FILTERS = ("committee", "own", "campaign", "theme", "late", "kind")  # folded away on a phone unless used


@login_required
def archive(request):
    """The study archive (学习档案): filter, sort, page, and export exactly what the filter shows."""
    filterset = ActivityFilter(request.GET or None, queryset=records_visible(request.user), user=request.user)
    queryset = filterset.qs  # invalid filter values are left out of cleaned_data, i.e. ignored
    export = EXPORTS.get(request.GET.get("export", ""))
    table = ActivityTable(queryset.order_by("-held_on", "-id"), request=request)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    if export is not None:
        log_export(request, "records", request.GET["export"])
        return export(table.data.data)  # the same rows in the table's order, all pages
    query = request.GET.copy()
    for name in ("page", "export"):
        query.pop(name, None)
    return render(request, "sessions_app/archive.html", {
        "filter": filterset, "table": table, "query": query.urlencode(),
        "more_filters": any(request.GET.get(name) for name in MORE_FILTERS),
    })
