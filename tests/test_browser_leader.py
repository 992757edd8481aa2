"""The leader's journey on a phone: dashboard → pick a month → click a figure → its records → the
bulletin as a Word document."""
import datetime

import docx
import pytest

from reports import rollup
from sessions_app.models import ActivityKind

from .conftest import browser_login
from .factories import ActivityFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def december(tree):
    for committee, count in ((tree.city, 2), (tree.county_a, 3), (tree.grassroots_a1, 1), (tree.county_b, 4)):
        for i in range(count):
            ActivityFactory(committee=committee, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 3 + i),
                            title=f"{committee.code} 十二月学习{i}")
    ActivityFactory(committee=tree.county_b, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 11, 3),
                    title="county-b 十一月学习")
    rollup.rollup_months([datetime.date(2021, 11, 1), datetime.date(2021, 12, 1)])
    return tree


def test_it_takes_a_leader_from_the_dashboard_to_the_records_and_the_bulletin(browser_page, people, december):
    page = browser_page
    browser_login(page, "carl")  # leader of the city
    page.goto("/reports/")
    assert page.locator("#sg-breadcrumb").inner_text().strip() == "市委"

    page.fill("#id_month", "2021-12")
    page.click("#sg-show")
    page.wait_for_url("**/reports/?*month=2021-12*")
    # T2 is a headline figure: the year to date large (November's session counts), the month below.
    card = page.locator(".sg-headline[data-metric=study_sessions]")
    assert card.locator(".sg-ytd-figure").inner_text().startswith("11")
    assert "10" in card.locator(".sg-month-figure").inner_text()
    # Two cards a row on a phone.
    boxes = [page.locator(".sg-card").nth(i).bounding_box() for i in range(3)]
    assert abs(boxes[1]["y"] - boxes[0]["y"]) < 1 and boxes[1]["x"] > boxes[0]["x"]
    assert boxes[2]["y"] > boxes[0]["y"]

    card.locator(".sg-month-figure").click()
    page.wait_for_url("**/reports/drill/study_sessions/**")
    rows = page.locator("#sg-drill-rows tbody tr")
    assert rows.count() == 10
    assert page.locator("#sg-drill-total strong").get_attribute("data-total") == "10"
    assert "county-b 十一月学习" not in page.content()

    page.go_back()
    page.click("#sg-bulletin-link")
    page.wait_for_url("**/reports/bulletin/**")
    with page.expect_download() as info:
        page.click("#sg-bulletin-docx")
    document = docx.Document(info.value.path())
    text = "\n".join(p.text for p in document.paragraphs)
    # The bulletin counts from January: November's session is in the year to date.
    assert "截至2021年12月底，市委理论学习中心组集体学习2次，全市各级党委（党组）中心组学习合计11次" in text
    study = next(row for row in document.tables[0].rows if row.cells[1].text == "各级党委（党组）中心组学习")
    assert [study.cells[3].text, study.cells[4].text] == ["10", "11"]
