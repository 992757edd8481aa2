"""Pinned query counts of the leader's, auditor's and big screen's pages (issue 12): the same number for a small
subtree and one with forty more committees and their records, built afresh (nothing cached) and served again
(the parts cached on the rollup's version, reports/page_cache.py)."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import CommitteeKind
from reports import rollup
from sessions_app.models import ActivityKind

from .factories import ActivityFactory, make_committee
from .supervision_factories import make_auditor, make_filing

DEC = datetime.date(2021, 12, 1)
MORE = 40

# (name, user, URL name, query, most queries built afresh, most queries served again)
PAGES = [
    ("dashboard", "leader_city", "reports:dashboard", {"month": "2021-12"}, 17, 4),
    ("dashboard, latest month", "leader_city", "reports:dashboard", {}, 18, 5),
    ("drill-down", "leader_city", "reports:drilldown", {"month": "2021-12"}, 5, 5),
    ("bulletin", "leader_city", "reports:bulletin", {"month": "2021-12"}, 15, 9),
    ("bulletin DOCX", "leader_city", "reports:bulletin", {"month": "2021-12", "format": "docx"}, 14, 8),
    ("supervision home", "leader_city", "supervision:home", {"month": "2021-12"}, 10, 5),
    ("supervision home, auditor", "auditor", "supervision:home", {"month": "2021-12"}, 14, 9),
    ("big screen JSON", "leader_city", "reports:bigscreen", {"format": "json"}, 11, 5),
]


def records(committee, count, day=3):
    for i in range(count):
        ActivityFactory(committee=committee, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, day + i))
    make_filing(committee, planned_on=datetime.date(2021, 12, day))


@pytest.fixture
def small(tree, people):
    for committee in (tree.city, tree.county_a, tree.grassroots_a1, tree.county_b):
        records(committee, 2)
    make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    rollup.rollup_months([DEC])
    return tree


def grow(tree):
    """Forty more county committees under the city, each with a grassroots committee, records and a filing."""
    for n in range(MORE):
        county = make_committee(tree.city, code=f"more-{n}", name=f"第{n}县委", kind=CommitteeKind.COUNTY)
        grassroots = make_committee(county, code=f"more-{n}-g", name=f"第{n}县一镇党委", kind=CommitteeKind.GRASSROOTS)
        records(county, 2)
        records(grassroots, 1, day=10)
    rollup.rollup_months([DEC])


def url_of(name):
    args = ["study_sessions"] if name == "reports:drilldown" else []
    return reverse(name, args=args)


def counts(client, people, settings):
    """{page: (queries built afresh, queries served again)}."""
    found = {}
    for name, user, url_name, query, _cold, _warm in PAGES:
        client.force_login(getattr(people, user))
        url = url_of(url_name)
        settings.PAGE_CACHE_SECONDS = 0
        _count(client, url, query)  # once-only work (the default bulletin outline is stored on first use)
        cold = _count(client, url, query)
        settings.PAGE_CACHE_SECONDS = 600
        _count(client, url, query)  # fills the cache
        found[name] = (cold, _count(client, url, query))
    return found


def _count(client, url, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


def test_every_page_reads_a_pinned_number_of_queries_whatever_the_size_of_the_subtree(client, people, small, settings):
    before = counts(client, people, settings)
    grow(small)
    after = counts(client, people, settings)
    for name, _user, _url, _query, cold, warm in PAGES:
        assert after[name] == before[name], name
        assert before[name][0] <= cold, (name, before[name])
        assert before[name][1] <= warm, (name, before[name])
