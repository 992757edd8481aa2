from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from committees import policy

from ..forms import PlanApprovalForm, PlanTopicFormSet, StudyPlanForm
from ..models import StudyPlan
from ..selectors import (
    plan_for_detail,
    plan_for_writing,
    plan_topics_with_records,
    plans_visible,
    sole_writable_committee,
    writable_committees,
)
from ..services import study_plan_approve, study_plan_save
from .records import _writer_or_404


@login_required
def plans(request):
    return render(request, "sessions_app/plans.html", {
        "plans": list(plans_visible(request.user)),
        "can_create": policy.may_any(request.user, policy.WRITE),
    })


@login_required
def plan_detail(request, pk):
    plan = plan_for_detail(request.user, pk)
    can_write = policy.may(request.user, policy.WRITE, plan.committee)
    approval = PlanApprovalForm(initial={"approved_by": plan.approved_by, "approved_on": plan.approved_on})
    return render(request, "sessions_app/plan_detail.html", {
        "plan": plan, "topics": plan_topics_with_records(request.user, plan), "can_write": can_write,
        "approval": approval if can_write else None,
    })


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_create(request):
    _writer_or_404(request.user)
    return _plan_form(request, StudyPlan())


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_edit(request, pk):
    _writer_or_404(request.user)
    return _plan_form(request, plan_for_writing(request.user, pk))


def _plan_form(request, plan):
    data = request.POST if request.method == "POST" else None
    form = StudyPlanForm(
        data, instance=plan, writable_committees=writable_committees(request.user),
        sole_committee=sole_writable_committee(request.user),
    )
    topics = PlanTopicFormSet(data, instance=plan, prefix="topics")
    if data is not None and form.is_valid() and topics.is_valid():
        plan = study_plan_save(user=request.user, plan=form.save(commit=False), topics_formset=topics)
        messages.success(request, gettext("Study plan saved."))
        return redirect("sessions_app:plan_detail", pk=plan.pk)
    if data is not None:
        messages.error(request, gettext("The plan was not saved. Please correct the fields marked below."))
    return render(request, "sessions_app/plan_form.html", {"form": form, "topics": topics, "plan": plan})


@require_POST
@login_required
def plan_approve(request, pk):
    _writer_or_404(request.user)
    plan = plan_for_writing(request.user, pk)
    form = PlanApprovalForm(request.POST)
    if form.is_valid():
        study_plan_approve(user=request.user, plan=plan, **form.cleaned_data)
        messages.success(request, gettext("The plan is marked as approved."))
        return redirect("sessions_app:plan_detail", pk=plan.pk)
    visible = plan_for_detail(request.user, pk)
    return render(request, "sessions_app/plan_detail.html", {
        "plan": visible, "topics": plan_topics_with_records(request.user, visible), "can_write": True,
        "approval": form,
    })
