"""The API's lists count exactly, except (PostgreSQL) a result planned above api.pagination.ESTIMATE_ABOVE rows whose
first FLOOR + 1 rows show more: its count is the planner's estimate (`count_exact` false), no page past it is refused
and `next` follows the rows themselves. The thresholds are lowered here so that five records cross them."""
import datetime

import pytest
from django.db import connection
from rest_framework.test import APIClient

from api import pagination

from .factories import ActivityFactory

RECORDS = "/api/v1/records/"


@pytest.fixture
def five(tree, people):
    for _ in range(5):
        ActivityFactory(committee=tree.county_a)
    client = APIClient()
    client.force_login(people.leader_a)
    return client


def pages(client, *numbers):
    return [client.get(RECORDS, {"page_size": 2, "page": n}) for n in numbers]


def test_a_small_result_is_counted_exactly_and_a_page_past_it_is_not_found(five):
    first, last, past = pages(five, 1, 3, 4)
    assert first.json()["count"] == 5 and first.json()["count_exact"] is True and first.json()["next"]
    assert len(last.json()["results"]) == 1 and last.json()["next"] is None
    assert past.status_code == 404


def test_a_result_planned_above_the_threshold_gets_the_estimate_and_pages_follow_the_rows(five, monkeypatch):
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 0)
    monkeypatch.setattr(pagination, "FLOOR", 2)
    first, third, past = pages(five, 1, 3, 4)
    assert [len(r.json()["results"]) for r in (first, third)] == [2, 1]
    assert first.json()["next"] and third.json()["next"] is None
    if connection.vendor == "postgresql":
        assert first.json()["count_exact"] is False and first.json()["count"] >= 3
        assert past.status_code == 200 and past.json()["results"] == []  # the estimate refuses no page
    else:  # SQLite has no planner estimate: always exact
        assert first.json()["count"] == 5 and first.json()["count_exact"] is True
        assert past.status_code == 404


def test_the_estimate_is_not_used_when_the_first_rows_end_early(five, monkeypatch):
    monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 0)
    monkeypatch.setattr(pagination, "FLOOR", 10)
    body = five.get(RECORDS, {"page_size": 2}).json()
    assert body["count"] == 5 and body["count_exact"] is True


@pytest.mark.parametrize("estimated", [False, True])
def test_pages_follow_one_another_in_the_lists_order_each_record_once(tree, people, monkeypatch, estimated):
    # Records on three days, several a day, in two committees: the page's ids are read first, then their rows.
    days = [datetime.date(2021, 11, d) for d in (3, 3, 17, 3, 17, 9, 9)]
    for n, day in enumerate(days):
        ActivityFactory(committee=tree.grassroots_a1 if n % 2 else tree.county_a, held_on=day)
    if estimated:
        monkeypatch.setattr(pagination, "ESTIMATE_ABOVE", 0)
        monkeypatch.setattr(pagination, "FLOOR", 2)
    client = APIClient()
    client.force_login(people.leader_a)
    shown = [r for page in pages(client, 1, 2, 3, 4) for r in page.json()["results"]]
    assert [(r["held_on"], r["id"]) for r in shown] == sorted(((r["held_on"], r["id"]) for r in shown), reverse=True)
    assert len({r["id"] for r in shown}) == len(shown) == len(days)
