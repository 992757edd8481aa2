from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from committees import policy
from committees.scope import scope_for

from ..presentation import quick_add_kinds
from ..selectors import administrators_to_ask, latest_records, month_counts, writable_committees


@login_required
def home(request):
    scope = scope_for(request.user)
    if policy.has_no_role(request.user):
        # The first page after login: say plainly why there is nothing here and whom to ask.
        return render(request, "sessions_app/no_role.html", {"administrators": administrators_to_ask()})
    if policy.may_any(request.user, policy.AUDIT) and not (scope.is_admin or scope.writes_any or scope.leader_paths):
        # An auditor's work (assigned visits, filed sessions) is in supervision: start there.
        return redirect("supervision:home")
    if (scope.is_admin or scope.leader_paths) and not scope.exact_ids and "records" not in request.GET:
        # Leaders and administrators start on their briefing (the dashboard opens on the latest month with
        # figures); a secretary's role keeps this page. ?records shows it to them (record entry, latest records).
        return redirect("reports:dashboard")
    writes = policy.may_any(request.user, policy.WRITE)
    context = {
        "roots": scope.roots,
        "writes": writes,
        # An administrator writes for a whole subtree: their roots say where, not a list of every committee.
        "secretary_of": list(writable_committees(request.user)) if scope.write_ids and not scope.administers_any else [],
        "quick_add": quick_add_kinds() if writes else [],
        "latest": latest_records(request.user),
        "counts": month_counts(request.user),
        "today": timezone.localdate(),
    }
    context["month_total"] = sum(n for _, _, n in context["counts"])
    return render(request, "sessions_app/home.html", context)
