"""Shared fixtures: a small committee tree and one user for every position in the scope matrix.

    city (市委)
    ├── county_a (县委 A) ── grassroots_a1
    └── county_b (县委 B, the sibling)
"""
import os
import shutil
import tempfile
from types import SimpleNamespace

import pytest
from django.db import connections

from committees.models import CommitteeKind, RoleKind

from .factories import MemberFactory, make_committee, user_with_role

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition, why):
    """Skip locally when a real component is missing; in CI a missing component is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_temporary_directory():
    """The tests' uploads and archive volumes go to a directory removed at the end, never var/."""
    from django.test import override_settings

    path = tempfile.mkdtemp(prefix="sg-test-media-")
    os.environ["TEST_MEDIA_ROOT"] = path  # for the worker and commands the tests start (settings_test)
    try:
        with override_settings(MEDIA_ROOT=path):
            yield path
    finally:
        os.environ.pop("TEST_MEDIA_ROOT", None)
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _redis_test_database_flushed():
    """The Redis database of REDIS_URL (the tests' own number: .ci/run uses 15) is emptied at the end, so
    that kombu's bindings and results do not pile up run after run. Only that database is touched."""
    yield
    url = os.environ.get("REDIS_URL", "")
    if not url.startswith(("redis://", "rediss://")):
        return
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        client.flushdb()
        client.close()
    except redis.RedisError as error:
        if IN_CI:
            raise
        print(f"Redis at {url} was not emptied: {error}")


@pytest.fixture
def tree(db):
    city = make_committee(code="city", name="市委", kind=CommitteeKind.CITY)
    county_a = make_committee(city, code="county-a", name="甲县委", kind=CommitteeKind.COUNTY)
    county_b = make_committee(city, code="county-b", name="乙县委", kind=CommitteeKind.COUNTY)
    grassroots_a1 = make_committee(county_a, code="county-a-g1", name="甲县一镇党委", kind=CommitteeKind.GRASSROOTS)
    for committee in (city, county_a, county_b, grassroots_a1):
        committee.refresh_from_db()
    return SimpleNamespace(city=city, county_a=county_a, county_b=county_b, grassroots_a1=grassroots_a1)


@pytest.fixture
def members_a(tree):
    return [MemberFactory(committee=tree.county_a) for _ in range(4)]


@pytest.fixture
def people(tree):
    """alice is secretary of county A; the others are the positions of the scope matrix."""
    return SimpleNamespace(
        secretary_a=user_with_role(tree.county_a, RoleKind.SECRETARY, username="alice"),
        secretary_b=user_with_role(tree.county_b, RoleKind.SECRETARY, username="bella"),
        leader_city=user_with_role(tree.city, RoleKind.LEADER, username="carl"),
        leader_a=user_with_role(tree.county_a, RoleKind.LEADER, username="dora"),
        leader_b=user_with_role(tree.county_b, RoleKind.LEADER, username="eric"),
        auditor=user_with_role(tree.city, RoleKind.AUDITOR, username="fred"),
        outsider=user_with_role(None, RoleKind.LEADER, username="olga"),
        admin=user_with_role(tree.city, RoleKind.ADMIN, username="root", is_superuser=True),
    )


@pytest.fixture
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    require(path is not None, "Debian's chromium is not installed (apt-get install chromium)")
    return path


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture
def browser_page(chromium_path, live_server, tmp_path):
    """A headless Chromium page at a phone's 375 px width, in Simplified Chinese, against the live server."""
    # Playwright's sync API runs an event loop in this thread; the test still touches the ORM directly.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 375, "height": 812}, locale="zh-CN", accept_downloads=True, base_url=live_server.url
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            yield page
        finally:
            artifacts = os.environ.get("BROWSER_ARTIFACTS")
            if artifacts:
                os.makedirs(artifacts, exist_ok=True)
                page.screenshot(path=os.path.join(artifacts, f"{os.getpid()}-{id(page)}.png"), full_page=True)
            context.close()
            browser.close()
            # ORM calls made while Playwright ran opened a connection this fixture must close itself, or
            # the test database cannot be dropped at the end ("being accessed by other users").
            connections.close_all()


def browser_login(page, username, password="pw"):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
