"""A secretary on a phone (375 px): filing on the home page, log an outreach lecture (the date starting at today,
empty choices reading 请选择) with a photo, find it in the archive, switch language."""
import datetime

import pytest
from django.utils import timezone
from PIL import Image

from sessions_app.models import Activity

from .conftest import browser_login

pytestmark = pytest.mark.browser


def test_it_logs_a_lecture_with_a_photo_and_finds_it_in_the_archive(browser_page, people, tmp_path):
    page = browser_page
    photo = tmp_path / "sign-in.png"
    Image.new("RGB", (64, 48), (183, 28, 28)).save(photo)

    browser_login(page, "alice")
    assert page.locator("h1").first.inner_text().strip() == "甲县委"
    assert page.locator("#sg-home-file").is_visible()  # filing (学习报备) from the home page
    page.click('a[data-kind="outreach_lecture"]')
    page.wait_for_url("**/records/new/outreach_lecture/")
    assert page.input_value("#id_held_on") == timezone.localdate().isoformat()  # the date starts at today
    assert page.locator("#id_lecturer_level option").first.inner_text() == "请选择"

    held_on = timezone.localdate() - datetime.timedelta(days=2)
    page.fill("#id_held_on", held_on.isoformat())
    page.fill("#id_title", "宣讲党的二十大精神进社区")
    page.fill("#id_speaker", "李书记")
    page.select_option("#id_lecturer_level", "county_leader")
    page.select_option("#id_place_kind", "contact_point")
    page.fill("#id_audience_count", "86")
    page.set_input_files("#id_attachments", str(photo))
    page.click("#record-form button[type=submit]")
    page.wait_for_url("**/records/*/")

    activity = Activity.objects.get()
    assert (activity.audience_count, activity.attachments.get().content_type) == (86, "image/png")
    assert page.locator("h1").inner_text().strip().endswith("宣讲党的二十大精神进社区")
    assert page.get_by_text("受众86人").first.is_visible()
    thumbnail = page.locator(f'img[src="/attachments/{activity.attachments.get().pk}/"]')
    # Wait for the image itself (it may still be loading when the page's load event has fired).
    assert thumbnail.evaluate(
        "img => img.complete ? img.naturalWidth : new Promise(done => {"
        " img.addEventListener('load', () => done(img.naturalWidth));"
        " img.addEventListener('error', () => done(0)); })"
    ) == 64

    page.goto("/records/")
    page.fill("#id_q", "二十大")
    page.click("#archive-filter button[type=submit]")
    page.wait_for_load_state()
    row = page.locator(f'[data-record="{activity.pk}"]')
    assert row.is_visible()
    assert "宣讲党的二十大精神进社区" in row.inner_text()
    assert page.get_by_role("heading", name="学习档案").is_visible()

    page.select_option("#language-select", "en")
    page.wait_for_load_state()
    page.get_by_role("heading", name="Study archive").wait_for()
    assert "Outreach lecture" in page.locator(f'[data-record="{activity.pk}"]').inner_text()
    assert "二十大" in page.input_value("#id_q")  # the filter survives the switch

    page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state()
    page.get_by_role("heading", name="学习档案").wait_for()
    assert "宣讲" in page.locator(f'[data-record="{activity.pk}"]').inner_text()
    assert "Outreach lecture" not in page.content()
