from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django_tables2 import RequestConfig

from committees import policy
from studygroup.audit import log_export

from ..closing import close_day
from ..exports import correction_csv_response, correction_xlsx_response
from ..filters import CorrectionFilter
from ..selectors import corrections_visible
from ..tables import CorrectionTable

EXPORTS = {"csv": correction_csv_response, "xlsx": correction_xlsx_response}
PER_PAGE = 25


@login_required
def corrections(request):
    """Corrections of closed months' records under the user (更正记录): filter by month, export what is shown."""
    policy.require(request.user, policy.READ)
    filterset = CorrectionFilter(request.GET or None, queryset=corrections_visible(request.user), user=request.user)
    if filterset.is_bound and "committee" in filterset.errors:
        raise Http404  # a committee out of scope is the same as one that does not exist
    table = CorrectionTable(filterset.qs, request=request)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    export = EXPORTS.get(request.GET.get("export", ""))
    if export is not None:
        log_export(request, "corrections", request.GET["export"])
        return export(table)
    query = request.GET.copy()
    for name in ("page", "export"):
        query.pop(name, None)
    return render(request, "sessions_app/corrections.html", {
        "filter": filterset, "table": table, "query": query.urlencode(), "close_day": close_day(),
    })
