"""The beat schedule of the rollup (settings.CELERY_BEAT_SCHEDULE). Imported by settings: no Django here."""
from celery.schedules import crontab


def beat_schedule(*, month_close_day):
    """The schedule; the month close runs just after a month closes (00:00 on `month_close_day` of the next
    month, settings.MONTH_CLOSE_DAY): the rule itself is sessions_app/closing.py, the task only books it."""
    return {
        # Saves wake the recompute themselves; this catches up bulk writes, a lost message or a broker outage.
        "reports-rollup-dirty": {"task": "reports.tasks.rollup_dirty", "schedule": crontab(minute="*")},
        "reports-day-turnover": {"task": "reports.tasks.day_turnover", "schedule": crontab(hour=0, minute=5)},
        "reports-rollup-verify": {"task": "reports.tasks.rollup_verify", "schedule": crontab(hour=2, minute=30)},
        "reports-rollup-current-month": {
            "task": "reports.tasks.rollup_current_month", "schedule": crontab(hour=1, minute=0),
        },
        "reports-close-previous-month": {
            "task": "reports.tasks.close_previous_month",
            "schedule": crontab(day_of_month=month_close_day, hour=0, minute=30),
        },
    }
