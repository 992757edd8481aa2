"""The month close (月度关账): when a month's records stop being freely editable, and which entries are late.

A month closes at 00:00 (Asia/Shanghai, the portal's TIME_ZONE) on day `settings.MONTH_CLOSE_DAY` of the
next month: with the default 5, October's records are entered and edited freely until 5 November 00:00.
After that, a record dated in the month is still accepted but flagged late, and changing or deleting one
is a correction with a reason (services.activity_update / activity_delete).

The rule is a function of the setting and the clock only, so the model, the services, the forms, beat's
close task (reports.tasks.close_previous_month) and the scenario builder all read the same answer
without a query; reports.MonthStatus.closed_at records when the close was booked.
"""
import datetime

from django.conf import settings
from django.utils import timezone


def close_day():
    return settings.MONTH_CLOSE_DAY


def _month_of(day):
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return day.replace(day=1)


def closes_at(month):
    """The moment `month` (any day of it) closes: 00:00 local time on the close day of the next month."""
    month = _month_of(month)
    year, number = (month.year + 1, 1) if month.month == 12 else (month.year, month.month + 1)
    return timezone.make_aware(datetime.datetime(year, number, close_day()), timezone.get_default_timezone())


def is_closed(month, *, now=None):
    """Whether `month` (any day of it) has closed by `now` (default: this moment)."""
    month = _month_of(month)
    if month.year == datetime.MAXYEAR and month.month == 12:
        return False  # no next month to close in
    return (now or timezone.now()) >= closes_at(month)


def entered_late(month, entered_at):
    """A record of `month` that entered the portal at `entered_at` came after its month closed."""
    return is_closed(month, now=entered_at)


def last_closed_month(*, now=None):
    """The latest month that has closed by `now`: last month from its close day on, else the month before."""
    now = now or timezone.now()
    month = _month_of(now)
    last = (month - datetime.timedelta(days=1)).replace(day=1)
    return last if is_closed(last, now=now) else (last - datetime.timedelta(days=1)).replace(day=1)


MAX_REASON = 500  # characters of a correction's reason


def closed_months(*months, now=None):
    """Of the months given (any day of each), those closed by `now`, sorted, once each."""
    return sorted({_month_of(m) for m in months if m is not None and is_closed(m, now=now)})


def correction_reason(closed, reason):
    """The reason a change of `closed` months needs, stripped; a ValidationError at "reason" when it is
    missing or too long. The same check serves the forms and the services."""
    from django.core.exceptions import ValidationError
    from django.utils.formats import date_format
    from django.utils.translation import gettext

    reason = (reason or "").strip()
    if not closed:
        return reason
    if not reason:
        months = "、".join(date_format(m, "YEAR_MONTH_FORMAT") for m in closed)
        raise ValidationError({"reason": gettext(
            "%(months)s is closed: changing its records is a correction. Give the reason for the correction."
        ) % {"months": months}})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": gettext(
            "Keep the reason to at most %(limit)s characters (it has %(count)s)."
        ) % {"limit": MAX_REASON, "count": len(reason)}})
    return reason
