"""The auditor's side of supervision: their assignments with a status, a visit started from any filed
session in their remit, notifications that are read once seen, and closing an item with files as evidence.

Thin views, as in views.py (whose helpers they share); out of scope is always 404.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from committees.scope import get_object_in_scope
from sessions_app.attachments import stored_file_response

from . import selectors, services
from .forms import RectificationCloseForm
from .models import Assignment, Notification, RectificationEvidence, RectificationStatus, Visit
from .selectors import AssignmentStatus
from .views import _apply_errors, _auditor, _closable, _page, _render, _visit_form


@require_safe
@login_required
def assignments(request):
    """The auditor's drawn visits: to visit, overdue (the day passed with no visit submitted), done."""
    scope = _auditor(request.user)
    status = request.GET.get("status", "")
    qs = selectors.assignments_for(scope.auditor)
    if status in AssignmentStatus.values:
        qs = qs.filter(status=status)
    return _render(request, "supervision/assignments.html", {
        "page": _page(request, qs), "status": status, "statuses": AssignmentStatus.choices,
    })


@login_required
def visit_start_filing(request, filing_pk):
    """A visit to a filed session in the auditor's subtrees (held or still to come), drawn or not."""
    scope = _auditor(request.user)
    filing = get_object_in_scope(selectors.visitable_filings(request.user), pk=filing_pk)
    assignment = Assignment.objects.filter(auditor=scope.auditor, filing=filing).order_by("-id").first()
    if assignment is not None:
        return redirect("supervision:visit_start", assignment_pk=assignment.pk)  # the drawn visit, as assigned
    existing = Visit.objects.filter(auditor=scope.auditor, filing=filing).first()
    if existing:
        return redirect("supervision:visit_edit" if existing.is_draft else "supervision:visit", pk=existing.pk)
    target = {"committee": filing.committee, "kind": filing.kind, "filing": filing, "activity": filing.activity,
              "assignment": None}
    return _visit_form(request, scope, target, initial_date=filing.planned_on, draft_key=f"visit-f{filing.pk}")


@login_required
def notifications(request):
    """The user's notifications. Seeing them reads them: the badge clears; the ones new to this visit stay
    marked as new on the page."""
    qs = Notification.objects.filter(user=request.user)
    if request.method == "POST":  # "mark all as read", from any page of the list
        services.notifications_mark_read(user=request.user)
        return redirect("supervision:notifications")
    page = _page(request, qs)
    new_ids = {n.pk for n in page if n.read_at is None}
    if new_ids and request.method == "GET":
        services.notifications_mark_read(user=request.user, ids=new_ids)
    return _render(request, "supervision/notifications.html", {"page": page, "new_ids": new_ids})


@login_required
def rectification_close(request, pk):
    rect = get_object_in_scope(_closable(request.user).filter(status=RectificationStatus.OPEN), pk=pk)
    data = request.POST if request.method == "POST" else None
    form = RectificationCloseForm(data, request.FILES or None, initial={"evidence_note": rect.evidence_note})
    if data is not None and form.is_valid():
        try:
            services.rectification_close(
                rectification=rect, user=request.user, evidence_note=form.cleaned_data["evidence_note"],
                files=form.cleaned_data.get("evidence_files") or [],
            )
        except ValidationError as exc:
            _apply_errors(exc, form)
        else:
            messages.success(request, _("The rectification item is closed."))
            return redirect("supervision:rectification", pk=rect.pk)
    return _render(request, "supervision/rectification_close.html", {
        "form": form, "rect": rect, "reselect_files": data is not None and bool(request.FILES),
    })


@require_safe
@login_required
def rectification_evidence(request, pk):
    """An evidence file, for those who may read its rectification item."""
    evidence = get_object_in_scope(
        RectificationEvidence.objects.filter(rectification__in=selectors.rectifications_for(request.user)), pk=pk
    )
    return stored_file_response(request, evidence)
