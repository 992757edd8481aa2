"""The save button on a 375 px phone: it shows it is working (spinner, "保存中…"), a double press sends one
request and makes one record, the pressed button's name still reaches the server, a rejected form comes
back with a fresh button, and a page restored from the back-forward cache is usable again."""
import datetime
import os
import re
import time

import pytest
from django.contrib.auth.views import LoginView
from django.urls import reverse
from django.utils import timezone

from sessions_app.models import Activity
from sessions_app.views import records
from supervision.models import Visit

from .conftest import browser_login
from .supervision_factories import checklist_ids, make_assignment, make_auditor, make_filing, make_session

pytestmark = pytest.mark.browser

SAVE = "#record-form button[type=submit]"
SCREENSHOTS = os.environ.get("BROWSER_ARTIFACTS", "/tmp")


def fill_lecture(page, title="宣讲党的二十大精神进社区"):
    page.fill("#id_held_on", (timezone.localdate() - datetime.timedelta(days=2)).isoformat())
    page.fill("#id_title", title)
    page.fill("#id_speaker", "李书记")
    page.select_option("#id_lecturer_level", "county_leader")
    page.select_option("#id_place_kind", "contact_point")
    page.fill("#id_audience_count", "86")


def slow_down(monkeypatch, owner, name, seconds=1.5):
    """The live server (a thread of this process) takes its time over the save, so the saving state is
    there to be seen and a second press arrives while the first request is on its way."""
    real = getattr(owner, name)

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, slow)


def count_posts(page):
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    return posts


# Registered after forms.js: sees the button as it is once the submission is under way, and asks for a
# second submission while the first is on its way. The page is then leaving, so what it saw is kept in
# sessionStorage for the next page.
WATCH = """(selector) => {
  let seen = 0;
  document.addEventListener("submit", (event) => {
    seen += 1;
    if (seen > 1) { sessionStorage.setItem("second-prevented", String(event.defaultPrevented)); return; }
    setTimeout(() => {
      const button = document.querySelector(selector);
      sessionStorage.setItem("saving", JSON.stringify({
        disabled: button.disabled, text: button.innerText.trim(),
        spinners: button.querySelectorAll(".spinner-border.spinner-border-sm").length,
      }));
      button.form.requestSubmit();
    }, 0);
  });
}"""


def test_it_saves_a_double_pressed_record_once_and_shows_it_is_saving(browser_page, people, monkeypatch):
    page = browser_page
    browser_login(page, "alice")
    page.goto("/records/new/outreach_lecture/")
    fill_lecture(page)
    page.evaluate(WATCH, SAVE)
    slow_down(monkeypatch, records, "activity_create")
    posts = count_posts(page)

    page.dblclick(SAVE, no_wait_after=True)
    page.wait_for_url(re.compile(r".*/records/\d+/$"))

    assert Activity.objects.count() == 1
    assert len(posts) == 1
    saving = page.evaluate("JSON.parse(sessionStorage.getItem('saving'))")
    assert saving == {"disabled": True, "text": "保存中…", "spinners": 1}
    assert page.evaluate("sessionStorage.getItem('second-prevented')") == "true"


def test_it_gives_a_rejected_form_a_fresh_button(browser_page, people):
    page = browser_page
    browser_login(page, "alice")
    page.goto("/records/new/outreach_lecture/")
    fill_lecture(page, title="")
    page.click(SAVE)
    page.wait_for_selector(".is-invalid, .invalid-feedback")
    button = page.locator(SAVE)
    assert button.is_enabled() and button.inner_text().strip() == "保存"
    assert not Activity.objects.exists()
    page.fill("#id_title", "补上标题")
    page.click(SAVE)
    page.wait_for_url(re.compile(r".*/records/\d+/$"))
    assert Activity.objects.get().title == "补上标题"


def sink_submissions(page):
    """Send the record form's submission into a hidden frame: the page stays, its saving state can be
    looked at (a page that is leaving cannot be queried)."""
    page.evaluate("""() => {
      const frame = document.createElement("iframe");
      frame.name = "sg-sink";
      frame.hidden = true;
      document.body.append(frame);
      document.querySelector("#record-form").target = "sg-sink";
    }""")


def test_it_shows_the_saving_state_on_a_phone(browser_page, people):
    page = browser_page
    browser_login(page, "alice")
    page.goto("/records/new/outreach_lecture/")
    fill_lecture(page)
    sink_submissions(page)
    page.click(SAVE)
    button = page.locator(SAVE)
    assert button.is_disabled()
    assert button.inner_text().strip() == "保存中…"
    assert button.locator(".spinner-border.spinner-border-sm").count() == 1
    box = button.bounding_box()
    assert box["width"] > 300 and box["height"] < 70  # still the full-width button, on one line
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    button.scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(SCREENSHOTS, "sg-saving-375.png"))


def test_it_makes_a_page_from_the_back_forward_cache_usable_again(browser_page, people):
    page = browser_page
    browser_login(page, "alice")
    page.goto("/records/new/outreach_lecture/")
    fill_lecture(page)
    sink_submissions(page)
    page.click(SAVE)
    assert page.locator(SAVE).is_disabled()
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    button = page.locator(SAVE)
    assert button.is_enabled() and button.inner_text().strip() == "保存"
    assert page.locator("#record-form input[data-sg-submitter]").count() == 0


def test_it_keeps_a_cancelled_submission_usable(browser_page, people):
    """A script that stops the submission after this one ran (a check of its own) leaves the form as it was."""
    page = browser_page
    browser_login(page, "alice")
    page.goto("/records/new/outreach_lecture/")
    fill_lecture(page)
    page.evaluate("document.addEventListener('submit', e => e.preventDefault())")
    page.click(SAVE)
    page.wait_for_timeout(100)
    button = page.locator(SAVE)
    assert button.is_enabled() and button.inner_text().strip() == "保存"
    assert not Activity.objects.exists()


@pytest.fixture
def assigned(tree, people):
    auditor = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    filing = make_filing(tree.county_a, topic="学习党的十九届六中全会精神")
    make_session(tree.county_a, present=5, absent=1)
    return make_assignment(filing, auditor)


def test_it_sends_the_name_of_the_button_pressed(browser_page, people, assigned):
    """The visit form has two: "save as draft" must not submit the visit."""
    page = browser_page
    browser_login(page, "fred")
    page.goto(reverse("supervision:visit_start", args=[assigned.pk]))
    page.fill("input[name=observed_count]", "9")
    for item_id in checklist_ids():
        page.click(f"label[for=id_rating_{item_id}_4]")
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.click("button[name=draft]")
    assert "draft=1" in sent.value.post_data and "submit=" not in sent.value.post_data
    page.wait_for_load_state()
    assert Visit.objects.get().status == "draft"


def test_it_logs_in_with_the_busy_login_button(browser_page, people, monkeypatch):
    page = browser_page
    page.goto("/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw")
    page.evaluate(WATCH, "form button[type=submit]")
    slow_down(monkeypatch, LoginView, "form_valid")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().strip() == "甲县委"
    saving = page.evaluate("JSON.parse(sessionStorage.getItem('saving'))")
    assert saving == {"disabled": True, "text": "正在登录…", "spinners": 1}
