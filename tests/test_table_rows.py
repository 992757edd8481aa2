"""{% table_rows %} writes a table's body as django-tables2's own bootstrap5 template does (cell attributes that
depend on the record, localized numbers, escaping, the empty text), without a template render per cell."""
import re

import django_tables2 as tables
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from sessions_app.models import Activity, ActivityKind
from sessions_app.tables import ActivityTable

from .factories import ActivityFactory


def body(html):
    """The <tbody> with whitespace between tags removed (the templates indent, the tag does not)."""
    tbody = html[html.index("<tbody"):html.index("</tbody>")]
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", tbody)).replace("> <", "><").strip()


def both(make_table):
    """A table rendered by each template (a fresh table each: rows count themselves for even/odd)."""
    request = RequestFactory().get("/")
    theirs = render_to_string("django_tables2/bootstrap5-responsive.html", {"table": make_table(), "request": request})
    ours = render_to_string("django_tables2/studygroup.html", {"table": make_table(), "request": request})
    return body(theirs), body(ours)


class Figures(tables.Table):
    name = tables.Column(attrs={"td": {"data-name": lambda record: record["name"], "class": "x"}})
    count = tables.Column()
    share = tables.Column(localize=False)
    text = tables.Column(empty_values=())


@pytest.mark.parametrize("rows", [
    [{"name": "市委<b>", "count": 12345, "share": 1234.5, "text": "“引号” & <i>"}, {"name": "区委", "count": 0,
                                                                             "share": None, "text": ""}],
    [],
])
def test_the_rows_are_what_django_tables2_writes(rows):
    theirs, ours = both(lambda: Figures(rows, empty_text="没有记录 <空>"))
    assert ours == theirs


def test_the_archive_table_is_what_django_tables2_writes(tree):
    for kind in (ActivityKind.COLLECTIVE, ActivityKind.EXPERT_LECTURE, ActivityKind.REFLECTION):
        ActivityFactory(committee=tree.county_a, kind=kind, title="学习<贯彻>")

    theirs, ours = both(lambda: ActivityTable(Activity.objects.select_related("committee")))
    assert ours == theirs and ours.count("<tr") == 3 and "data-record" in ours
