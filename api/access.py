"""The API's one access rule: what a caller may read and write is exactly what the pages let them.

Every queryset the API reads starts here, narrowed by the scope layer (committees/scope.py) or by the page's own
selector where the page narrows further (supervision: an auditor's pool, a draft visit is its auditor's alone).
Out of scope is simply not found (404), the same as missing. One function per direction, so that the policy can be
switched in one place.
"""
from django.http import Http404

from assessment.models import PracticalTask
from committees import policy
from committees.models import Committee, Member
from committees.scope import scope_for
from sessions_app.models import Activity
from supervision import selectors as supervision_selectors


def readable(user, resource):
    """The rows of `resource` the user may read, before any filter or prefetch."""
    scope = scope_for(user)
    if resource == "committees":
        return scope.filter_committees(Committee.objects.all())
    if resource == "members":
        return scope.filter_by_committee(Member.objects.all())
    if resource == "records":
        return scope.filter_by_committee(Activity.objects.all())
    if resource == "tasks":
        return scope.filter_by_committee(PracticalTask.objects.all())
    if resource == "filings":
        return supervision_selectors.filings_for(user)
    if resource == "visits":
        return supervision_selectors.visits_for(user)
    if resource == "rectifications":
        return supervision_selectors.rectifications_for(user)
    raise LookupError(resource)


def writable_records(user):
    """The records the user may change or delete: those of the committees they write for (the record pages)."""
    return Activity.objects.writable_by(user)


def require_writer(user):
    """A reader (leader, auditor) is told nothing more than a stranger is: writing does not exist for them."""
    if not policy.may_any(user, policy.WRITE):  # committees/policy.py
        raise Http404


def reads_subtree(user, committee):
    """Whether the user reads everything under `committee` (leaders, auditors, administrators): the subtree
    figures of `stats --json` are theirs to see; a secretary reads their own committee's group only."""
    scope = scope_for(user)
    return scope.is_admin or any(committee.path.startswith(p) for p in scope.subtree_paths)
