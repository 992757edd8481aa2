"""Celery tasks of the monthly rollup: they take ISO strings only, call reports.rollup and retry.

Every task is idempotent (a month is deleted and re-inserted in one transaction), acknowledged late
(a worker lost mid-task gives the month to another), retried a few times on database errors, and
bounded in time. The schedule is settings.CELERY_BEAT_SCHEDULE (reports/schedule.py).
"""
from celery import shared_task
from django.db import OperationalError

from . import kick, rollup
from .months import current_month, parse_month
from .services import mark_day_turnover, month_close

TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "max_retries": 3,
    "retry_backoff": 10,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "soft_time_limit": 20 * 60,
    "time_limit": 25 * 60,
}


def _isos(months):
    return [m.isoformat() for m in months]


@shared_task(**TASK_OPTIONS)
def rollup_month(month_iso):
    return _isos(rollup.rollup_months([parse_month(month_iso)]))


@shared_task(**TASK_OPTIONS)
def rollup_dirty():
    """Every dirty month: claimed and recomputed in one transaction per year (a killed worker loses
    nothing), a failing year backs off without blocking the others. Beat runs it every minute too."""
    kick.started()
    return _isos(rollup.rollup_dirty())


@shared_task(**TASK_OPTIONS)
def day_turnover():
    """After midnight: figures that compare with the date (overdue items) change with no row changing."""
    return _isos(mark_day_turnover())


@shared_task(**{**TASK_OPTIONS, "soft_time_limit": 2 * 60 * 60, "time_limit": 2 * 60 * 60 + 300})
def rollup_verify(month_isos=None):
    """Nightly: every month of this year and last (or the months given) recomputed aside and compared with
    the stored figures; months that differ are marked (and so repaired); the result is kept for the admin."""
    months = [parse_month(m) for m in month_isos] if month_isos else rollup.verify_months()
    run = rollup.verify(months, repair=True)
    return {"months": run.months, "rows": run.rows, "differences": run.difference_count}


@shared_task(**TASK_OPTIONS)
def rollup_current_month():
    return _isos(rollup.rollup_months([current_month()]))


@shared_task(**TASK_OPTIONS)
def close_previous_month():
    """On the close day (settings.MONTH_CLOSE_DAY): book the close of the month that has just closed (last
    month; the month before if run earlier in the month), count its late records, recompute it."""
    from sessions_app.closing import last_closed_month

    month = last_closed_month()
    month_close(month=month)
    return _isos(rollup.rollup_months([month]))


@shared_task(**{**TASK_OPTIONS, "soft_time_limit": 2 * 60 * 60, "time_limit": 2 * 60 * 60 + 300})
def rollup_all():
    return _isos(rollup.rollup_all())


__all__ = [
    "rollup_month", "rollup_dirty", "day_turnover", "rollup_verify", "rollup_current_month", "close_previous_month",
    "rollup_all",
]
