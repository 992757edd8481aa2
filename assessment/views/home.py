"""The assessment home: the year's knowledge tests and practical-matter tasks (registry figures, year to date)
and the latest assessment."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from .. import selectors
from .common import figures_month, require_scope


@login_required
def home(request):
    scope = require_scope(request.user)
    today = timezone.localdate()
    years = selectors.assessment_years(request.user)
    committee = selectors.figures_committee(request.user, request.GET.get("committee"))
    figures = selectors.page_figures(request.user, committee, figures_month(request), selectors.HOME_FIGURES)
    return render(request, "assessment/home.html", {
        "year": figures.month.year,
        "figures": figures,
        "latest_year": years[0] if years else today.year - 1,
        "is_admin": scope.is_admin,
    })
