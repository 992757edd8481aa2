"""Writes of the reports app: marking months by hand, the day's turnover, closing a month, asking for a recompute.

Marking after a change of records is NOT done here: database triggers do it (reports/triggers.py).
"""
import datetime

from django.db import transaction
from django.utils import timezone

from . import kick
from .models import DirtyMonth, MonthStatus
from .months import month_floor


def dirty_mark(*, months):
    """Mark months for recomputation (what the triggers do for rows; for causes that are not rows)."""
    marks = [DirtyMonth(month=m) for m in sorted({month_floor(m) for m in months})]
    DirtyMonth.objects.bulk_create(marks)
    kick.after_commit()
    return [m.month for m in marks]


def mark_day_turnover(*, today=None, days=7):
    """Figures that compare with the clock (an open item is overdue once its due date has passed) change
    as days pass with no row changing: mark the months of the last few days (beat runs it after midnight;
    the nightly reconciliation catches anything older)."""
    from .triggers import time_dependent_sources

    if not time_dependent_sources():
        return []
    today = today or timezone.localdate()
    months = {month_floor(today - datetime.timedelta(days=n)) for n in range(1, days + 1)}
    pending = set(DirtyMonth.objects.filter(month__in=months).values_list("month", flat=True))
    return dirty_mark(months=months - pending) if months - pending else []


def month_close(*, month):
    """Book a month's close and count the records entered late. When a month closes is a rule, not this call
    (sessions_app/closing.py: 00:00 on settings.MONTH_CLOSE_DAY of the next month), so closed_at is that moment
    however late the task runs, and a month that has not closed yet stays open (only its late count is kept)."""
    from sessions_app.closing import closes_at, is_closed
    from sessions_app.models import Activity

    month = month_floor(month)
    defaults = {"late_records": Activity.objects.filter(month=month, is_late=True).count()}
    if is_closed(month):
        defaults["closed_at"] = closes_at(month)
    status, _ = MonthStatus.objects.update_or_create(month=month, defaults=defaults)
    return status


def rollup_request(*, months):
    """An administrator asks for a recompute (the dashboard's button): the months are marked and recomputed."""
    isos = [m.isoformat() for m in sorted({month_floor(m) for m in months})]
    with transaction.atomic():
        dirty_mark(months=months)
    return isos
