"""The user's scope: the facts the access policy (committees/policy.py) decides from.

Views, exports, tasks and selectors ask the policy (`restrict`, `may`), not this module: it computes, once per
user object, which subtrees and committees each role reaches.

- Django superuser: everything (`is_admin`, the only global right);
- administrator of C: C's subtree only: reads it as a leader, writes the records of every committee in it as
  their secretary would (`admin_paths`: the write check is a path prefix, no list of ids), and administers it;
- leader of C: C and everything under it (read);
- auditor: the subtrees their auditor-pool profile may visit (read, audit). The profile (supervision's Auditor:
  active, may-visit subtrees) is the one source of an auditor's rights; the auditor role only marks the user as a
  member of the pool and grants nothing by itself (without an active profile it reaches nothing);
- secretary of C: C itself (read and write).
"""
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import Http404

from .models import Committee, RoleKind


@dataclass
class Scope:
    is_admin: bool = False
    subtree_paths: list = field(default_factory=list)  # read: each path's whole subtree
    exact_ids: set = field(default_factory=set)  # read: these committees only
    write_ids: set = field(default_factory=set)  # write: records of these committees (a secretary's)
    roots: list = field(default_factory=list)  # the committees the user's pages start from
    leader_paths: list = field(default_factory=list)  # of subtree_paths, those read as a leader
    auditor_paths: list = field(default_factory=list)  # of subtree_paths, those read as an auditor
    admin_paths: list = field(default_factory=list)  # of subtree_paths, those the user administers (and writes)
    auditor_profile: object = None  # the active auditor-pool profile behind auditor_paths, if any

    @property
    def is_empty(self):
        return not (self.is_admin or self.subtree_paths or self.exact_ids)

    def committee_q(self, prefix=""):
        """A Q over a Committee (or, with prefix "committee__", over anything with a committee)."""
        if self.is_admin:
            return Q()
        return committees_q(prefix, paths=self.subtree_paths, ids=self.exact_ids)

    def filter_committees(self, qs):
        return qs.filter(self.committee_q())

    def filter_by_committee(self, qs, field_name="committee"):
        """Narrow any queryset whose rows belong to a committee through `field_name`."""
        if self.is_admin:
            return qs
        if self.is_empty:
            return qs.none()
        return qs.filter(self.committee_q(prefix=f"{field_name}__"))

    def can_read_committee(self, committee):
        return (
            self.is_admin
            or committee.id in self.exact_ids
            or any(committee.path.startswith(p) for p in self.subtree_paths)
        )

    def can_write_committee(self, committee):
        return self.is_admin or committee.id in self.write_ids or self.administers(committee)

    @property
    def writes_any(self):
        return self.is_admin or bool(self.write_ids or self.admin_paths)

    def write_q(self, prefix=""):
        """A Q over the committees whose records the user writes: a secretary's, and an administrator's subtrees."""
        if self.is_admin:
            return Q()
        return committees_q(prefix, paths=self.admin_paths, ids=self.write_ids)

    def administers(self, committee):
        """Whether the user administers `committee`: a superuser anywhere, an administrator in their subtree."""
        return self.is_admin or any(committee.path.startswith(p) for p in self.admin_paths)

    @property
    def administers_any(self):
        return self.is_admin or bool(self.admin_paths)

    def writable_committees(self):
        if self.is_admin:
            return Committee.objects.all()
        return Committee.objects.filter(self.write_q())


def committees_q(prefix="", *, paths=(), ids=()):
    """Committees in any of the subtrees `paths` or among `ids` (nothing when both are empty)."""
    parts = [Q(**{f"{prefix}path__startswith": p}) for p in outermost_paths(paths)]
    if ids:
        parts.append(Q(**{f"{prefix}id__in": sorted(ids)}))
    return reduce(or_, parts) if parts else Q(pk__in=[])


def outermost_paths(paths):
    """Drop paths that lie under another path of the list: one prefix test suffices for them."""
    kept = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_for(user):
    """The user's scope, computed once per user object (one query; two more for a member of the auditor pool)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_studygroup_scope", None)
    if cached is not None:
        return cached
    scope = Scope(is_admin=user.is_superuser)
    in_pool = False
    for role in user.roles.select_related("committee").order_by("committee__path"):
        committee = role.committee
        if role.kind == RoleKind.ADMIN:
            # Scoped to the role's committee: a superuser (is_superuser) alone has global rights.
            scope.admin_paths.append(committee.path)
            scope.subtree_paths.append(committee.path)
            scope.leader_paths.append(committee.path)
        elif role.kind == RoleKind.LEADER:
            scope.subtree_paths.append(committee.path)
            scope.leader_paths.append(committee.path)
        elif role.kind == RoleKind.AUDITOR:
            in_pool = True  # where the role sits says nothing: the profile decides (below)
            continue
        elif role.kind == RoleKind.SECRETARY:
            scope.exact_ids.add(committee.id)
            scope.write_ids.add(committee.id)
        if committee not in scope.roots:
            scope.roots.append(committee)
    if in_pool:
        _add_audit(scope, user)
    if scope.is_admin and not scope.roots:
        scope.roots = list(Committee.objects.get_root_nodes())
    user._studygroup_scope = scope
    return scope


def _add_audit(scope, user):
    """An auditor reaches the subtrees their active pool profile may visit: the one source of their rights."""
    try:
        profile = user.auditor_profile  # supervision's Auditor, by its reverse accessor (no import upwards)
    except ObjectDoesNotExist:
        return
    if not profile.active:
        return
    scope.auditor_profile = profile
    for committee in profile.may_visit.order_by("path"):
        scope.auditor_paths.append(committee.path)
        scope.subtree_paths.append(committee.path)
        if committee not in scope.roots:
            scope.roots.append(committee)


def get_object_in_scope(queryset, **lookup):
    """Fetch one row from an already-scoped queryset: missing and out of scope are the same 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404
