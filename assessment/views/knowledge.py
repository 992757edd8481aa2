"""Knowledge-test pages: rounds, drawing a round, entering and importing scores, the frozen draw."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees.scope import get_object_in_scope
from studygroup.audit import log_export
from studygroup.lists import render_list

from .. import selectors, services
from ..forms import ScoresForm, ScoreSheetForm, TestRoundForm
from ..history import round_history
from ..lists import RoundFilter, RoundTable, SittingFilter, SittingTable
from ..sheets import write_score_sheet
from .common import PAGE_SIZE, figures_month, page_of, require_admin, require_scope


def _round_in_scope(user, pk):
    return get_object_in_scope(selectors.rounds_for(user), pk=pk)


@login_required
def rounds(request):
    scope = require_scope(request.user)
    committee = selectors.figures_committee(request.user, request.GET.get("committee"))
    return render_list(
        request, "assessment/rounds.html", queryset=selectors.rounds_for(request.user),
        filterset_class=RoundFilter, table_class=RoundTable, export_name="test-rounds",
        export_title=_("Knowledge tests"), per_page=PAGE_SIZE,
        context={
            "figures": selectors.page_figures(request.user, committee, figures_month(request), selectors.TEST_FIGURES),
            "can_draw": scope.is_admin,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    require_admin(request.user)
    form = TestRoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            test_round = services.round_create(
                name=data["name"], held_on=data["held_on"], committee=data["committee"], strata=data["strata"],
                sample_size=data["sample_size"], sample_rate=data["sample_rate"], pass_mark=data["pass_mark"],
                max_score=data["max_score"], seed=data["seed"] or None, user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(count)s members drawn for %(name)s.") % {
                "count": test_round.drawn_count, "name": test_round.name})
            return redirect("assessment:round_detail", pk=test_round.pk)
    return render(request, "assessment/round_form.html", {"form": form})


@login_required
def round_detail(request, pk):
    scope = require_scope(request.user)
    test_round = _round_in_scope(request.user, pk)
    verification = None
    if request.GET.get("verify"):
        matches, report = services.round_verify(test_round)
        verification = {"matches": matches, **report}
    return render_list(
        request, "assessment/round_detail.html", queryset=selectors.round_sittings(test_round),
        filterset_class=SittingFilter, table_class=SittingTable, export_name=f"test-scores-{test_round.pk}",
        export_title=_("Scores"), per_page=PAGE_SIZE,
        context={
            "round": test_round,
            "figures": selectors.round_figures(test_round),
            "strata": selectors.round_strata(test_round),
            "verification": verification,
            "can_score": scope.is_admin,
            "history": round_history(test_round),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_scores(request, pk):
    """One row per member drawn, a page at a time; saving a page saves all its scores or none."""
    require_scope(request.user)
    test_round = _round_in_scope(request.user, pk)  # out of scope: 404 before anything else
    require_admin(request.user)
    page = page_of(request, selectors.round_sittings(test_round))
    form = ScoresForm(request.POST or None, sittings=list(page.object_list), test_round=test_round)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.round_scores_enter(test_round=test_round, scores=form.scores(), user=request.user)
        except ValidationError as error:
            for sitting_id, problems in error.message_dict.items():  # keyed by sitting: put each at its field
                form.add_error(f"score-{sitting_id}", problems)
        else:
            messages.success(request, _("%(count)s scores saved.") % {"count": saved})
            next_page = page.next_page_number() if page.has_next() else page.number
            return redirect(f"{request.path}?page={next_page}")
    return render(request, "assessment/round_scores.html", {"round": test_round, "page": page, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def round_import(request, pk):
    require_scope(request.user)
    test_round = _round_in_scope(request.user, pk)  # out of scope: 404 before anything else
    require_admin(request.user)
    form = ScoreSheetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.round_scores_import(
                test_round=test_round, file=form.cleaned_data["file"], user=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("%(count)s scores imported.") % {"count": saved})
            return redirect("assessment:round_detail", pk=test_round.pk)
    return render(request, "assessment/round_import.html", {"round": test_round, "form": form})


@login_required
def round_sheet(request, pk):
    """The round's score sheet to fill in (XLSX), one row per member drawn."""
    require_scope(request.user)
    test_round = _round_in_scope(request.user, pk)
    content = write_score_sheet(test_round, selectors.round_sittings(test_round).iterator(chunk_size=2000))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="test-round-{test_round.pk}.xlsx"'
    log_export(request, "score_sheet", "xlsx", round=test_round.pk)
    return response


@login_required
def round_draw(request, pk):
    """Everything needed to re-run the draw elsewhere: algorithm, seed, candidates, allocation, result digest."""
    require_scope(request.user)
    test_round = _round_in_scope(request.user, pk)
    drawn = {}
    for stratum, member_id in test_round.sittings.order_by("member_id").values_list("stratum", "member_id"):
        drawn.setdefault(stratum, []).append(member_id)
    return JsonResponse({
        "round": test_round.pk, "name": test_round.name, "algorithm": test_round.algorithm,
        "seed": test_round.seed, "sample_size": test_round.drawn_count, "strata": test_round.strata,
        "candidates": test_round.candidates, "allocation": test_round.allocation, "drawn": drawn,
        "sample_digest": test_round.sample_digest,
    }, json_dumps_params={"ensure_ascii": False})
