"""Who sees what in supervision, on top of committees/scope.py.

- superuser: everything (`is_admin`);
- administrator of C: as a leader of C and a secretary of every committee in C's subtree (`admin_paths`);
- leader of C: filings, visits (submitted) and rectifications of C's subtree;
- secretary of C: C's filings, and C's visits and rectifications once the visit is submitted (not drafts);
- auditor: the filings of the committees they may visit (their auditor-pool profile's subtrees) and their own
  visits, drafts included — nothing else.

The auditor's rights have one source, the pool profile, read once by committees/scope.py (see
committees/policy.py): the auditor role only marks pool membership, and this module adds no rule of its own.
"""
from dataclasses import dataclass, field

from django.db.models import Q

from committees.scope import committees_q, scope_for


@dataclass
class SupervisionScope:
    is_admin: bool = False
    leader_paths: list = field(default_factory=list)  # administrators' subtrees included
    admin_paths: list = field(default_factory=list)  # subtrees the user administers (committees/scope.py)
    secretary_ids: set = field(default_factory=set)
    auditor: object = None  # the user's active Auditor profile, if any
    auditor_paths: list = field(default_factory=list)  # subtrees the auditor may visit

    @property
    def is_leader(self):
        return self.is_admin or bool(self.leader_paths)

    def committee_q(self, prefix, *, paths, ids=()):
        return committees_q(prefix, paths=paths, ids=ids)

    def may_visit_path(self, path):
        return any(path.startswith(p) for p in self.auditor_paths)


def supervision_scope(user):
    """Computed once per user object, from scope_for (no query of its own)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return SupervisionScope()
    cached = getattr(user, "_supervision_scope", None)
    if cached is not None:
        return cached
    base = scope_for(user)
    scope = SupervisionScope(
        is_admin=base.is_admin, leader_paths=list(base.leader_paths), admin_paths=list(base.admin_paths),
        secretary_ids=set(base.write_ids), auditor=base.auditor_profile, auditor_paths=list(base.auditor_paths),
    )
    user._supervision_scope = scope
    return scope


def supervision_committee_q(user, prefix=""):
    """Committees whose filings (and logged sessions) the user may read in supervision pages."""
    scope = supervision_scope(user)
    if scope.is_admin:
        return Q()
    return scope.committee_q(prefix, paths=scope.leader_paths + scope.auditor_paths, ids=scope.secretary_ids)


def visit_q(user, prefix=""):
    """Visits the user may read: their own (drafts too), and submitted ones of committees they lead or keep."""
    scope = supervision_scope(user)
    if scope.is_admin:
        return Q()
    readers = scope.committee_q(f"{prefix}committee__", paths=scope.leader_paths, ids=scope.secretary_ids)
    visible = Q(**{f"{prefix}status": "submitted"}) & readers
    if scope.auditor is not None:
        visible |= Q(**{f"{prefix}auditor": scope.auditor})
    return visible


def has_conflict(home_path, path):
    """An auditor never visits their own committee, nor one above or below it."""
    return path.startswith(home_path) or home_path.startswith(path)
