"""Thin views: read the request, call one selector or service, render. Out of scope is always 404."""
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import policy
from committees.models import Committee
from committees.scope import get_object_in_scope
from reports import metrics as registry
from reports.figures import year_end_month
from reports.forms import PERIOD_YTD, parse_month
from reports.months import current_month
from studygroup.lists import render_list

from . import selectors, services
from .forms import DrawForm, FilingForm, FilingLinkForm, RectificationFormSet, VisitForm
from .history import filing_history, rectification_history, visit_history
from .lists import (
    FilingFilter,
    FilingTable,
    RectificationFilter,
    RectificationTable,
    VisitFilter,
    VisitTable,
)
from .models import Assignment, ChecklistItem, Draw, RectificationStatus, Visit
from .scoping import supervision_scope


def _render(request, template, context):
    context.setdefault("sv", supervision_scope(request.user))
    return render(request, template, context)


def _page(request, qs, per_page=25):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _year(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _month(request):
    """The month the figures are of (year to date): ?month=YYYY-MM, else the year's latest month (?year=),
    else this month."""
    month = parse_month(request.GET.get("month", ""))
    if month is not None:
        return month
    return year_end_month(_year(request)) if request.GET.get("year") else current_month()


# (figure, drawn in red) in the order of the home page; each links to the records behind it (the drill-down).
OVERVIEW_CARDS = [
    ("sit_in_visits", False), ("visit_coverage", False), ("visit_discrepancies", True),
    ("visits_with_findings", False), ("open_rectifications", False), ("overdue_rectifications", True),
    ("filed_sessions", False), ("unheld_filings", False), ("sessions_without_filing", False),
]


def _overview_cards(overview):
    figures = overview.figures
    query = urlencode({"committee": figures.committee.code, "month": f"{figures.month:%Y-%m}", "period": PERIOD_YTD})
    cards = []
    for key, danger in OVERVIEW_CARDS:
        if key not in figures.by_key:
            continue  # a coverage, for a reader of the committee alone
        shown = figures[key]
        is_percent = key in registry.COVERAGES
        url = "#sv-uncovered" if is_percent else f"{reverse('reports:drilldown', args=[key])}?{query}"
        cards.append({"figure": shown, "url": url, "danger": danger, "is_percent": is_percent})
    return cards


@login_required
def home(request):
    scope = supervision_scope(request.user)
    month = _month(request)
    context = {"sv": scope, "month": month, "year": month.year, "today": timezone.localdate()}
    committee = selectors.overview_committee(request.user, request.GET.get("committee") or None)
    if committee is not None:
        overview = selectors.overview(request.user, committee, month)
        context.update({"overview": overview, "cards": _overview_cards(overview)})
    if scope.auditor is not None:
        context["assignments"] = selectors.assignments_for(scope.auditor).filter(visit__isnull=True)[:20]
        context["my_drafts"] = Visit.objects.filter(auditor=scope.auditor, status="draft")[:20]
    return _render(request, "supervision/home.html", context)


# ------------------------------------------------------------------ filings


@login_required
def filings(request):
    can_file = policy.may_any(request.user, policy.WRITE)
    return render_list(
        request, "supervision/filings.html", queryset=selectors.filings_for(request.user),
        filterset_class=FilingFilter, table_class=FilingTable, export_name="filings", export_title=_("Filings"),
        context={"sv": supervision_scope(request.user), "can_file": can_file, "status": request.GET.get("status", "")},
    )


@login_required
def filing_create(request):
    committees = list(policy.restrict(Committee.objects.all(), request.user, policy.WRITE, None).order_by("path")[:500])
    if not committees:
        raise Http404
    form = FilingForm(request.POST or None, committees=Committee.objects.filter(pk__in=[c.pk for c in committees]))
    if request.method == "POST" and form.is_valid():
        try:
            services.filing_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(exc, form)
        else:
            messages.success(request, _("The session was filed."))
            return redirect("supervision:filings")
    return _render(request, "supervision/filing_form.html", {"form": form})


@login_required
def filing_detail(request, pk):
    filing = get_object_in_scope(selectors.filings_for(request.user).select_related("filed_by"), pk=pk)
    return _render(request, "supervision/filing_detail.html", {
        "filing": filing, "today": timezone.localdate(), "history": filing_history(filing),
        "can_link": policy.may(request.user, policy.WRITE, filing.committee),
        "visits": selectors.visits_for(request.user).filter(filing=filing),
    })


@login_required
def filing_link(request, pk):
    filing = policy.get_or_404(selectors.filings_for(request.user), request.user, policy.WRITE, pk=pk)
    form = FilingLinkForm(request.POST or None, filing=filing)
    if request.method == "POST" and form.is_valid():
        try:
            services.filing_link(filing=filing, activity=form.cleaned_data["activity"], user=request.user)
        except ValidationError as exc:
            _apply_errors(exc, form)
        else:
            messages.success(request, _("The filing is linked to the session held."))
            return redirect("supervision:filings")
    return _render(request, "supervision/filing_link.html", {"form": form, "filing": filing})


@login_required
def unfiled(request):
    year = _year(request)
    qs = selectors.sessions_without_filing(request.user).filter(held_on__year=year).order_by("-held_on", "-id")
    return _render(request, "supervision/unfiled.html", {"page": _page(request, qs), "year": year})


# ------------------------------------------------------------------ draws


def _draw_roots(user):
    scope = supervision_scope(user)
    if not scope.is_leader:
        raise Http404
    if scope.is_admin:
        return Committee.objects.filter(depth__lte=2)
    return Committee.objects.filter(scope.committee_q("", paths=scope.leader_paths), depth__lte=2)


def _draws_for(user):
    scope = supervision_scope(user)
    if scope.is_admin:
        return Draw.objects.all()
    return Draw.objects.filter(scope.committee_q("root__", paths=scope.leader_paths))


@login_required
def draws(request):
    _draw_roots(request.user)
    qs = _draws_for(request.user).select_related("root")
    return _render(request, "supervision/draws.html", {"page": _page(request, qs)})


@login_required
def draw_create(request):
    form = DrawForm(request.POST or None, roots=_draw_roots(request.user).order_by("path"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draw = services.draw_create(
                user=request.user, root=data["root"], period_start=data["period_start"], period_end=data["period_end"],
                strata=data["strata"], size=data["sample_size"], rate=(data["rate"] or 0) / 100, seed=data["seed"],
            )
        except ValidationError as exc:
            _apply_errors(exc, form)
        else:
            messages.success(request, _("The draw was made and the auditors notified."))
            return redirect("supervision:draw", pk=draw.pk)
    return _render(request, "supervision/draw_form.html", {"form": form})


@login_required
def draw_detail(request, pk):
    draw = get_object_in_scope(_draws_for(request.user).select_related("root"), pk=pk)
    rows = draw.assignment_rows.select_related("filing__committee", "auditor__user", "visit")
    return _render(request, "supervision/draw_detail.html", {"draw": draw, "rows": rows})


@login_required
@require_POST
def draw_verify(request, pk):
    draw = get_object_in_scope(_draws_for(request.user), pk=pk)
    if services.draw_verify(draw=draw):
        messages.success(request, _("Verified: re-running the draw from its seed gives the same sample and assignments."))
    else:
        messages.error(request, _("Verification failed: the stored result differs from a re-run of the draw."))
    return redirect("supervision:draw", pk=draw.pk)


# ------------------------------------------------------------------ visits


def _auditor(user):
    scope = supervision_scope(user)
    if scope.auditor is None:
        raise Http404
    return scope


@login_required
def visit_start(request, assignment_pk):
    """A visit to an assigned, drawn session."""
    scope = _auditor(request.user)
    qs = Assignment.objects.filter(auditor=scope.auditor).select_related("filing__committee", "filing__activity")
    assignment = get_object_in_scope(qs, pk=assignment_pk)
    existing = Visit.objects.filter(assignment=assignment).first()
    if existing:
        return redirect("supervision:visit_edit" if existing.is_draft else "supervision:visit", pk=existing.pk)
    filing = assignment.filing
    target = {"committee": filing.committee, "kind": filing.kind, "filing": filing, "activity": filing.activity,
              "assignment": assignment}
    return _visit_form(request, scope, target, initial_date=filing.planned_on, draft_key=f"visit-a{assignment.pk}")


@login_required
def visit_start_activity(request, activity_pk):
    """A visit to a logged session in the auditor's subtrees, free of conflict (巡听 without a draw)."""
    scope = _auditor(request.user)
    activity = get_object_in_scope(selectors.visitable_activities(request.user), pk=activity_pk)
    existing = Visit.objects.filter(auditor=scope.auditor, activity=activity).first()
    if existing:
        return redirect("supervision:visit_edit" if existing.is_draft else "supervision:visit", pk=existing.pk)
    filing = getattr(activity, "filing", None)
    target = {"committee": activity.committee, "kind": activity.kind, "filing": filing, "activity": activity,
              "assignment": None}
    return _visit_form(request, scope, target, initial_date=activity.held_on, draft_key=f"visit-s{activity.pk}")


@login_required
def visit_edit(request, pk):
    scope = _auditor(request.user)
    visit = get_object_in_scope(Visit.objects.filter(auditor=scope.auditor, status="draft").select_related("committee"), pk=pk)
    return _visit_form(request, scope, None, visit=visit, draft_key=f"visit-{visit.pk}")


def _visit_initial(visit, initial_date):
    if visit is None:
        return {"visited_on": min(initial_date, timezone.localdate())}, []
    initial = {"visited_on": visit.visited_on, "observed_count": visit.observed_count, "findings": visit.findings}
    initial.update({f"rating_{r.item_id}": r.score for r in visit.ratings.all()})
    rects = [{"description": r.description, "owner": r.owner, "due_on": r.due_on} for r in visit.rectifications.all()]
    return initial, rects


def _visit_form(request, scope, target, *, visit=None, initial_date=None, draft_key):
    items = list(ChecklistItem.objects.filter(active=True))
    initial, rects = _visit_initial(visit, initial_date)
    form = VisitForm(request.POST or None, items=items, initial=initial)
    # Rows are always posted as new rows (INITIAL_FORMS=0): a blanked row is simply dropped.
    formset = RectificationFormSet(request.POST, prefix="rect") if request.method == "POST" else (
        RectificationFormSet(prefix="rect", initial=rects)
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        filled = [f for f in formset.forms if f.has_changed() and f.cleaned_data]
        try:
            saved = services.visit_save(
                auditor=scope.auditor, visit=visit, target=target, visited_on=form.cleaned_data["visited_on"],
                observed_count=form.cleaned_data["observed_count"], findings=form.cleaned_data["findings"],
                ratings=form.ratings(), rectifications=[f.cleaned_data for f in filled],
                submit="submit" in request.POST, user=request.user,
            )
        except ValidationError as exc:
            _apply_errors(exc, form, filled)
        else:
            if saved.is_draft:
                messages.info(request, _("Draft saved. Only you can see it until you submit it."))
            else:
                messages.success(request, _("The visit was submitted."))
            return redirect(f"{saved.get_absolute_url()}?cleared={draft_key}")
    committee = visit.committee if visit else target["committee"]
    return _render(request, "supervision/visit_form.html", {
        "form": form, "formset": formset, "committee": committee, "visit": visit, "draft_key": draft_key,
        "target": target, "activity": (visit.activity if visit else target["activity"]),
    })


def _apply_errors(exc, form, row_forms=()):
    """Put a service's errors at the fields that caused them (rectification rows are "rect-<i>-<field>")."""
    for key, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
        if key and key.startswith("rect-"):
            _, index, name = key.split("-", 2)
            row_forms[int(index)].add_error(name, errors)
        elif key in form.fields:
            form.add_error(key, errors)
        else:
            form.add_error(None, errors)


@login_required
def visits(request):
    return render_list(
        request, "supervision/visits.html", queryset=selectors.visits_for(request.user),
        filterset_class=VisitFilter, table_class=VisitTable, export_name="visits", export_title=_("Sit-in visits"),
        context={"sv": supervision_scope(request.user)},
    )


@login_required
def visit_detail(request, pk):
    visit = get_object_in_scope(selectors.visits_for(request.user), pk=pk)
    ratings = visit.ratings.select_related("item")
    return _render(request, "supervision/visit_detail.html", {
        "visit": visit, "ratings": ratings, "rectifications": visit.rectifications.all(),
        "cleared": request.GET.get("cleared", "")[:40], "can_edit": visit.is_draft and visit.auditor.user_id == request.user.pk,
        "history": visit_history(visit),
    })


# ------------------------------------------------------------------ rectifications


@login_required
def rectifications(request):
    return render_list(
        request, "supervision/rectifications.html", queryset=selectors.rectifications_for(request.user),
        filterset_class=RectificationFilter, table_class=RectificationTable, export_name="rectifications",
        export_title=_("Rectification items"),
        context={"sv": supervision_scope(request.user), "status": request.GET.get("status", "")},
    )


@login_required
def rectification_detail(request, pk):
    rect = get_object_in_scope(selectors.rectifications_for(request.user).select_related("closed_by"), pk=pk)
    return _render(request, "supervision/rectification_detail.html", {
        "rect": rect, "today": timezone.localdate(), "history": rectification_history(rect),
        "can_close": rect.status == RectificationStatus.OPEN and _closable(request.user).filter(pk=rect.pk).exists(),
    })


def _closable(user):
    """Who follows up: the visiting auditor, the committee's secretary, an administrator."""
    scope = supervision_scope(user)
    qs = selectors.rectifications_for(user)
    if scope.is_admin:
        return qs
    return qs.filter(Q(visit__auditor__user=user) | policy.committee_q(user, policy.WRITE, "committee__"))


# Closing an item (with evidence files), the notifications and the auditor's assignments: auditor_views.py.
