"""Which committees a user's report pages show: the start committee, a committee by code (404 out of scope),
whether the user reads its whole subtree or the committee alone (a secretary), the breadcrumb and the direct
sub-committees; and `uses_own`, the one place that chooses between a committee's own group's figures and its
whole subtree's.

Every committee comes through the scope layer (`Committee.objects.visible_to`, `committees.scope.scope_for`), so
that out of scope is a plain 404.
"""
from django.http import Http404

from committees.models import Committee
from committees.scope import get_object_in_scope, scope_for

from .metrics import OWN


def start_committee(user):
    """The committee a user's pages start from: their first root (admins: the tree's root)."""
    scope = scope_for(user)
    if scope.is_empty or not scope.roots:
        raise Http404
    return scope.roots[0]


def committee_for(user, code):
    """The committee `code` if the user may read it, else 404 (missing and out of scope look alike)."""
    if not code:
        return start_committee(user)
    # A committee the user holds a role on is in their scope by definition and already loaded with it.
    held = next((c for c in scope_for(user).roots if c.code == code), None)
    return held or get_object_in_scope(Committee.objects.visible_to(user), code=code)


def reads_subtree(user, committee):
    """Whether the user may read everything under `committee` (leaders, auditors, admins) or only
    the committee itself (a secretary): a secretary's figures are then the committee's own group."""
    scope = scope_for(user)
    return scope.is_admin or any(committee.path.startswith(p) for p in scope.subtree_paths)


def uses_own(definition, *, user=None, committee=None, subtree_readable=None):
    """Whether what `user` is shown of the figure `definition` (a registry Metric, Ratio or Coverage) on
    `committee` is the committee's own group's rather than its whole subtree's. The dashboard's cards, headline
    and trend, the drill-down's rows and total, the bulletin, the supervision and the assessment pages all ask here.

    The own group's when the figure is of the own group (scope OWN, e.g. T1), or when the reader reads the
    committee alone (a secretary: never a sum over the committees under it); the subtree's otherwise. A caller
    that already knows whether the reader reads the whole subtree (`reads_subtree`: a page of many figures, or a
    bulletin built for whoever reads the subtree and cached without a user) passes `subtree_readable` instead."""
    if subtree_readable is None:
        subtree_readable = reads_subtree(user, committee)
    return definition.scope == OWN or not subtree_readable


def breadcrumb(user, committee):
    """committee's ancestors the user may read, root first, ending with committee itself."""
    steplen = Committee.steplen
    prefixes = [committee.path[:n] for n in range(steplen, len(committee.path) + 1, steplen)]
    if nothing_readable_above(scope_for(user), committee):
        return [committee]
    return list(Committee.objects.visible_to(user).filter(path__in=prefixes).order_by("depth"))


def nothing_readable_above(scope, committee):
    """True when no ancestor of `committee` can be in the scope, so the breadcrumb needs no query: a
    root, or a leader/auditor at the top of their own subtree (a secretary's or an admin's scope
    may hold ancestors: then they are read)."""
    if committee.depth <= 1:
        return True
    if scope.is_admin or scope.exact_ids:
        return False
    return not any(committee.path.startswith(p) and p != committee.path for p in scope.subtree_paths)


def sub_committees(user, committee):
    """Direct sub-committees, only when the user may read the subtree."""
    if not reads_subtree(user, committee) or committee.numchild == 0:
        return []
    return list(
        Committee.objects.visible_to(user)
        .filter(path__startswith=committee.path, depth=committee.depth + 1)
        .order_by("path")
    )
