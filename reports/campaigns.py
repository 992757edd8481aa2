"""The campaign and theme pages: the list of those that concern the user, the create and edit forms for leaders
and administrators, and each one's page with its figures for a chosen month.

The writes are committees/campaigns.py's services (a campaign is a committees model; its rules need nothing of
the statistics); the pages live here because a campaign's page is its figures, read like the dashboard's
(reports.figures.card_figures → figures_for) and linking to the drill-down and the filtered dashboard.
Out of scope is 404, the same as a code that does not exist.
"""
import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from committees import campaigns as services
from committees import policy
from committees.models import Committee
from committees.scope import scope_for

from . import freshness, scoping
from .campaign_forms import CampaignForm, ThemeForm
from .dashboard import dashboard_metrics
from .figures import card_figures
from .forms import PERIOD_MONTH, PERIOD_YTD, parse_month
from .months import default_month as dashboard_default_month
from .months import month_floor
from .presentation import dashboard_url

MAX_MONTH_LINKS = 24


# ---------------------------------------------------------------- finding one in the user's reach


def _visible(queryset, code):
    found = queryset.filter(code=code).first() if code else None
    if found is None:
        raise Http404
    return found


def _managed(queryset, user, code):
    """The campaign or theme `code` if the user may change it, else 404 (missing and not yours look alike)."""
    found = _visible(queryset, code)
    if not services.manages(user, found):
        raise Http404
    return found


# ---------------------------------------------------------------- the list


@login_required
@require_GET
def campaign_list(request):
    user = request.user
    policy.require(user, policy.READ)
    campaigns, themes = list(services.campaigns_for(user)), list(services.themes_for(user))
    return render(request, "reports/campaigns.html", {
        "campaigns": [(c, services.manages(user, c)) for c in campaigns],
        "themes": [(t, services.manages(user, t)) for t in themes],
        "may_manage": services.may_manage(user),
        "today": timezone.localdate(),
    })


# ---------------------------------------------------------------- create and edit


def _form_page(request, form, *, kind, obj=None):
    return render(request, "reports/campaign_form.html", {"form": form, "kind": kind, "obj": obj})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    user = request.user
    if not services.may_manage(user):
        raise Http404
    form = CampaignForm(request.POST or None, user=user, initial={"committee": services.default_committee(user)})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The campaign “%(name)s” is saved with the code %(code)s.") % {
                "name": campaign.name, "code": campaign.code})
            return redirect("reports:campaign", campaign.code)
    return _form_page(request, form, kind="campaign")


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, code):
    user = request.user
    campaign = _managed(services.campaigns_for(user), user, code)
    initial = {"name": campaign.name, "committee": campaign.committee, "starts_on": campaign.starts_on,
               "ends_on": campaign.ends_on, "description": campaign.description}
    form = CampaignForm(request.POST or None, user=user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(user=user, campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The campaign is saved."))
            return redirect("reports:campaign", campaign.code)
    return _form_page(request, form, kind="campaign", obj=campaign)


@login_required
@require_http_methods(["GET", "POST"])
def theme_create(request):
    user = request.user
    if not services.may_manage(user):
        raise Http404
    form = ThemeForm(request.POST or None, user=user, initial={"committee": services.default_committee(user)})
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_create(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The theme “%(name)s” is saved with the code %(code)s.") % {
                "name": theme.name, "code": theme.code})
            return redirect("reports:theme", theme.code)
    return _form_page(request, form, kind="theme")


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request, code):
    user = request.user
    theme = _managed(services.themes_for(user), user, code)
    form = ThemeForm(request.POST or None, user=user, editing=True,
                     initial={"name": theme.name, "committee": theme.committee})
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_update(user=user, theme=theme, **form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("The theme is saved."))
            return redirect("reports:theme", theme.code)
    return _form_page(request, form, kind="theme", obj=theme)


# ---------------------------------------------------------------- one campaign's or theme's figures


def figures_committee(user, obj, code=None):
    """Whose figures the page shows: the committee asked for (`?committee=`, if the user reads it and it lies in
    the campaign's subtree), else the organising committee if the user reads it, else the user's own committee
    inside the subtree."""
    organiser = obj.committee

    def inside(committee):
        return organiser is None or committee.path.startswith(organiser.path)

    scope = scope_for(user)
    if code:
        asked = Committee.objects.visible_to(user).filter(code=code).first()
        if asked is not None and inside(asked):
            return asked
    if organiser is not None and scope.can_read_committee(organiser):
        return organiser
    own = next((c for c in scope.roots if inside(c) and scope.can_read_committee(c)), None)
    if own is not None:
        return own
    if organiser is None:
        return scoping.start_committee(user)
    raise Http404


def default_month(obj):
    """A campaign's month: this month while it runs, else its first or last month; a theme's: the dashboard's."""
    if not hasattr(obj, "starts_on"):
        return dashboard_default_month()
    this = month_floor(timezone.localdate())
    return min(max(this, month_floor(obj.starts_on)), month_floor(obj.ends_on))


def campaign_months(campaign):
    """The campaign's months, first to last (none when it runs longer than MAX_MONTH_LINKS months)."""
    months, month = [], month_floor(campaign.starts_on)
    while month <= campaign.ends_on and len(months) <= MAX_MONTH_LINKS:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months if len(months) <= MAX_MONTH_LINKS else []


@dataclass
class FigureRow:
    key: str
    label: str
    unit: str
    description: str
    value: object  # the month
    ytd: object  # January .. the month
    month_url: str
    ytd_url: str
    dashboard_url: str


def figure_rows(user, obj, dimension, committee, month):
    metrics = dashboard_metrics(**{dimension: obj})
    subtree_readable = scoping.reads_subtree(user, committee)
    cards = card_figures(committee, month, metrics, subtree_readable)
    rows = []
    for card in cards:
        metric = card.definition
        drill = f"{reverse('reports:drilldown', args=[metric.key])}?committee={committee.code}&month={month:%Y-%m}"
        rows.append(FigureRow(
            key=metric.key, label=str(metric.label), unit=str(metric.unit), description=str(metric.description),
            value=card.month_value, ytd=card.ytd_value, month_url=f"{drill}&period={PERIOD_MONTH}",
            ytd_url=f"{drill}&period={PERIOD_YTD}",
            dashboard_url=dashboard_url(committee, month, **{dimension: obj.code}, metric=metric.key),
        ))
    return rows, subtree_readable


def _detail(request, obj, dimension):
    user = request.user
    committee = figures_committee(user, obj, request.GET.get("committee", "")[:40])
    month = parse_month(request.GET.get("month", "")) or default_month(obj)
    rows, subtree_readable = figure_rows(user, obj, dimension, committee, month)
    return render(request, "reports/campaign_detail.html", {
        "obj": obj, "kind": dimension, "committee": committee, "month": month, "rows": rows,
        "subtree_readable": subtree_readable, "status": freshness.freshness(month),
        "months": campaign_months(obj) if dimension == "campaign" else [],
        "may_edit": services.manages(user, obj),
        "dashboard_url": dashboard_url(committee, month, **{dimension: obj.code}),
    })


@login_required
@require_GET
def campaign_detail(request, code):
    return _detail(request, _visible(services.campaigns_for(request.user), code), "campaign")


@login_required
@require_GET
def theme_detail(request, code):
    return _detail(request, _visible(services.themes_for(request.user), code), "theme")
