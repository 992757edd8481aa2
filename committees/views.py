"""The committee tree of a subtree, administered in the portal by the administrator of its top committee.

Only committees the user administers (scope.administers) are found here: anything else is 404, like a committee
that does not exist. Writes go through committees.services (logged in CommitteeChange)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from . import policy
from .models import Committee, CommitteeKind, code_validator
from .scope import get_object_in_scope
from .services import committee_create, committee_move, committee_rename, committee_retire

PAGE_SIZE = 100
HISTORY_LINES = 50


def administered(user):
    """The committees `user` administers: a superuser's are all, an administrator's their subtrees'."""
    return policy.restrict(Committee.objects.all(), user, policy.ADMINISTER, field=None)


class CreateForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=40, validators=[code_validator])
    name = forms.CharField(label=_("name"), max_length=120)
    kind = forms.ChoiceField(label=_("kind"), choices=CommitteeKind.choices)

    def clean_code(self):
        code = self.cleaned_data["code"]
        if Committee.objects.filter(code=code).exists():
            raise ValidationError(_("A committee with this code already exists."))
        return code


class RenameForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)


class MoveForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("new parent committee"), queryset=Committee.objects.none(), to_field_name="code")

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = committees


def _committee(request, pk):
    return get_object_in_scope(administered(request.user), pk=pk)


def _require_administrator(request):
    policy.require(request.user, policy.ADMINISTER)


@login_required
def tree(request):
    """The administered subtrees as an indented list, searchable by name or code, paginated."""
    _require_administrator(request)
    committees = administered(request.user)
    # A NUL cannot be searched for (PostgreSQL refuses it in a string): drop control characters first.
    query = "".join(c for c in request.GET.get("q", "") if c >= " ").strip()[:120]
    if query:
        committees = committees.filter(Q(name__icontains=query) | Q(code__icontains=query))
    page = Paginator(committees.order_by("path"), PAGE_SIZE).get_page(request.GET.get("page"))
    top = min((c.depth for c in page.object_list), default=1)
    rows = [(c, range(c.depth - top)) for c in page.object_list]
    return render(request, "committees/tree.html", {"page": page, "rows": rows, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def committee_detail(request, pk):
    """One committee: rename it, add a sub-committee, move it, retire or reactivate it; its change log."""
    committee = _committee(request, pk)
    forms_ = {
        "rename": RenameForm(initial={"name": committee.name}, prefix="rename"),
        "create": CreateForm(prefix="create"),
        "move": MoveForm(committees=_move_targets(request, committee), prefix="move"),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in forms_:
            raise Http404
        done = _apply(request, committee, action, forms_)
        if done is not None:
            return redirect("committees:detail", pk=done.pk)
    return render(request, "committees/committee.html", {
        "committee": committee, "forms": forms_, "ancestors": _administered_ancestors(request, committee),
        "children": Committee.objects.get_children(committee),
        "changes": committee.changes.select_related("user")[:HISTORY_LINES],
    })


def _administered_ancestors(request, committee):
    """The breadcrumb: ancestors the user administers too (nothing above the subtree is shown)."""
    return [a for a in Committee.objects.get_ancestors(committee) if policy.may(request.user, policy.ADMINISTER, a)]


def _move_targets(request, committee):
    """Every administered committee: one under `committee` itself is refused at the field by committee_move."""
    return administered(request.user).order_by("path")


def _apply(request, committee, action, forms_):
    """Bind and run the posted form; the committee to show next, or None (errors shown at the fields)."""
    if action == "move":
        code = request.POST.get("move-parent", "")
        if code:  # a parent outside the administered subtrees is not found, like a missing one
            get_object_in_scope(administered(request.user), code=code[:40])
    extra = {"committees": forms_["move"].fields["parent"].queryset} if action == "move" else {}
    form = type(forms_[action])(request.POST, prefix=action, **extra)
    forms_[action] = form
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if action == "rename":
            result = committee_rename(committee=committee, name=data["name"], user=request.user)
            messages.success(request, gettext("Renamed."))
        elif action == "move":
            result = committee_move(committee=committee, parent=data["parent"], user=request.user)
            messages.success(request, gettext("Moved. The figures are recomputed in the background."))
        else:
            result = committee_create(parent=committee, user=request.user, **data)
            messages.success(request, gettext("Sub-committee added."))
    except ValidationError as error:  # the service's own checks, shown at their fields
        form.add_error(None, error)
        return None
    return result


@login_required
@require_POST
def committee_active(request, pk):
    """Retire (active=0) or reactivate (active=1)."""
    committee = _committee(request, pk)
    active = request.POST.get("active") == "1"
    committee_retire(committee=committee, user=request.user, active=active)
    messages.success(request, gettext("Reactivated.") if active else gettext("Retired. Its records and figures stay."))
    return redirect("committees:detail", pk=committee.pk)
