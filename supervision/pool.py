"""The auditor pool (巡听旁听人员库), administered in the portal by the administrators of a subtree.

An administrator keeps the auditors whose user they manage (committees.people.managed_users: every role and the
home committee in their subtree): home committee, the subtrees each may visit and their workload. Anything else is
not found (404). Every change is logged in the user's change log (committees.UserChange), shown on their page."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.models import UserChangeAction as Action
from committees.people import PAGE_SIZE, _offered, _require_administrator, _run, managed_users
from committees.people_forms import AuditorForm
from committees.people_services import _log
from committees.scope import get_object_in_scope

from .models import Auditor


def managed_auditors(user):
    return Auditor.objects.filter(user__in=managed_users(user))


def _auditor_text(auditor, may_visit):
    parts = [
        auditor.home_committee.name,
        "、".join(c.name for c in may_visit) or "—",
        gettext("%(n)s visits per draw period") % {"n": auditor.workload_limit},
    ]
    if not auditor.active:
        parts.append(gettext("inactive"))
    return "；".join(parts)


@transaction.atomic
def auditor_save(*, by, auditor=None, user, home_committee, may_visit, workload_limit, active=True):
    """Add `user` to the auditor pool, or change their entry (`auditor`)."""
    if auditor is None:
        if Auditor.objects.filter(user=user).exists():
            raise ValidationError({"user": _("This user is already in the auditor pool.")})
        auditor = Auditor(user=user)
        action = Action.AUDITOR_ADD
    else:
        auditor = Auditor.objects.select_for_update().get(pk=auditor.pk)
        action = Action.AUDITOR_CHANGE
    auditor.home_committee, auditor.workload_limit, auditor.active = home_committee, workload_limit, active
    auditor.full_clean()
    auditor.save()
    auditor.may_visit.set(may_visit)
    _log(auditor.user, action, by, _auditor_text(auditor, sorted(may_visit, key=lambda c: c.path)))
    return auditor


@transaction.atomic
def auditor_remove(*, by, auditor):
    """Out of the pool; one with assignments or visits stays (they name them): mark them inactive instead."""
    auditor = Auditor.objects.select_for_update().select_related("user").get(pk=auditor.pk)
    if auditor.assignments.exists() or auditor.visits.exists():
        raise ValidationError(_("This auditor has assignments or visits on record: mark them inactive instead."))
    user = auditor.user
    auditor.delete()
    _log(user, Action.AUDITOR_REMOVE, by)


@login_required
def auditor_list(request):
    _require_administrator(request)
    auditors = (
        managed_auditors(request.user).select_related("user", "home_committee").prefetch_related("may_visit")
        .order_by("user__username")
    )
    page = Paginator(auditors, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "committees/people/auditors.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def auditor_create(request):
    _require_administrator(request)
    users = managed_users(request.user).filter(is_active=True).exclude(
        pk__in=Auditor.objects.values("user")).order_by("username")
    form = AuditorForm(request.POST or None, committees=_offered(request), users=users)
    if request.method == "POST" and _run(form, lambda d: auditor_save(by=request.user, **d)):
        messages.success(request, gettext("Added to the auditor pool."))
        return redirect("supervision:auditors")
    return render(request, "committees/people/auditor_form.html", {"form": form, "auditor": None})


@login_required
@require_http_methods(["GET", "POST"])
def auditor_edit(request, pk):
    _require_administrator(request)
    auditor = get_object_in_scope(managed_auditors(request.user).select_related("user"), pk=pk)
    initial = {
        "home_committee": auditor.home_committee_id, "may_visit": list(auditor.may_visit.all()),
        "workload_limit": auditor.workload_limit, "active": auditor.active,
    }
    form = AuditorForm(request.POST or None, initial=initial, committees=_offered(request))
    if request.method == "POST" and _run(form, lambda d: auditor_save(by=request.user, auditor=auditor, user=auditor.user, **d)):
        messages.success(request, gettext("Saved."))
        return redirect("supervision:auditors")
    return render(request, "committees/people/auditor_form.html", {"form": form, "auditor": auditor})


@login_required
@require_POST
def auditor_delete(request, pk):
    _require_administrator(request)
    auditor = get_object_in_scope(managed_auditors(request.user).select_related("user"), pk=pk)
    try:
        auditor_remove(by=request.user, auditor=auditor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("supervision:auditor", pk=auditor.pk)
    messages.success(request, gettext("Removed from the auditor pool."))
    return redirect("supervision:auditors")
