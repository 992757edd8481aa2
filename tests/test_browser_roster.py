"""A secretary on a phone (375 px) keeps the roster: a wrong leaving date is shown at its field, a member is added,
another marked as left; nothing overflows the screen."""
import datetime

import pytest
from django.utils import timezone

from committees.models import Member

from .conftest import browser_login

pytestmark = pytest.mark.browser


def test_it_keeps_the_roster_on_a_phone(browser_page, people, members_a):
    page = browser_page
    today = timezone.localdate()
    browser_login(page, "alice")
    page.click("#sg-home-roster")
    page.wait_for_load_state()
    page.fill("#id_name", "王新")
    page.fill("#id_joined_on", (today - datetime.timedelta(days=3)).isoformat())
    page.fill("#id_left_on", (today - datetime.timedelta(days=10)).isoformat())
    page.click("#roster-add button")
    page.wait_for_load_state()
    assert "成员不能在加入之前离开" in page.locator("#id_left_on").locator("xpath=..").locator("..").inner_text()
    assert not Member.objects.filter(name="王新").exists()

    page.fill("#id_left_on", "")
    page.click("#roster-add button")
    page.wait_for_load_state()
    assert page.locator("#roster-current").get_by_text("王新").is_visible()
    page.locator(f'[data-member="{members_a[0].pk}"] form button').click()
    page.wait_for_load_state()
    assert page.locator("#roster-former").get_by_text(members_a[0].name).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
