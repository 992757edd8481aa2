"""People of a subtree, administered in the portal: users and their roles (the auditor pool: supervision/pool.py).

An administrator of committee C (a superuser: everywhere) manages the users whose every role lies in C's subtree,
gives and takes roles on the active committees of that subtree, and keeps the auditors whose home committee is in
it. Anyone or anything else is not found (404). The access rule is the policy's ADMINISTER (committees/policy.py),
asked only by `may_administer` and the selectors below it. Writes go through committees.people_services (logged
in UserChange, shown on the user's page)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from .models import Committee, Role, User
from .people_forms import PersonCreateForm, PersonForm, RoleForm
from .people_services import (
    person_create,
    person_password_reset,
    person_set_active,
    person_update,
    role_give,
    role_take,
)
from .policy import ADMINISTER, committee_q, may, may_any, require, restrict
from .scope import get_object_in_scope, scope_for

PAGE_SIZE = 50
HISTORY_LINES = 100


# --- who may administer what (the access policy's ADMINISTER, in one place) -------------------------------


def may_administer(user, committee):
    return may(user, ADMINISTER, committee)


def administered_committees(user):
    """The committees `user` administers (all of them for a superuser)."""
    return restrict(Committee.objects.all(), user, ADMINISTER, field=None)


def managed_users(user):
    """The users `user` administers: every one of their roles (and their auditor home) in the administered subtrees,
    and at least one there. A superuser manages everyone; nobody else manages a superuser. (The auditor pool
    profile is supervision's, reached here by its reverse accessor: committees imports nothing above it.)"""
    if scope_for(user).is_admin:
        return User.objects.all()
    if not may_any(user, ADMINISTER):
        return User.objects.none()
    inside = committee_q(user, ADMINISTER, "committee__")
    home_inside = committee_q(user, ADMINISTER, "auditor_profile__home_committee__")
    auditors = User.objects.filter(auditor_profile__isnull=False)
    return (
        User.objects.filter(is_superuser=False)
        .filter(Q(pk__in=Role.objects.filter(inside).values("user")) | Q(pk__in=auditors.filter(home_inside).values("pk")))
        .exclude(pk__in=Role.objects.exclude(inside).values("user"))
        .exclude(pk__in=auditors.exclude(home_inside).values("pk"))
    )


def _require_administrator(request):
    require(request.user, ADMINISTER)


def _offered(request):
    """The committees offered for roles and the auditor pool: administered and active."""
    return administered_committees(request.user).filter(active=True).order_by("path")


# --- users ----------------------------------------------------------------------------------------------


@login_required
def people_list(request):
    _require_administrator(request)
    users = managed_users(request.user)
    query = "".join(c for c in request.GET.get("q", "") if c >= " ").strip()[:120]
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query) | Q(email__icontains=query))
    users = users.order_by("username").prefetch_related(
        Prefetch("roles", queryset=Role.objects.select_related("committee").order_by("committee__path", "kind"))
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "committees/people/list.html", {"page": page, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def person_create_view(request):
    _require_administrator(request)
    form = PersonCreateForm(request.POST or None, committees=_offered(request))
    if request.method == "POST" and form.is_valid():
        try:
            user, temporary = person_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("User %(username)s added.") % {"username": user.username})
            if temporary:
                _show_temporary(request, user, temporary)
            return redirect("committees:person", pk=user.pk)
    return render(request, "committees/people/create.html", {"form": form})


def _show_temporary(request, user, password):
    # Shown once, to the administrator, who hands it over in person (as Django admin's reset action does).
    messages.warning(
        request,
        gettext("Temporary password for %(username)s: %(password)s (to be changed at next login)")
        % {"username": user.username, "password": password},
    )


def _person(request, pk):
    _require_administrator(request)
    return get_object_in_scope(managed_users(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request, pk):
    """One user: their details, roles (give and take), state, password reset and history."""
    person = _person(request, pk)
    edit = PersonForm(initial={"full_name": person.full_name, "email": person.email}, prefix="edit")
    role = RoleForm(committees=_offered(request), prefix="role")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "edit":
            edit = PersonForm(request.POST, prefix="edit")
            if _run(edit, lambda d: person_update(by=request.user, user=person, **d)):
                messages.success(request, gettext("Saved."))
                return redirect("committees:person", pk=person.pk)
        elif action == "role":
            role = RoleForm(request.POST, committees=_offered(request), prefix="role")
            if _run(role, lambda d: role_give(by=request.user, user=person, **d)):
                messages.success(request, gettext("Role given."))
                return redirect("committees:person", pk=person.pk)
        else:
            raise Http404
    return _render_person(request, person, edit=edit, role=role)


def _run(form, service):
    """Validate `form` and call `service` with its data; service refusals land at their fields."""
    if not form.is_valid():
        return False
    try:
        service(form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)  # a dict of field errors goes to its fields
        return False
    return True


def _render_person(request, person, *, edit=None, role=None, role_errors=None, active_error=None, status=200):
    roles = list(person.roles.select_related("committee").order_by("committee__path", "kind"))
    return render(request, "committees/people/person.html", {
        "person": person,
        "edit": edit or PersonForm(initial={"full_name": person.full_name, "email": person.email}, prefix="edit"),
        "role_form": role or RoleForm(committees=_offered(request), prefix="role"),
        "roles": [(r, may_administer(request.user, r.committee), (role_errors or {}).get(r.pk)) for r in roles],
        "active_error": active_error,
        "auditor": getattr(person, "auditor_profile", None),  # supervision's pool profile, if any
        "changes": person.changes.select_related("by")[:HISTORY_LINES],
        "is_self": person.pk == request.user.pk,
    }, status=status)


@login_required
@require_POST
def person_active(request, pk):
    """Deactivate (active=0) or reactivate (active=1)."""
    person = _person(request, pk)
    active = request.POST.get("active") == "1"
    try:
        person_set_active(by=request.user, user=person, active=active)
    except ValidationError as error:
        return _render_person(request, person, active_error=" ".join(error.messages), status=400)
    messages.success(request, gettext("Reactivated.") if active else gettext("Deactivated: this user can no longer log in."))
    return redirect("committees:person", pk=person.pk)


@login_required
@require_POST
def person_password(request, pk):
    person = _person(request, pk)
    _show_temporary(request, person, person_password_reset(by=request.user, user=person))
    return redirect("committees:person", pk=person.pk)


@login_required
@require_POST
def role_remove(request, pk, role_pk):
    person = _person(request, pk)
    role = get_object_in_scope(person.roles.select_related("committee"), pk=role_pk)
    if not may_administer(request.user, role.committee):
        raise Http404
    try:
        role_take(by=request.user, role=role)
    except ValidationError as error:
        return _render_person(request, person, role_errors={role.pk: " ".join(error.messages)}, status=400)
    messages.success(request, gettext("Role taken."))
    return redirect("committees:person", pk=person.pk)
