"""Annual assessment pages: the ranked table, a score's rule-by-rule breakdown, the rules, a recompute."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from studygroup.lists import render_list

from .. import selectors
from ..evidence import evidence_for
from ..forms import RuleFormSet
from ..history import rules_history
from ..lists import RankingFilter, RankingTable
from ..models import AssessmentRule, AssessmentRun
from ..rules import CALCULATORS
from ..services import assessment_rules_ensure, assessment_rules_save
from ..tasks import assessment_compute
from .common import PAGE_SIZE, as_query, require_admin, require_scope

YEARS = range(2000, 2101)


def _check_year(year):
    if year not in YEARS:
        raise Http404


def _archive_url():
    try:
        return reverse("sessions_app:archive")
    except NoReverseMatch:
        return None


@login_required
def ranking_latest(request):
    """The ranking of the latest year with scores (last year's, before any are computed)."""
    require_scope(request.user)
    years = selectors.assessment_years(request.user)
    return redirect("assessment:ranking", year=years[0] if years else timezone.localdate().year - 1)


@login_required
def ranking(request, year):
    _check_year(year)
    scope = require_scope(request.user)
    # The kind filter is applied before the rank's window: committees are ranked among those of that kind.
    return render_list(
        request, "assessment/ranking.html", queryset=selectors.assessment_ranking(request.user, year=year),
        filterset_class=RankingFilter, table_class=RankingTable, export_name=f"ranking-{year}",
        export_title=_("Annual assessment %(year)s") % {"year": year}, per_page=PAGE_SIZE,
        context={
            "year": year,
            "years": selectors.assessment_years(request.user),
            "run": AssessmentRun.objects.filter(year=year).first(),
            "can_compute": scope.is_admin,
        },
    )


@login_required
def score(request, year, code):
    _check_year(year)
    require_scope(request.user)
    found = selectors.assessment_score_for(request.user, year=year, code=code)
    archive_url = _archive_url()
    parts = []
    for part in found.parts.select_related("rule").order_by("rule__order", "rule_id"):
        evidence = evidence_for(part, found.committee, year)
        if evidence and archive_url and evidence["archive"]:
            evidence["archive_link"] = f"{archive_url}?{as_query(evidence['archive'])}"
            for row in evidence["rows"]:
                if "archive" in row:
                    row["archive_link"] = f"{archive_url}?{as_query(row['archive'])}"
        parts.append({"part": part, "evidence": evidence})
    return render(request, "assessment/score.html", {"score": found, "year": year, "parts": parts})


@login_required
@require_POST
def compute(request, year):
    """An administrator asks for the year to be recomputed now (the task runs after this commit)."""
    _check_year(year)
    require_admin(request.user)
    transaction.on_commit(lambda: assessment_compute.delay(year))
    messages.info(
        request, _("The %(year)s assessment is being computed; reload the page in a moment.") % {"year": year}
    )
    return redirect("assessment:ranking", year=year)


@login_required
@require_http_methods(["GET", "POST"])
def rules(request):
    """Everyone with a scope reads the rules that make their scores; administrators edit them."""
    scope = require_scope(request.user)
    assessment_rules_ensure()
    queryset = AssessmentRule.objects.order_by("order", "id")
    if request.method == "POST":
        require_admin(request.user)
    formset = RuleFormSet(request.POST or None, queryset=queryset) if scope.is_admin else None
    if formset is not None and request.method == "POST" and formset.is_valid():
        assessment_rules_save(user=request.user, formset=formset)
        messages.success(request, _("Rules saved. Recompute a year to apply them."))
        return redirect("assessment:rules")
    return render(request, "assessment/rules.html", {
        "rules": queryset, "formset": formset, "calculators": CALCULATORS, "history": rules_history(),
    })
