"""On a phone (375 px, Chinese): a secretary records a practical-matter task; a leader opens the ranking
and a score's rule-by-rule breakdown; the propaganda department draws a test round and enters scores."""
import datetime

import pytest

from assessment.models import PracticalTask, TestRound
from assessment.services import assessment_compute

from .conftest import browser_login
from .factories import ActivityFactory, MemberFactory

pytestmark = pytest.mark.browser


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_it_lets_a_secretary_record_a_task_on_a_phone(browser_page, people, tree):
    page = browser_page
    browser_login(page, "alice")
    page.goto("/assessment/tasks/")
    page.click("#new-task")
    page.fill("#id_title", "为群众修缮道路")
    page.fill("#id_due_on", "2021-09-30")
    page.select_option("#id_status", "done")
    page.click("#task-form button[type=submit]")
    # Done without a completion date: the message is at that field, and the title is kept.
    assert page.locator("#id_completed_on.is-invalid").count() == 1
    assert page.input_value("#id_title") == "为群众修缮道路"
    page.fill("#id_completed_on", "2021-09-20")
    with page.expect_navigation():
        page.click("#task-form button[type=submit]")
    assert page.url.endswith("/assessment/tasks/")
    assert "为群众修缮道路" in page.locator("#task-list").inner_text()
    # The figures are the registry's, year to date: the tasks due in 2021 as of its last month.
    page.goto("/assessment/tasks/?year=2021")
    assert page.locator("#completion-rate").inner_text() == "100.0%"
    assert fits_the_phone(page)
    task = PracticalTask.objects.get()
    assert (task.committee, task.level, task.completed_on) == (tree.county_a, "county", datetime.date(2021, 9, 20))


def test_it_takes_a_leader_from_the_ranking_to_a_scores_parts(browser_page, people, tree):
    ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 3, 5), title="三月集体学习")
    assessment_compute(year=2021, as_of=datetime.date(2021, 12, 31))
    page = browser_page
    browser_login(page, "carl")
    page.goto("/assessment/2021/")
    first = page.locator("#ranking tbody tr").first
    assert first.locator("td").first.inner_text() == "1"
    with page.expect_navigation():
        first.locator("a").click()
    assert page.url.endswith("/assessment/2021/county-a/")
    assert page.locator("#part-study_frequency h2").inner_text() == "每月集体学习"
    assert "12个月中有1个月开展了集体学习" in page.locator("#part-study_frequency").inner_text()
    assert fits_the_phone(page)
    with page.expect_navigation():
        page.locator("#part-study_frequency a.badge").first.click()
    assert "/records/?" in page.url
    assert "三月集体学习" in page.content()


def test_it_lets_the_propaganda_department_draw_a_round_and_enter_scores(browser_page, people, tree):
    for _ in range(6):
        MemberFactory(committee=tree.county_a)
    page = browser_page
    browser_login(page, "root")
    page.goto("/assessment/tests/new/")
    page.fill("#id_name", "党史知识测试")
    page.fill("#id_held_on", "2021-06-18")
    page.select_option("#id_committee", str(tree.city.pk))
    page.fill("#id_sample_size", "9")
    page.click("#round-form button[type=submit]")
    assert "超过了" in page.locator("#round-form").inner_text()  # 9 asked, 6 members: refused, nothing saved
    assert TestRound.objects.count() == 0
    page.fill("#id_sample_size", "3")
    with page.expect_navigation():
        page.click("#round-form button[type=submit]")
    assert page.url.endswith(f"/assessment/tests/{TestRound.objects.get().pk}/")
    page.click("#enter-scores")
    inputs = page.locator("#scores-form input[type=number]")
    assert inputs.count() == 3
    for i, mark in enumerate(["90", "55", "72.5"]):
        inputs.nth(i).fill(mark)
    page.click("#scores-form button[type=submit]")
    page.goto(f"/assessment/tests/{TestRound.objects.get().pk}/")
    assert "66.7%" in page.locator("#round-figures").inner_text()
    page.click("#verify-draw")
    assert page.locator("#verification.alert-success").count() == 1
    assert fits_the_phone(page)
