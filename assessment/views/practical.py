"""Practical-matter task pages: the list with its completion rate, and create/edit for secretaries."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees import policy
from committees.scope import get_object_in_scope
from studygroup.lists import render_list

from .. import selectors, services
from ..forms import PracticalTaskForm
from ..history import task_history
from ..lists import TaskFilter, TaskTable
from .common import PAGE_SIZE, figures_month, require_scope


@login_required
def tasks(request):
    require_scope(request.user)
    # The figures are T15 of the committee filtered on (else the user's own), year to date as the registry
    # defines it; the other filters narrow the list below, never a figure.
    committee = selectors.figures_committee(request.user, request.GET.get("committee"))
    year = _year(request.GET.get("year"))
    month = figures_month(request, year)
    return render_list(
        request, "assessment/tasks.html", queryset=selectors.practical_tasks_for(request.user),
        filterset_class=TaskFilter, table_class=TaskTable, export_name="tasks",
        export_title=_("Practical-matter tasks"), per_page=PAGE_SIZE,
        context={
            "figures": selectors.page_figures(request.user, committee, month, selectors.TASK_FIGURES),
            "can_create": policy.may_any(request.user, policy.WRITE),
        },
    )


def _year(value):
    try:
        year = int(value or "")
    except ValueError:
        return None
    return year if 2000 <= year <= 2100 else None


def _save(request, form, task=None):
    data = form.cleaned_data
    fields = {name: data[name] for name in ("title", "description", "due_on", "status", "completed_on")}
    try:
        if task is None:
            return services.practical_task_create(committee=data["committee"], user=request.user, **fields)
        return services.practical_task_update(task=task, user=request.user, **fields)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request):
    policy.require(request.user, policy.WRITE)
    form = PracticalTaskForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("Task saved."))
        return redirect("assessment:tasks")
    return render(request, "assessment/task_form.html", {"form": form, "task": None})


@login_required
def task_detail(request, pk):
    require_scope(request.user)
    task = get_object_in_scope(selectors.practical_tasks_for(request.user).select_related("created_by"), pk=pk)
    return render(request, "assessment/task_detail.html", {
        "task": task, "history": task_history(task), "can_edit": policy.may(request.user, policy.WRITE, task.committee),
    })


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk):
    task = policy.get_or_404(selectors.practical_tasks_for(request.user), request.user, policy.WRITE, pk=pk)
    form = PracticalTaskForm(request.POST or None, instance=task, user=request.user)
    if request.method == "POST" and form.is_valid() and _save(request, form, task):
        messages.success(request, _("Task saved."))
        return redirect("assessment:tasks")
    return render(request, "assessment/task_form.html", {"form": form, "task": task})
