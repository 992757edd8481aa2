"""Machine-readable figures: every registry figure a page shows carries its key and raw value, and the page
states once which committee and month they are of, so a test (or a reader's script) can check any page
against `manage.py stats --json` without parsing formatted numbers.

    <section {% figures_of committee month %}> … <div {% metric_data "sit_in_visits" value %}>1,215</div>
"""
from django import template
from django.utils.html import format_html

register = template.Library()


def raw(value):
    """An integer as digits, a ratio's number as Python writes it (66.7), nothing for no value."""
    if value is None or value == "":
        return ""
    return str(value)


@register.simple_tag
def metric_data(key, value):
    return format_html('data-metric="{}" data-value="{}"', key, raw(value))


@register.simple_tag
def figures_of(committee, month, own=False, *, subtree=True):
    """The container's committee and month. With `own` (or `subtree=False`: the reader reads that committee
    alone, a secretary) every value below is the committee's own group's, said by data-scope="own"; without
    it each value is the registry's headline, what `stats --json` prints."""
    attrs = format_html('data-committee="{}" data-month="{}"', committee.code, f"{month:%Y-%m}")
    return format_html('{} data-scope="own"', attrs) if own or not subtree else attrs


@register.simple_tag
def reads_subtree(user, committee):
    """Whether the user reads everything under `committee` (else the committee alone: a secretary)."""
    from reports.scoping import reads_subtree as reads

    return reads(user, committee)
