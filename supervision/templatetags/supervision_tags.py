from django import template
from django.utils import timezone

from committees import policy

from ..models import Filing
from ..selectors import unread_count, visitable_filings

register = template.Library()

UPCOMING_ON_HOME = 5


@register.inclusion_tag("supervision/_unread_badge.html", takes_context=True)
def unread_badge(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"count": unread_count(user) if user is not None else 0}


@register.simple_tag(takes_context=True)
def may_visit_filing(context, filing):
    """Whether the user, as an auditor, may start a visit to this filed session (its subtree, no conflict)."""
    user = getattr(context.get("request"), "user", None)
    return user is not None and visitable_filings(user).filter(pk=filing.pk).exists()


@register.inclusion_tag("supervision/_home_filings.html", takes_context=True)
def secretary_filings(context):
    """The secretary's home card: their committees' next filed sessions and a button to file one (学习报备)."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not policy.may_any(user, policy.WRITE):
        return {"show": False}
    filings = policy.restrict(Filing.objects.filter(planned_on__gte=timezone.localdate()), user, policy.WRITE)
    filings = filings.select_related("committee")
    return {"show": True, "filings": list(filings.order_by("planned_on", "id")[:UPCOMING_ON_HOME])}
