"""The dashboard's breakdown (sub-committees ranked by the chosen figure) as CSV/XLSX, through the one list idiom
(studygroup/lists.py): the rows are the dashboard's own (dashboard.dashboard_page, the same parameters), in its
order, with the columns of its breakdown table."""
import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from committees import policy
from studygroup.audit import log_export
from studygroup.lists import EXPORT_FORMATS, ListTable, export_response

from . import dashboard
from .forms import DashboardForm


class BreakdownTable(ListTable):
    rank = tables.Column(verbose_name=_("Rank"), empty_values=(), orderable=False)
    committee = tables.Column(accessor="committee__name", verbose_name=_("Sub-committee"), orderable=False)
    code = tables.Column(accessor="committee__code", verbose_name=_("code"), orderable=False)
    value = tables.Column(verbose_name=_("Month"), orderable=False)
    ytd = tables.Column(verbose_name=_("Year to date"), orderable=False)

    class Meta(ListTable.Meta):
        empty_text = _("No sub-committees.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ranks = {id(row): number for number, row in enumerate(self.data.data, start=1)}

    def render_rank(self, record):
        return self.ranks[id(record)]


@require_safe
@login_required
def breakdown_export(request, fmt):
    """?committee, month, metric, campaign, theme as on the dashboard; /reports/breakdown.csv or .xlsx."""
    policy.require(request.user, policy.READ)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = DashboardForm(request.GET)
    page = dashboard.dashboard_page(
        request.user, code=form.value("committee"), month=form.value("month"), metric_key=form.value("metric"),
        campaign_code=form.value("campaign"), theme_code=form.value("theme"),
    )
    table = BreakdownTable(page.breakdown)
    log_export(request, "breakdown", fmt, committee=page.committee.code, month=f"{page.month:%Y-%m}")
    name = f"breakdown-{page.committee.code}-{page.chosen.key if page.chosen else 'none'}-{page.month:%Y%m}"
    title = f"{page.chosen.label if page.chosen else ''} {page.month:%Y-%m}"
    return export_response(table, fmt, name=name, title=title.strip() or _("Breakdown"))
