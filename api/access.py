"""The API's one access rule: what a caller may read and write is exactly what the pages let them.

Every queryset the API reads starts here, narrowed by the access policy (committees/policy.py `restrict`) or by
the page's own selector where the page narrows further (supervision: a draft visit is its auditor's alone). Out of
scope is simply not found (404), the same as missing. One function per direction, so that the policy can be
switched in one place.
"""
from assessment.models import PracticalTask
from committees import policy
from committees.models import Committee, Member
from reports import scoping
from sessions_app.models import Activity
from supervision import selectors as supervision_selectors


def readable(user, resource):
    """The rows of `resource` the user may read, before any filter or prefetch."""
    if resource == "committees":
        return policy.restrict(Committee.objects.all(), user, policy.READ, field=None)
    if resource == "members":
        return policy.restrict(Member.objects.all(), user, policy.READ)
    if resource == "records":
        return policy.restrict(Activity.objects.all(), user, policy.READ)
    if resource == "tasks":
        return policy.restrict(PracticalTask.objects.all(), user, policy.READ)
    if resource == "filings":
        return supervision_selectors.filings_for(user)
    if resource == "visits":
        return supervision_selectors.visits_for(user)
    if resource == "rectifications":
        return supervision_selectors.rectifications_for(user)
    raise LookupError(resource)


def writable_records(user):
    """The records the user may change or delete: those of the committees they write for (the record pages)."""
    return policy.restrict(Activity.objects.all(), user, policy.WRITE)


def require_writer(user):
    """A reader (leader, auditor) is told nothing more than a stranger is: writing does not exist for them (404)."""
    policy.require(user, policy.WRITE)


def reads_subtree(user, committee):
    """Whether the user reads everything under `committee` (leaders, auditors, administrators): the subtree
    figures of `stats --json` are theirs to see; a secretary reads their own committee's group only."""
    return scoping.reads_subtree(user, committee)
