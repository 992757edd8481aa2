"""Month arithmetic shared by the rollup, the tasks, the commands and the pages (a month is its first day), and
the month a page opens on."""
import datetime

from django.utils import timezone

from .models import MonthStatus


def as_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def month_floor(day):
    return as_date(day).replace(day=1)


def next_month(month):
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_end(month):
    """The month's last day (no overflow in December 9999, unlike next_month − 1 day)."""
    if month.month == 12:
        return month.replace(day=31)
    return next_month(month) - datetime.timedelta(days=1)


def previous_month(month):
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_range(first, last):
    """Months from `first` to `last`, both included."""
    first, last = month_floor(first), month_floor(last)
    # Counted in (year, month) integers: no date past the last is ever made (9999-12 has no successor).
    return [
        datetime.date(index // 12, index % 12 + 1, 1)
        for index in range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
    ]


def year_months(month):
    """January .. `month` of month's year."""
    return [datetime.date(month.year, m, 1) for m in range(1, month.month + 1)]


def default_month():
    """The last closed month, or the current month when none is closed yet."""
    last = MonthStatus.objects.filter(closed_at__isnull=False).order_by("-month").values_list("month", flat=True)
    return last.first() or timezone.localdate().replace(day=1)


def current_month():
    return month_floor(timezone.localdate())


def parse_month(text):
    """'2021-12' or '2021-12-01' → date(2021, 12, 1); ValueError otherwise."""
    text = (text or "").strip()
    if len(text) == 7:
        text += "-01"
    return datetime.date.fromisoformat(text).replace(day=1)
