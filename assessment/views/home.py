"""The assessment home: this year's knowledge tests, practical-matter tasks and the latest assessment."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from .. import selectors
from .common import require_scope


@login_required
def home(request):
    scope = require_scope(request.user)
    today = timezone.localdate()
    years = selectors.assessment_years(request.user)
    return render(request, "assessment/home.html", {
        "year": today.year,
        "tests": selectors.knowledge_test_totals(selectors.rounds_for(request.user).filter(held_on__year=today.year)),
        "tasks": selectors.practical_task_figures(
            selectors.practical_tasks_for(request.user).filter(due_on__year=today.year), today=today
        ),
        "latest_year": years[0] if years else today.year - 1,
        "is_admin": scope.is_admin,
    })
