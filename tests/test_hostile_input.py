"""Hostile and malformed input never produces a server error, on any page, for any role.

Walks every URL of the portal (the admin site and the API aside: Schemathesis sends the API its garbage) and sends it garbage in the query string and in
posted forms. The test client re-raises any exception a view lets through, so a 500 fails the test.
"""
import re

import pytest
from django.test import Client
from django.urls import get_resolver

from .factories import ActivityFactory

GARBAGE_QUERY = {
    "month": ["2021-13", "abc", "0000-00", "9999-12-31T00"], "committee": ["no-such-code", "' OR 1=1 --", "../.."],
    "page": ["-1", "abc", "99999999999999999999"], "sort": ["xyz", "-", "__class__"], "kind": ["zz", ""],
    "period": ["zz"], "format": ["zz", "docx\x00"], "year": ["abc", "-5"], "held_from": ["2021-02-30"],
    "held_to": ["x"], "campaign": ["abc", "-1"], "theme": ["999999"], "export": ["zz", "csv\n"], "q": ["%' --", "\x00"],
    "metric": ["nope"], "lang": ["xx"], "status": ["zz"], "level": ["zz"], "own": ["maybe"], "late": ["2"],
}
GARBAGE_POST = {
    "held_on": "2021-02-30", "ends_on": "yesterday", "title": "x" * 5000, "audience_count": "-5",
    "participant_count": "1e9", "period_count": "NaN", "day_count": "∞", "article_count": "0x10",
    "submission_key": "not-a-uuid", "committee": "999999", "kind": "zz", "planned_on": "x", "place": "",
    "topic": "", "size": "-1", "sample_size": "1e99", "rate": "abc", "seed": "abc", "strata": "zz",
    "period_start": "2021-12-31", "period_end": "2021-01-01", "observed_count": "-1", "visited_on": "bad",
    "score": "NaN", "scores": "x", "year": "x", "month": "bad", "due_on": "1900-01-01", "evidence_note": "",
    "status": "zz", "approved_on": "13/13/2021", "language": "xx", "form-TOTAL_FORMS": "99999999",
    "form-INITIAL_FORMS": "-1", "topics-TOTAL_FORMS": "abc", "attendance-TOTAL_FORMS": "100000",
}
SAMPLE_ARGS = {
    "pk": ["999999", "{record}"], "assignment_pk": ["999999"], "role_pk": ["999999", "1"], "activity_pk": ["999999", "{record}"],
    "metric": ["no-such-metric", "study_sessions"], "kind": ["bogus", "collective"], "year": ["0", "2021"],
    "code": ["no-such-code", "county-a"], "token": ["no-such-token", "x" * 300], "fmt": ["zz", "csv"], "filing_pk": ["999999"],
}
SKIP = {"logout", "password_reset_confirm", "health"}  # /health/ answers 503 by design when a part is down (test_ops)


def portal_urls():
    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                if str(p.pattern).startswith(("admin", "api/")):  # Django's admin; the API: tests/test_api_schemathesis.py
                    continue
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif p.name not in SKIP:
                yield prefix + str(p.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


def expand(pattern, record_pk):
    """Every concrete path for a URL pattern, from the sample values of its arguments."""
    paths = ["/" + pattern]
    for name in re.findall(r"<(?:\w+:)?(\w+)>", pattern):
        paths = [
            re.sub(rf"<(?:\w+:)?{name}>", value.format(record=record_pk), path, count=1)
            for path in paths for value in SAMPLE_ARGS[name]
        ]
    return paths


@pytest.fixture
def record(tree, people):
    return ActivityFactory(committee=tree.county_a)


@pytest.mark.parametrize("pattern", portal_urls())
@pytest.mark.parametrize("who", ["admin", "secretary_a", "leader_b", "outsider"])
def test_it_never_fails_on_garbage(pattern, who, people, record):
    client = Client()
    client.force_login(getattr(people, who))
    for path in expand(pattern, record.pk):
        for key, values in GARBAGE_QUERY.items():
            for value in values:
                response = client.get(path, {key: value})
                assert response.status_code < 500, (path, key, value)
        response = client.post(path, GARBAGE_POST)
        assert response.status_code < 500, (path, "POST")
