from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("supervision/_unread_badge.html", takes_context=True)
def unread_badge(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"count": unread_count(user) if user is not None else 0}
