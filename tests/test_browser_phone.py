"""Phones first for leaders too (issue 10): at 375×812 the dashboard, the drill-down, the bulletin page, the record
archive and a supervision visit form load with no horizontal overflow; the dashboard shows two cards a row, the
heatmap keeps its first column and opens on the chosen month; tabs never break a word and button labels are
centred. Screenshots are saved under var/screenshots/ (gitignored) for a reader to look at."""
import datetime
from pathlib import Path

import pytest
from django.conf import settings

from reports import rollup
from sessions_app.models import ActivityKind

from .conftest import browser_login
from .factories import ActivityFactory
from .supervision_factories import make_assignment, make_auditor, make_filing, make_session

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def year(tree):
    """Study sessions all through 2021 (most in December), an outreach lecture with a large audience."""
    for committee, months in ((tree.city, range(1, 13)), (tree.county_a, range(3, 13)), (tree.county_b, [6, 12]),
                              (tree.grassroots_a1, [12])):
        for m in months:
            ActivityFactory(committee=committee, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, m, 3),
                            title=f"{committee.name}{m}月集体学习")
    ActivityFactory(committee=tree.county_a, kind=ActivityKind.OUTREACH_LECTURE, held_on=datetime.date(2021, 12, 8),
                    audience_count=123_456, title="宣讲六中全会精神")
    rollup.rollup_months([datetime.date(2021, m, 1) for m in range(1, 13)])
    return tree


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)


def assert_fits(page, name):
    page.wait_for_load_state("networkidle")
    shoot(page, name)
    overflow = page.evaluate(OVERFLOW)
    assert overflow <= 1, f"{name}: {overflow} px wider than the 375 px screen"


def test_the_leaders_pages_fit_a_phone(browser_page, people, year):
    page = browser_page
    browser_login(page, "carl")  # the city's leader lands on the dashboard, at the latest month with figures
    page.wait_for_url("**/reports/**")
    assert page.input_value("#id_month") == "2021-12"
    assert_fits(page, "dashboard")

    # Two cards a row.
    cards = page.locator("#sg-headline .sg-card")
    first, second, third = (cards.nth(i).bounding_box() for i in range(3))
    assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"] + first["width"] - 1
    assert third["y"] > first["y"]
    assert first["width"] > 140  # half the screen, not a sliver
    # The audience reads as 万 in the headline-free groups, exact in its tooltip.
    audience = page.locator(".sg-card[data-metric=outreach_audience] .sg-month-figure")
    assert audience.inner_text().startswith("12.35万") and audience.get_attribute("title").startswith("123,456")

    # The heatmap is wider than the screen: its first column stays, and it opens scrolled to December.
    scroller = page.locator("#sg-heatmap-scroll")
    scroller.scroll_into_view_if_needed()
    assert page.evaluate("(el) => el.scrollLeft", scroller.element_handle()) > 0
    december = page.locator("#sg-heatmap thead th.sg-heat-current").bounding_box()
    box = scroller.bounding_box()
    assert december["x"] + december["width"] <= box["x"] + box["width"] + 1
    name_cell = page.locator("#sg-heatmap tbody th").first
    assert page.evaluate("(el) => getComputedStyle(el).position", name_cell.element_handle()) == "sticky"
    name_box = name_cell.bounding_box()
    assert box["x"] - 1 <= name_box["x"] <= box["x"] + 1  # still at the left edge although scrolled

    # The figure of the trend is chosen in a select (it submits itself).
    page.select_option("#id_metric", "group_sessions")
    page.wait_for_url("**metric=group_sessions**")
    assert "group_sessions" in page.input_value("#id_metric")

    # Buttons: the label is centred in the button.
    centre = page.evaluate("""() => {
      const button = document.querySelector('#sg-show');
      const range = document.createRange(); range.selectNodeContents(button);
      const text = range.getBoundingClientRect(), box = button.getBoundingClientRect();
      return Math.abs((text.top + text.bottom) / 2 - (box.top + box.bottom) / 2);
    }""")
    assert centre <= 2

    page.goto("/reports/drill/study_sessions/?committee=city&month=2021-12&period=month")
    assert page.locator("#sg-drill-rows tbody tr").count() == 4
    assert_fits(page, "drilldown")

    page.goto("/reports/bulletin/?committee=city&month=2021-12")
    assert_fits(page, "bulletin")

    page.goto("/records/")
    assert_fits(page, "archive")


def test_the_visit_form_and_its_tabs_fit_a_phone(browser_page, people, tree):
    auditor = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    filing = make_filing(tree.county_a, topic="学习党的十九届六中全会精神")
    make_session(tree.county_a, present=5, absent=1)
    assignment = make_assignment(filing, auditor)
    page = browser_page
    browser_login(page, "fred")
    page.goto(f"/supervision/assignments/{assignment.pk}/visit/")
    page.wait_for_selector("#visit-form")
    assert_fits(page, "visit-form")

    # Tabs never break a word: every tab is one line high, the row scrolls sideways instead.
    page.goto("/supervision/")
    assert_fits(page, "supervision")
    heights = page.evaluate("""() => [...document.querySelectorAll('.nav-pills .nav-link, .nav-tabs .nav-link')]
      .map((el) => [el.textContent.trim(), el.getBoundingClientRect().height,
                    parseFloat(getComputedStyle(el).lineHeight) + parseFloat(getComputedStyle(el).paddingTop)
                    + parseFloat(getComputedStyle(el).paddingBottom)])""")
    assert len(heights) >= 5, "no tabs on the supervision page"
    for label, height, one_line in heights:
        assert height <= one_line + 2, f"tab {label!r} wraps: {height} px"
