"""Access rules shared by the assessment pages.

Anonymous: the login page (login_required). No scope at all: 404 on every page, as if the page did
not exist. A user who may not do something gets 404, the same answer as for what does not exist (DOMAIN.md).
"""
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404

from committees import policy
from reports.figures import year_end_month
from reports.forms import parse_month
from reports.months import current_month

PAGE_SIZE = 50


def require_scope(user):
    return policy.require(user, policy.READ)  # committees/policy.py


def require_admin(user):
    """Only system administrators (superusers of the propaganda department) draw test rounds and edit the
    city-wide rules; anyone else is answered as if the page did not exist."""
    scope = require_scope(user)
    if not scope.is_admin:
        raise Http404
    return scope


def page_of(request, items, size=PAGE_SIZE):
    """A page of `items`; a bad or out-of-range page number gives the nearest page, never an error."""
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def as_query(pairs):
    return urlencode(pairs) if pairs else ""


def figures_month(request, year=None):
    """The month a page's figures are of (year to date): ?month=YYYY-MM, else the latest month of `year`
    (a year filter), else this month. A bad month is ignored."""
    month = parse_month(request.GET.get("month", ""))
    if month is not None:
        return month
    return year_end_month(year) if year else current_month()
