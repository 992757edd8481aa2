"""The one access policy: may this user do ACTION on rows of this committee?

Every view, export, task and API endpoint asks here, in the spirit of NetBox's `RestrictedQuerySet.restrict`:

    restrict(Activity.objects.all(), user, WRITE)            # rows of committees the user writes
    restrict(Attachment.objects.all(), user, READ, field="activity__committee")
    restrict(Committee.objects.all(), user, ADMINISTER, field=None)   # the committees themselves
    may(user, WRITE, record.committee)                       # one object
    may_any(user, WRITE)                                     # does the user write anywhere (the "new" buttons)
    require(user, WRITE, committee)                          # 404 unless may(...)
    Activity.objects.all().restrict(user, WRITE)             # the same, as a queryset method (records, committees)

Actions, on the committee a row belongs to:

| role on C                | read          | write         | administer   | audit                       |
|--------------------------|---------------|---------------|--------------|-----------------------------|
| Django superuser         | everything    | everything    | everything   | everything (no visits)      |
| administrator            | C's subtree   | C's subtree   | C's subtree  | —                           |
| leader                   | C's subtree   | —             | —            | —                           |
| secretary                | C             | C             | —            | —                           |
| auditor (pool member)    | may-visit subtrees of their active pool profile (read and audit)            |
| no role                  | nothing: every portal page says "you have no role yet" and whom to ask      |

The auditor's rights come from one source: their auditor-pool profile (supervision's `Auditor`: active,
may-visit subtrees, home committee). The auditor role only marks the user as a member of the pool: it grants
nothing by itself, and where it sits in the tree does not matter. A profile that is not active reaches nothing.
Audit = read the filings, sessions and records of the subtrees the profile may visit, and sit in on their sessions
(except the auditor's own committee and those above or below it: supervision/scoping.py `has_conflict`). Making a
visit takes an active pool profile, a superuser's too.

What the user may not see is not found: every refusal is `Http404`, the same answer as for something that does
not exist (a stray `PermissionDenied` is answered 404 too: `denied_as_not_found`, the project's handler403).
The write check is a path prefix (an administrator high in the tree never loads the ids of their subtree).
tests/test_permission_matrix.py holds the exact answer of every URL for every role and relation of the committee.
"""
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.views.defaults import page_not_found

from .models import RoleKind, User
from .scope import committees_q, get_object_in_scope, scope_for

READ = "read"
WRITE = "write"
ADMINISTER = "administer"
AUDIT = "audit"
ACTIONS = (READ, WRITE, ADMINISTER, AUDIT)


def _check(action):
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")


def committee_q(user, action=READ, prefix="", *, audit=True):
    """A Q over the committees (with `prefix`, e.g. "committee__", over rows with a committee) the user may
    do `action` on. `audit=False` leaves out what the user reads only as an auditor (e.g. a volume of the
    study archive is kept for a group's secretary and leaders, not its visitors)."""
    _check(action)
    scope = scope_for(user)
    if scope.is_admin:
        return models.Q()
    if action == READ:
        paths = scope.subtree_paths if audit else scope.leader_paths
        return committees_q(prefix, paths=paths, ids=scope.exact_ids)
    if action == WRITE:
        return scope.write_q(prefix)
    if action == ADMINISTER:
        return committees_q(prefix, paths=scope.admin_paths)
    return committees_q(prefix, paths=scope.auditor_paths)


def restrict(queryset, user, action=READ, field="committee", *, audit=True):
    """`queryset` narrowed to the rows whose committee (reached through `field`; None for committees
    themselves) the user may do `action` on."""
    _check(action)
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    if scope.is_empty:
        return queryset.none()
    return queryset.filter(committee_q(user, action, f"{field}__" if field else "", audit=audit))


def may(user, action, committee):
    """Whether the user may do `action` on the rows of `committee` (a Committee, never None)."""
    _check(action)
    scope = scope_for(user)
    if scope.is_admin:
        return True
    if action == READ:
        return scope.can_read_committee(committee)
    if action == WRITE:
        return scope.can_write_committee(committee)
    if action == ADMINISTER:
        return scope.administers(committee)
    return any(committee.path.startswith(p) for p in scope.auditor_paths)


def may_any(user, action=READ):
    """Whether the user may do `action` on some committee (e.g. whether to offer "new record")."""
    _check(action)
    scope = scope_for(user)
    if scope.is_admin:
        return True
    return bool({
        READ: not scope.is_empty,
        WRITE: scope.writes_any,
        ADMINISTER: scope.admin_paths,
        AUDIT: scope.auditor_paths,
    }[action])


def require(user, action=READ, committee=None):
    """404 unless the user may do `action` on `committee` (without one: on some committee)."""
    allowed = may_any(user, action) if committee is None else may(user, action, committee)
    if not allowed:
        raise Http404
    return scope_for(user)


def get_or_404(queryset, user, action=READ, field="committee", **lookup):
    """One row of `queryset` the user may do `action` on: missing and not yours are the same 404."""
    return get_object_in_scope(restrict(queryset, user, action, field), **lookup)


def writable_among(user, committees):
    """The ids of `committees` (objects with .id and .path) whose rows the user writes: for "edit" links of a
    page of rows, without a query."""
    return {c.id for c in committees if may(user, WRITE, c)}


def has_no_role(user):
    """A signed-in user who reaches nothing: the portal's home tells them so and whom to ask."""
    return user.is_authenticated and scope_for(user).is_empty


def administrators_to_ask(*, limit=5):
    """Whom a user with no role asks for one: administrators of a top committee, then system administrators."""
    top_admins = models.Q(roles__kind=RoleKind.ADMIN, roles__committee__depth=1)
    return list(
        User.objects.filter(is_active=True).filter(top_admins | models.Q(is_superuser=True))
        .distinct().order_by("-is_superuser", "username")[:limit]
    )


NO_ROLE_TEMPLATE = "sessions_app/no_role.html"
# Not the portal's committee pages: Django's admin (its own login), the API (its own authentication and answers),
# the health check, and the member's QR sign-in page (no login). Pages outside any namespace (accounts, language)
# are open to every signed-in user.
NOT_GATED = {"admin", "api", "ops"}
NOT_GATED_VIEWS = {"sessions_app:signin_member"}


class NoRoleMiddleware:
    """A signed-in user with no role gets, on every portal page, the page that says so and whom to ask (404 like
    anything else that is not theirs; 200 on the home page they land on after login), never empty lists."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not match.namespaces or match.namespaces[0] in NOT_GATED:
            return None
        if match.view_name in NOT_GATED_VIEWS:
            return None
        if not has_no_role(request.user):
            return None
        status = 200 if match.view_name == "sessions_app:home" else 404
        return render(request, NO_ROLE_TEMPLATE, {"administrators": administrators_to_ask()}, status=status)


class RestrictedQuerySet(models.QuerySet):
    """A queryset with `.restrict(user, action)`; `restrict_field` names the path to the row's committee."""

    restrict_field = "committee"

    def restrict(self, user, action=READ):
        return restrict(self, user, action, self.restrict_field)


def denied_as_not_found(request, exception=None):
    """The project's handler403: "you may not" is answered like "there is no such page" (DOMAIN.md)."""
    return page_not_found(request, Http404())
