"""QR sign-in end to end: the secretary shows the code on one screen, two members sign in on their phones, and
the secretary's list fills in without reloading."""
import os

import pytest
from django.utils import timezone

from sessions_app.models import ActivityKind, Attendance, AttendanceStatus

from .conftest import CHROMIUM_ARGS
from .factories import ActivityFactory, MemberFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def browser(chromium_path, live_server):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def context(browser, live_server, width):
    made = browser.new_context(viewport={"width": width, "height": 812}, locale="zh-CN", base_url=live_server.url)
    made.set_default_timeout(15_000)
    return made.new_page()


def test_it_fills_the_secretarys_list_as_two_members_sign_in_on_their_phones(browser, live_server, tree, people):
    session = ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE, held_on=timezone.localdate(),
                              title="学习党的二十届四中全会精神")
    members = [MemberFactory(committee=tree.county_a, name=name) for name in ("张三", "李四", "王五")]

    secretary = context(browser, live_server, 1366)
    secretary.goto("/accounts/login/")
    secretary.fill("#id_username", "alice")
    secretary.fill("#id_password", "pw")
    secretary.click("form button[type=submit]")
    secretary.goto(f"/records/{session.pk}/")
    secretary.click("text=扫码签到")
    secretary.click("button:has-text('显示签到码')")
    code = secretary.locator("#signin-qr")
    assert code.locator("svg").count() == 1
    url = code.get_attribute("data-url")

    for name, online in (("张三", False), ("李四", True)):
        phone = context(browser, live_server, 375)
        phone.goto(url)
        phone.select_option("#id_member", label=name)
        if online:
            phone.check("#id_remote")
        phone.click("button:has-text('确认签到')")
        assert name in phone.locator("#signin-done").inner_text()
        wide = phone.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right).slice(0, 8)""")
        assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"), wide
        phone.reload()  # the same phone cannot sign in somebody else
        assert phone.locator("#id_member").count() == 0
        phone.context.close()

    secretary.locator("#signin-count", has_text="2").wait_for()
    listed = secretary.locator("#signin-list").inner_text()
    assert "张三" in listed and "李四" in listed and "线上" in listed
    present = Attendance.objects.filter(activity=session, status=AttendanceStatus.PRESENT)
    assert sorted(present.values_list("member__name", flat=True)) == ["张三", "李四"]
    assert not Attendance.objects.filter(member=members[2]).exists()
