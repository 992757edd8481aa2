"""The auditor's journey on a 375 px phone: the assigned visit, head count, ratings, a finding with a
rectification item, submit, the assignment then done; the secretary sees the item, the badge clearing once the
notifications are seen, and closes the item with a photo as evidence; the leader sees the discrepancy."""
import datetime

import pytest
from django.utils import timezone

from sessions_app.testing import image_bytes
from supervision.models import Rectification, Visit

from .conftest import browser_login
from .supervision_factories import checklist_ids, make_assignment, make_auditor, make_filing, make_session

pytestmark = pytest.mark.browser


@pytest.fixture
def assigned(tree, people):
    auditor = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    filing = make_filing(tree.county_a, topic="学习党的十九届六中全会精神")
    make_session(tree.county_a, present=5, absent=1)  # matched to the filing; 5 reported present
    return make_assignment(filing, auditor)


def test_it_takes_an_auditor_through_a_visit_and_shows_it_to_secretary_and_leader(browser_page, people, tree, assigned):
    page = browser_page
    browser_login(page, "fred")
    page.goto("/supervision/")
    page.click("[data-testid=my-assignments] >> text=学习党的十九届六中全会精神")
    page.wait_for_selector("#visit-form")

    page.fill("input[name=observed_count]", "9")
    # nothing typed is lost: a reload restores the draft kept on the phone
    page.reload()
    assert page.input_value("input[name=observed_count]") == "9"
    assert page.is_visible("#sg-draft-restored")

    for item_id in checklist_ids():
        page.click(f"label[for=id_rating_{item_id}_4]")
    page.fill("textarea[name=findings]", "研讨发言准备不充分")
    page.fill("input[name=rect-0-description]", "补齐研讨发言记录")
    page.fill("input[name=rect-0-owner]", "甲县秘书")
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    page.fill("input[name=rect-0-due_on]", due)
    page.click("button[name=submit]")
    page.wait_for_selector("[data-testid=rectifications]")

    visit = Visit.objects.get()
    assert visit.status == "submitted" and visit.observed_count == 9 and visit.discrepancy
    assert Rectification.objects.get().description == "补齐研讨发言记录"
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('sg-draft:')).length") == 0
    page.goto("/supervision/assignments/")
    assert "已完成" in page.inner_text("#assignment-list")  # the assignment's status follows the submitted visit

    page.context.clear_cookies()
    browser_login(page, "alice")
    page.goto("/supervision/rectifications/")
    assert "补齐研讨发言记录" in page.inner_text("[data-testid=rectifications]")
    assert page.locator("[data-testid=unread-badge]").count() == 1  # the visit's notification, not yet seen
    page.goto("/supervision/notifications/")
    assert page.locator("[data-testid=unread-badge]").count() == 0  # seen: the badge clears
    # The secretary closes the item with a photo as evidence.
    page.goto(f"/supervision/rectifications/{Rectification.objects.get().pk}/close/")
    page.fill("textarea[name=evidence_note]", "已补齐研讨发言记录")
    page.set_input_files("input[name=evidence_files]", files=[
        {"name": "整改照片.png", "mimeType": "image/png", "buffer": image_bytes()},
    ])
    page.click("#rectification-close-form button[type=submit]")
    page.wait_for_selector("#evidence-files")
    assert "整改照片.png" in page.inner_text("#evidence-files")
    assert Rectification.objects.get().evidence_files.count() == 1

    page.context.clear_cookies()
    browser_login(page, "carl")
    page.goto("/supervision/")
    discrepancies = page.inner_text("[data-testid=discrepancies]")
    assert tree.county_a.name in discrepancies and "9" in discrepancies
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1  # no sideways scrolling on a phone
