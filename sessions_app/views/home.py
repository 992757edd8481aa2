from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from committees.scope import scope_for

from ..presentation import quick_add_kinds
from ..selectors import latest_records, month_counts, writable_committees


@login_required
def home(request):
    scope = scope_for(request.user)
    writes = bool(scope.write_ids) or scope.is_admin
    context = {
        "has_scope": not scope.is_empty,
        "roots": scope.roots,
        "writes": writes,
        # An administrator writes for a whole subtree: their roots say where, not a list of every committee.
        "secretary_of": list(writable_committees(request.user)) if scope.write_ids and not scope.administers_any else [],
        "quick_add": quick_add_kinds() if writes else [],
        "latest": latest_records(request.user) if not scope.is_empty else [],
        "counts": month_counts(request.user) if not scope.is_empty else [],
        "today": timezone.localdate(),
    }
    context["month_total"] = sum(n for _, _, n in context["counts"])
    return render(request, "sessions_app/home.html", context)
