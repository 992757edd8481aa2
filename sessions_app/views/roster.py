"""The study group's member roster, kept by the group's secretary (or an administrator of the subtree).

Attendance lists follow it: a record offers the members on the roster on the session's day (forms.members_for).
"""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from committees import policy
from committees.models import Member
from committees.scope import get_object_in_scope, scope_for
from committees.services import member_create, member_update
from studygroup.dates import bound_form_dates
from studygroup.history import history_from

from ..selectors import writable_committees

DATE = {"type": "date"}
HISTORY_LINES = 50


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "position", "is_leader", "joined_on", "left_on"]
        widgets = {
            "joined_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "left_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_form_dates(self, Member, "joined_on", "left_on")


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("left on"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_form_dates(self, Member, "left_on")


def _roster_committee(request):
    """The committee whose roster is shown: ?committee=<code> among those the user writes, else their own."""
    committees = writable_committees(request.user)
    code = request.GET.get("committee")
    if code:
        return get_object_in_scope(committees, code=code)
    for root in scope_for(request.user).roots:  # an administrator starts at the committee of their role
        if policy.may(request.user, policy.WRITE, root):
            return root
    committee = committees.first()
    if committee is None:
        raise Http404  # a reader keeps no roster: the page does not exist for them
    return committee


def _member_in_scope(request, pk):
    return get_object_in_scope(
        Member.objects.filter(committee__in=writable_committees(request.user)).select_related("committee"), pk=pk,
    )


def _roster_url(committee):
    return f"{reverse('sessions_app:roster')}?committee={committee.code}"


def _apply(form, save):
    """Call the service; a ValidationError from it is shown at its fields. True when saved."""
    try:
        save()
    except ValidationError as error:
        for field, problems in error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
            form.add_error(field if field in form.fields else None, problems)
        return False
    return True


def roster_history(committee):
    """One line per save of any member of the roster, newest first (the generic history, subject = the member)."""
    versions = list(Member.history.filter(committee_id=committee.pk).select_related("history_user")
                    .order_by("id", "history_date", "history_id"))
    by_member = {}
    for version in versions:
        by_member.setdefault(version.id, []).append(version)
    entries = []
    for member_versions in by_member.values():
        entries.extend(history_from(member_versions, subject=member_versions[-1].name))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LINES]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def roster(request):
    committee = _roster_committee(request)
    form = MemberForm(request.POST or None, instance=Member(committee=committee))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in MemberForm.Meta.fields}
        if _apply(form, lambda: member_create(committee=committee, user=request.user, **data)):
            messages.success(request, gettext("Added to the roster: %(name)s") % {"name": data["name"]})
            return redirect(_roster_url(committee))
    if request.method == "POST":
        messages.error(request, gettext("The member was not saved. Please correct the fields marked below."))
    members = Member.objects.filter(committee=committee).order_by("order", "id")
    today = timezone.localdate()
    return render(request, "sessions_app/roster.html", {
        "committee": committee, "form": form, "today": today,
        "current": [m for m in members if m.active],  # active follows the leaving date (member_update)
        "former": [m for m in members if not m.active],
        "committees": writable_committees(request.user) if policy.may_any(request.user, policy.ADMINISTER) else None,
        "history": roster_history(committee),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def roster_edit(request, pk):
    member = _member_in_scope(request, pk)
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in MemberForm.Meta.fields}
        if _apply(form, lambda: member_update(member=member, user=request.user, **data)):
            messages.success(request, gettext("Saved: %(name)s") % {"name": data["name"]})
            return redirect(_roster_url(member.committee))
    if request.method == "POST":
        messages.error(request, gettext("The member was not saved. Please correct the fields marked below."))
    return render(request, "sessions_app/roster_member.html", {"member": member, "form": form})


@require_POST
@login_required
def roster_leave(request, pk):
    member = _member_in_scope(request, pk)
    form = LeaveForm(request.POST)
    if form.is_valid() and _apply(form, lambda: member_update(
            member=member, user=request.user, left_on=form.cleaned_data["left_on"])):
        messages.success(request, gettext("%(name)s has left the group.") % {"name": member.name})
        return redirect(_roster_url(member.committee))
    messages.error(request, gettext("The member was not saved. Please correct the fields marked below."))
    # The edit form, with the typed leaving date, shows the problem at its field.
    data = {name: getattr(member, name) or "" for name in MemberForm.Meta.fields}
    data["is_leader"] = "on" if member.is_leader else ""
    data["left_on"] = request.POST.get("left_on", "")
    edit = MemberForm(data, instance=Member.objects.get(pk=member.pk))
    edit.is_valid()
    return render(request, "sessions_app/roster_member.html", {"member": member, "form": edit})
