"""A draft visit's items count nowhere: figure, drill-down, CSV, supervision lists, the annual assessment.

A draft (unsubmitted) visit is its auditor's notes: the rectification items written in it must not reach
the open/overdue figures, the records behind them, their download, the secretary's and leaders' lists, nor
the score of the committee in the annual assessment, until the visit is submitted.
"""
import csv
import datetime
import io

import pytest
from django.urls import reverse

from assessment.evidence import rectifications_on_time
from assessment.rules import CALCULATORS
from reports.figures import figures_for
from reports.rollup import rollup_months
from supervision.models import Rectification

from .supervision_factories import make_auditor, make_visit

YEAR = 2021
DEC = datetime.date(YEAR, 12, 1)
MONTHS = [datetime.date(YEAR, m, 1) for m in range(1, 13)]


@pytest.fixture
def visits(tree, people):
    fred = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    submitted = make_visit(fred, tree.county_a, visited_on=datetime.date(YEAR, 3, 10), rectifications=1,
                           due_on=datetime.date(YEAR, 4, 10))
    draft = make_visit(fred, tree.county_a, visited_on=datetime.date(YEAR, 5, 10), rectifications=2,
                       due_on=datetime.date(YEAR, 6, 10), status="draft")
    Rectification.objects.filter(visit=draft).update(description="草稿中的整改")
    rollup_months(MONTHS)
    return {"submitted": submitted, "draft": draft, "auditor": fred}


def test_it_counts_no_item_of_a_draft_in_the_figures(visits, tree):
    for committee in (tree.city, tree.county_a):
        figures = figures_for(committee, DEC)
        assert figures["open_rectifications"].value == 1
        assert figures["overdue_rectifications"].value == 1  # both sets fell due long ago; only one counts
    assert figures_for(tree.county_a, datetime.date(YEAR, 6, 1))["overdue_rectifications"].month_value == 0


@pytest.mark.parametrize("key", ["open_rectifications", "overdue_rectifications"])
def test_it_lists_and_downloads_no_item_of_a_draft(client, people, visits, key):
    client.force_login(people.leader_city)
    url = reverse("reports:drilldown", args=[key])
    query = {"committee": "city", "month": "2021-12", "period": "ytd"}
    page = client.get(url, query)
    assert f'data-metric="{key}" data-value="1"' in page.content.decode()
    assert [item.date for item in page.context["items"]] == [
        datetime.date(YEAR, 3, 10) if key == "open_rectifications" else datetime.date(YEAR, 4, 10)
    ]
    response = client.get(url, {**query, "format": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(lines) == 2  # the header and the submitted visit's item
    draft_ids = set(visits["draft"].rectifications.values_list("pk", flat=True))
    assert not any(f"({pk})" in lines[1][3] for pk in draft_ids)


def test_it_shows_a_drafts_items_to_nobody_but_its_auditor(client, people, visits):
    draft_items = set(visits["draft"].rectifications.values_list("pk", flat=True))
    for user in (people.secretary_a, people.leader_city, people.leader_a, people.admin):
        client.force_login(user)
        listed = {row.record.pk for row in client.get(reverse("supervision:rectifications")).context["table"].paginated_rows}
        assert listed and not listed & draft_items, user.username
        home = client.get(reverse("supervision:home"), {"committee": "county-a", "month": "2021-12"})
        assert 'data-metric="open_rectifications" data-value="1"' in home.content.decode(), user.username
    client.force_login(people.auditor)  # the auditor who wrote it still follows their own draft
    assert draft_items <= {row.record.pk for row in client.get(reverse("supervision:rectifications")).context["table"].paginated_rows}


def test_it_scores_no_item_of_a_draft_in_the_annual_assessment(visits, tree):
    measures = CALCULATORS["rectifications_on_time"].measure(YEAR, None, datetime.date(YEAR, 12, 31))
    assert measures[tree.county_a.pk].denominator == 1  # the submitted visit's item, open past its due date
    evidence = rectifications_on_time(tree.county_a, YEAR)
    assert [row["visit_id"] for row in evidence["rows"]] == [visits["submitted"].pk]
