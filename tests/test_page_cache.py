"""Pages cached on the rollup's version (reports/page_cache.py): a second look is served from the cache, a change is
seen as soon as the rollup has stored it (and the "updating" notice at once), and one reader's scope is never
served to another."""
import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import page_cache, rollup
from reports.models import MonthStatus
from sessions_app.models import ActivityKind

from .factories import ActivityFactory
from .supervision_factories import make_filing

DEC = datetime.date(2021, 12, 1)


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600  # off in the other tests (studygroup/settings_test.py)


@pytest.fixture
def december(tree):
    for committee, count in ((tree.city, 1), (tree.county_a, 2), (tree.grassroots_a1, 3), (tree.county_b, 4)):
        for i in range(count):
            ActivityFactory(committee=committee, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 3 + i))
    make_filing(tree.county_a, planned_on=datetime.date(2021, 12, 6))
    make_filing(tree.grassroots_a1, planned_on=datetime.date(2021, 12, 7))
    rollup.rollup_months([DEC])
    return tree


def counted_get(client, url, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
    assert response.status_code == 200
    return response, len(queries)


def bigscreen(client, user, **query):
    client.force_login(user)
    return counted_get(client, reverse("reports:bigscreen"), {"month": "2021-12", "format": "json", **query})


def study_sessions(response):
    return next(f for f in response.json()["headline"] if f["key"] == "study_sessions")["value"]


def test_it_serves_a_second_look_from_the_cache(client, people, december):
    first, cold = bigscreen(client, people.leader_city)
    second, warm = bigscreen(client, people.leader_city)
    assert second.json() == first.json()
    assert warm < cold


def test_it_shows_a_changed_record_once_the_rollup_stored_it(client, people, december):
    before, _ = bigscreen(client, people.leader_city)
    assert study_sessions(before) == 10
    ActivityFactory(committee=december.grassroots_a1, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 20))
    waiting, _ = bigscreen(client, people.leader_city)
    assert study_sessions(waiting) == 10  # the stored figures, not yet recomputed
    rollup.rollup_dirty()
    after, _ = bigscreen(client, people.leader_city)
    assert study_sessions(after) == 11


def test_saves_waiting_for_the_rollup_share_one_key_and_the_rollup_gives_a_new_one(december):
    settled = page_cache.version(DEC)
    ActivityFactory(committee=december.grassroots_a1, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 20))
    waiting = page_cache.version(DEC)
    assert waiting != settled  # "being updated" is said at once
    ActivityFactory(committee=december.county_b, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 21))
    assert page_cache.version(DEC) == waiting  # a busy month's saves do not empty the leaders' cache one by one
    rollup.rollup_dirty()
    assert page_cache.version(DEC) not in (settled, waiting)


def test_a_month_never_computed_is_never_cached(client, people, december):
    MonthStatus.objects.filter(month=DEC).delete()
    assert page_cache.read(DEC)[1] is None
    _, first = bigscreen(client, people.leader_city)
    _, second = bigscreen(client, people.leader_city)
    assert second == first


def test_two_leaders_each_get_their_own_subtree(client, people, december):
    city, _ = bigscreen(client, people.leader_city)
    county, _ = bigscreen(client, people.leader_a)
    assert (city.json()["committee"]["code"], study_sessions(city)) == ("city", 10)
    assert (county.json()["committee"]["code"], study_sessions(county)) == ("county-a", 5)
    again, _ = bigscreen(client, people.leader_city, committee="county-a")
    assert study_sessions(again) == 5


def supervision(client, user, **query):
    client.force_login(user)
    response, count = counted_get(client, reverse("supervision:home"), {"month": "2021-12", **query})
    figures = response.context["overview"].figures
    return figures, count


def test_the_supervision_home_keeps_a_leaders_subtree_from_a_secretary_of_the_same_committee(client, people, december):
    leader, _ = supervision(client, people.leader_a)
    assert (leader.committee, leader.own, leader["filed_sessions"].value) == (december.county_a, False, 2)
    secretary, _ = supervision(client, people.secretary_a)
    assert (secretary.committee, secretary.own, secretary["filed_sessions"].value) == (december.county_a, True, 1)
    assert "visit_coverage" not in secretary.by_key
    leader_again, _ = supervision(client, people.leader_a)
    assert leader_again["filed_sessions"].value == 2


def test_the_supervision_home_shows_a_new_filing_after_the_rollup(client, people, december):
    first, cold = supervision(client, people.leader_city)
    _, warm = supervision(client, people.leader_city)
    assert first["filed_sessions"].value == 2 and warm < cold
    make_filing(december.county_b, planned_on=datetime.date(2021, 12, 8))
    rollup.rollup_dirty()
    after, _ = supervision(client, people.leader_city)
    assert after["filed_sessions"].value == 3


def test_a_broken_cache_is_skipped(client, people, december, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    cache.close()
    response, _ = bigscreen(client, people.leader_city)
    assert study_sessions(response) == 10


class OlderRelease:
    """A cache holding values pickled by an older release, whose classes have since moved (reports.figures'
    PageFigures became Figures): reading one back fails."""

    def get(self, name, default=None):
        raise AttributeError("Can't get attribute 'PageFigures' on <module 'reports.figures'>")

    def set(self, name, value, timeout=None):
        self.written = name


def test_an_entry_an_older_release_wrote_is_built_afresh_and_overwritten(client, people, december, monkeypatch):
    older = OlderRelease()
    monkeypatch.setattr(page_cache, "cache", older)
    response, _ = bigscreen(client, people.leader_city)
    assert study_sessions(response) == 10
    assert older.written.startswith("page:bigscreen:")


def dashboard(client, user, **query):
    client.force_login(user)
    return counted_get(client, reverse("reports:dashboard"), {"month": "2021-12", **query})


def dashboard_figure(response, key):
    html = response.content.decode()
    marker = f'data-metric="{key}" data-value="'
    start = html.index(marker) + len(marker)
    return int(html[start:html.index('"', start)])


def test_the_dashboard_is_served_from_the_cache_until_the_rollup_stores_a_change(client, people, december):
    first, cold = dashboard(client, people.leader_city)
    second, warm = dashboard(client, people.leader_city)
    assert warm < cold

    def content(response):
        html = response.content.decode()
        return html[html.index('id="sg-breadcrumb"'):html.index('id="sg-chart-data"')]

    assert content(second) == content(first)
    assert dashboard_figure(first, "study_sessions") == 10
    ActivityFactory(committee=december.county_b, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 21))
    waiting, _ = dashboard(client, people.leader_city)
    assert 'id="sg-pending"' in waiting.content.decode()  # the change is waiting: said at once
    assert dashboard_figure(waiting, "study_sessions") == 10
    rollup.rollup_dirty()
    after, _ = dashboard(client, people.leader_city)
    assert dashboard_figure(after, "study_sessions") == 11
    assert 'id="sg-pending"' not in after.content.decode()


def test_the_dashboard_of_one_committee_differs_for_a_leader_and_its_secretary(client, people, december):
    leader, _ = dashboard(client, people.leader_a, committee="county-a")
    secretary, _ = dashboard(client, people.secretary_a, committee="county-a")
    assert dashboard_figure(leader, "study_sessions") == 5  # county A and its grassroots committee
    assert 'data-scope="own"' in secretary.content.decode()
    assert dashboard_figure(secretary, "study_sessions") == 2  # its own group only
    assert "sg-silent" not in secretary.content.decode() and "sg-silent" in leader.content.decode()


def test_two_leaders_see_their_own_dashboards(client, people, december):
    city, _ = dashboard(client, people.leader_city)
    county, _ = dashboard(client, people.leader_a)
    assert dashboard_figure(city, "study_sessions") == 10 and dashboard_figure(county, "study_sessions") == 5
    client.force_login(people.leader_a)
    assert client.get(reverse("reports:dashboard"), {"committee": "city", "month": "2021-12"}).status_code == 404


def bulletin(client, user, **query):
    client.force_login(user)
    return counted_get(client, reverse("reports:bulletin"), {"month": "2021-12", **query})


def test_the_bulletin_and_its_docx_follow_the_stored_figures(client, people, december):
    first, cold = bulletin(client, people.leader_city)
    _, warm = bulletin(client, people.leader_city)
    assert warm < cold
    table = {row.key: row.ytd for row in first.context["document"].table}
    assert table["study_sessions"] == 10
    docx = bulletin(client, people.leader_city, format="docx")[0].content
    assert bulletin(client, people.leader_city, format="docx")[0].content == docx
    ActivityFactory(committee=december.county_b, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 22))
    rollup.rollup_dirty()
    after, _ = bulletin(client, people.leader_city)
    assert {row.key: row.ytd for row in after.context["document"].table}["study_sessions"] == 11
    assert bulletin(client, people.leader_city, format="docx")[0].content != docx


def test_a_secretary_never_gets_the_leaders_bulletin_of_the_same_committee(client, people, december):
    leader, _ = bulletin(client, people.leader_a, committee="county-a")
    secretary, _ = bulletin(client, people.secretary_a, committee="county-a")
    leader_rows = {row.key: row.ytd for row in leader.context["document"].table}
    secretary_rows = {row.key: row.ytd for row in secretary.context["document"].table}
    assert leader_rows["study_sessions"] == 5
    assert "study_sessions" not in secretary_rows  # a subtree figure: not the secretary's to read
    assert secretary_rows["group_sessions"] == 2
