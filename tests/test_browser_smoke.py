import pytest

from .conftest import browser_login

pytestmark = pytest.mark.browser


def test_it_logs_in_and_shows_home_in_chinese(browser_page, people):
    browser_login(browser_page, "alice")
    assert browser_page.url.endswith("/")
    assert "首页" in browser_page.content()
