"""Numbers as Chinese readers expect them (reports/briefing.py): 10,902 with thousands separators, 68万 where the
unit counts people, a change with its sign.

    {% load figure_format %}{{ total|figure }}  {{ audience|figure_wan }}  {{ change|signed }}
"""
from django import template

from reports.briefing import change_text, figure_text

register = template.Library()


def _number(value):
    """A template value as a number (None and "" stay as they are; anything else that is no number too)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


@register.filter
def figure(value):
    """10902 → 10,902; 66.7 → 66.7; None → —."""
    number = _number(value)
    return figure_text(number) if number is None or isinstance(number, (int, float)) else value


@register.filter
def figure_wan(value):
    """A count of people: in Chinese 680000 → 68万, 123456 → 12.35万 (below ten thousand: 9,999)."""
    number = _number(value)
    return figure_text(number, wan=True) if number is None or isinstance(number, (int, float)) else value


@register.filter
def signed(value):
    """A change: +1,234 / −56 / 0."""
    number = _number(value)
    return change_text(number) if number is None or isinstance(number, (int, float)) else value
