import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from committees import policy
from studygroup.dates import SessionDate

from .. import signin
from ..closing import closes_at
from ..forms import CorrectionReasonForm, RecordEntry
from ..history import record_history
from ..models import Activity, ActivityKind
from ..presentation import KIND_ICONS, key_figure
from ..selectors import (
    articles_of,
    attendance_rows,
    attendance_totals,
    record_for_detail,
    record_for_writing,
    sole_writable_committee,
    topics_of,
    writable_committees,
)
from ..services import activity_create, activity_delete, activity_update


def _kind_or_404(kind):
    try:
        return ActivityKind(kind)
    except ValueError:
        raise Http404


def _writer_or_404(user):
    # A reader (leader, auditor) is told nothing more than a stranger is: the page does not exist.
    policy.require(user, policy.WRITE)


def _already_created(request):
    """The record a double-posted form already created, if the key is this user's to see."""
    try:
        key = uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None
    return Activity.objects.writable_by(request.user).filter(submission_key=key).first()


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def record_create(request, kind):
    _writer_or_404(request.user)
    kind = _kind_or_404(kind)
    committees = writable_committees(request.user)
    sole = sole_writable_committee(request.user)
    if request.method == "POST":
        existing = _already_created(request)
        if existing is not None:
            messages.info(request, gettext("This record was already saved; here it is."))
            return redirect("sessions_app:detail", pk=existing.pk)
    initial_committee = _initial_committee(request, committees) if sole is None else None
    entry = RecordEntry(
        kind=kind, writable_committees=committees, sole_committee=sole, initial_committee=initial_committee,
        initial_held_on=_initial_held_on(request),
        data=request.POST if request.method == "POST" else None,
        files=request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and entry.is_valid():
        activity = activity_create(
            user=request.user, committee=entry.committee, kind=kind, data=entry.record_data(),
            plan_topics=entry.form.cleaned_data.get("plan_topics") or [],
            attendance=entry.attendance.rows() if entry.attendance else [],
            files=entry.form.cleaned_data.get("attachments") or [],
            submission_key=entry.form.cleaned_data.get("submission_key"),
            articles=entry.new_articles(),
        )
        messages.success(request, gettext("Saved: %(record)s") % {"record": activity})
        return redirect("sessions_app:detail", pk=activity.pk)
    return _render_form(request, entry, kind, creating=True)


def _initial_committee(request, committees):
    try:
        return committees.get(pk=int(request.GET.get("committee", "")))
    except (ValueError, committees.model.DoesNotExist):
        return None


def _initial_held_on(request):
    """The day a new record is opened for (?held_on=YYYY-MM-DD), when it is a day a session may be logged for."""
    try:
        held_on = datetime.date.fromisoformat(request.GET.get("held_on", ""))
        SessionDate()(held_on)
    except (ValueError, ValidationError):
        return None
    return held_on


def _render_form(request, entry, kind, *, creating):
    failed = request.method == "POST"
    if failed:
        messages.error(request, gettext("The record was not saved. Please correct the fields marked below."))
    return render(request, "sessions_app/record_form.html", {
        "entry": entry, "form": entry.form, "kind": kind, "kind_label": kind.label, "icon": KIND_ICONS[kind],
        "creating": creating, "reselect_files": failed and bool(request.FILES),
        "closes_at": None if creating else closes_at(entry.form.original_month),
    }, status=200)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def record_edit(request, pk):
    _writer_or_404(request.user)
    activity = record_for_writing(request.user, pk)
    kind = ActivityKind(activity.kind)
    entry = RecordEntry(
        kind=kind, writable_committees=writable_committees(request.user), instance=activity,
        data=request.POST if request.method == "POST" else None,
        files=request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and entry.is_valid():
        try:
            activity_update(
                user=request.user, activity=activity, data=entry.record_data(),
                plan_topics=entry.form.cleaned_data.get("plan_topics") or [],
                attendance=entry.attendance.rows() if entry.attendance else [],
                files=entry.form.cleaned_data.get("attachments") or [],
                remove_attachments=entry.removed,
                articles=entry.new_articles(), article_changes=entry.article_changes(),
                remove_articles=entry.removed_articles(),
                reason=entry.form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:  # the month closed between the form's check and the save
            _add_errors(entry.form, error)
        else:
            messages.success(request, gettext("Saved: %(record)s") % {"record": activity})
            return redirect("sessions_app:detail", pk=activity.pk)
    return _render_form(request, entry, kind, creating=False)


def _add_errors(form, error):
    """A service's ValidationError, shown at the form's fields (or above the form for the others)."""
    errors_by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, errors in errors_by_field.items():
        form.add_error(field if field in form.fields else None, errors)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def record_delete(request, pk):
    _writer_or_404(request.user)
    activity = record_for_writing(request.user, pk)
    closed = activity.month_closed
    form = CorrectionReasonForm(request.POST if request.method == "POST" else None, required=closed)
    if request.method == "POST" and form.is_valid():
        label = str(activity)
        try:
            activity_delete(user=request.user, activity=activity, reason=form.cleaned_data["reason"])
        except ValidationError as error:  # the month closed while the page was open
            _add_errors(form, error)
        else:
            messages.success(request, gettext("Deleted: %(record)s") % {"record": label})
            return redirect("sessions_app:archive")
    return render(request, "sessions_app/record_confirm_delete.html", {
        "activity": activity, "form": form, "closed": closed or "reason" in form.errors,
    })


@login_required
def record_detail(request, pk):
    activity = record_for_detail(request.user, pk)
    return render(request, "sessions_app/record_detail.html", {
        "activity": activity,
        "icon": KIND_ICONS.get(activity.kind, "journal"),
        "figure": key_figure(activity),
        "facts": _facts(activity),
        "attendance": attendance_rows(activity) if activity.takes_attendance else [],
        "totals": attendance_totals(activity) if activity.takes_attendance else None,
        "attachments": list(activity.attachments.all()),
        "topics": topics_of(activity),
        "history": record_history(activity),
        "can_write": policy.may(request.user, policy.WRITE, activity.committee),
        "articles": articles_of(activity),
        "month_closed": activity.month_closed,
        "offers_sign_in": signin.offers_sign_in(activity),
        # An auditor whose remit covers the committee may sit in on it (supervision refuses a conflict of interest).
        "may_audit": activity.takes_attendance and policy.may(request.user, policy.AUDIT, activity.committee),
    })


def _facts(activity):
    """(label, value) for every fact this kind records, as text."""
    from ..forms import KIND_FIELDS, KIND_LABELS

    names = ["held_on", "ends_on"] + [n for n in KIND_FIELDS[activity.kind] if n != "ends_on"]
    names += ["materials", "campaign", "theme", "notes"]
    labels = KIND_LABELS.get(activity.kind, {})
    facts = []
    for name in names:
        model_field = Activity._meta.get_field(name)
        if model_field.choices:
            value = getattr(activity, f"get_{name}_display")()
        else:
            value = getattr(activity, name)
        if isinstance(value, bool):
            value = gettext("Yes") if value else gettext("No")
        if value in (None, ""):
            continue
        facts.append((labels.get(name, model_field.verbose_name), value))
    return facts
