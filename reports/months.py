"""Month arithmetic shared by the rollup, the tasks and the commands (a month is its first day)."""
import datetime

from django.utils import timezone


def as_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def month_floor(day):
    return as_date(day).replace(day=1)


def next_month(month):
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_month(month):
    return (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_range(first, last):
    """Months from `first` to `last`, both included."""
    months, month = [], month_floor(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def current_month():
    return month_floor(timezone.localdate())


def parse_month(text):
    """'2021-12' or '2021-12-01' → date(2021, 12, 1); ValueError otherwise."""
    text = (text or "").strip()
    if len(text) == 7:
        text += "-01"
    return datetime.date.fromisoformat(text).replace(day=1)
