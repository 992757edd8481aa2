"""A county administrator on a phone (375 px) sets up a new sub-committee: the committee, its roster and its
secretary; that secretary logs in (changing the temporary password) and logs a collective study session at which
the new member was present."""
import datetime
import re

import pytest
from django.utils import timezone

from committees.models import Committee, Member, RoleKind, User
from sessions_app.models import Activity

from .conftest import browser_login
from .factories import user_with_role

pytestmark = pytest.mark.browser


def open_menu(page, link):
    """The phone layout folds the navigation: open it, then follow `link`."""
    page.click(".navbar-toggler")
    page.locator("#sg-nav.show").wait_for()  # the menu has finished unfolding (no click lands mid-animation)
    with page.expect_navigation():
        page.click(link)


def test_a_county_administrator_sets_up_a_sub_committee_whose_secretary_logs_a_session(browser_page, tree):
    page = browser_page
    user_with_role(tree.county_a, RoleKind.ADMIN, username="countyadmin")
    browser_login(page, "countyadmin")

    # A sub-committee under the county.
    open_menu(page, "#sg-nav-committees")
    page.locator('[data-code="county-a"] a').click()
    page.wait_for_load_state()
    page.fill("#id_create-code", "county-a-g2")
    page.fill("#id_create-name", "甲县二镇党委")
    page.select_option("#id_create-kind", "grassroots")
    page.click("#committee-create button")
    page.wait_for_load_state()
    committee = Committee.objects.get(code="county-a-g2")
    assert Committee.objects.get_parent(committee) == tree.county_a
    assert page.locator("h1").inner_text().startswith("甲县二镇党委")

    # A member of its study group.
    page.click("#committee-roster")
    page.wait_for_load_state()
    page.fill("#id_name", "赵新成")
    page.click("#roster-add button")
    page.wait_for_load_state()
    assert page.locator("#roster-current").get_by_text("赵新成").is_visible()
    member = Member.objects.get(committee=committee, name="赵新成")

    # Its secretary, with a temporary password to hand over.
    open_menu(page, "#sg-nav-people")
    page.click("#person-create-link")
    page.wait_for_load_state()
    page.fill("#id_username", "g2sec")
    page.fill("#id_full_name", "二镇秘书")
    page.select_option("#id_committee", label="甲县二镇党委（county-a-g2）")
    page.select_option("#id_kind", "secretary")
    page.click("#person-create button")
    page.wait_for_load_state()
    notice = page.locator(".alert").filter(has_text="g2sec").filter(has_text="临时密码").inner_text()
    temporary = re.search(r"临时密码：([A-Za-z0-9]{12})", notice)[1]
    assert [r.get_attribute("data-committee") for r in page.locator("#person-roles li").all()] == ["county-a-g2"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.click(".navbar-toggler")
    page.locator("#sg-nav.show").wait_for()
    with page.expect_navigation():
        page.click("nav form[action$='/logout/'] button")

    # The secretary logs in, chooses a password, and logs a session with the new member present.
    browser_login(page, "g2sec", temporary)
    page.wait_for_url("**/password_change/**")
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", "Zhen2-mishu-2026")
    page.fill("#id_new_password2", "Zhen2-mishu-2026")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert not User.objects.get(username="g2sec").must_change_password

    page.goto("/")
    page.click('a[data-kind="collective"]')
    page.wait_for_url("**/records/new/collective/")
    held_on = timezone.localdate() - datetime.timedelta(days=1)
    page.fill("#id_held_on", held_on.isoformat())
    page.fill("#id_title", "学习贯彻党的二十大精神")
    row = page.locator(f'.sg-attendance-row[data-member="{member.pk}"]')
    assert "赵新成" in row.inner_text()
    row.locator(".sg-status").select_option("present")
    page.click("#record-form button[type=submit]")
    page.wait_for_url("**/records/*/")

    activity = Activity.objects.get(committee=committee)
    assert (activity.kind, activity.held_on, activity.created_by.username) == ("collective", held_on, "g2sec")
    assert list(activity.attendance.values_list("member", "status")) == [(member.pk, "present")]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
