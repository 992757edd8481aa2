"""The big screen (数据大屏): the subtree's figures from the registry, scoped like the dashboard, refreshed from the
JSON of the same view, and read with the same number of queries for a small and a larger subtree."""
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import CommitteeKind
from reports import bigscreen, rollup
from reports.figures import figures_for
from sessions_app.models import ActivityKind

from .factories import ActivityFactory, make_committee

DEC = datetime.date(2021, 12, 1)


@pytest.fixture
def december(tree):
    for committee, count in ((tree.city, 2), (tree.county_a, 3), (tree.grassroots_a1, 1), (tree.county_b, 5)):
        for i in range(count):
            ActivityFactory(committee=committee, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 3 + i))
    ActivityFactory(committee=tree.county_b, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 11, 3))
    ActivityFactory(committee=tree.county_a, kind=ActivityKind.IMMERSIVE, held_on=datetime.date(2021, 12, 9),
                    participant_count=123_456)
    rollup.rollup_months([datetime.date(2021, 11, 1), DEC])
    return tree


def get(client, user, **query):
    client.force_login(user)
    return client.get(reverse("reports:bigscreen"), {"month": "2021-12", **query})


def stats(code):
    out = io.StringIO()
    call_command("stats", "--month", "2021-12", "--committee", code, "--json", stdout=out)
    return json.loads(out.getvalue())["figures"]


def test_it_shows_a_leader_the_registry_figures_of_their_subtree(client, people, december):
    response = get(client, people.leader_city)
    assert response.status_code == 200
    data = response.context["data"]
    assert data["committee"]["code"] == "city" and data["month"] == "2021-12"
    expected = stats("city")
    assert data["headline"], "no headline figure"
    for figure in data["headline"]:
        assert figure["value"] == expected[figure["key"]]["value"], figure["key"]
    by_key = {f["key"]: f for f in data["headline"]}
    assert by_key["study_sessions"]["value"] == 12 and by_key["study_sessions"]["month"] == 11
    assert by_key["immersive_participants"]["text"] == "12.35万"
    page = response.content.decode()
    assert 'data-key="study_sessions" data-value="12"' in page


def test_it_gives_a_county_leader_the_county(client, people, december):
    data = get(client, people.leader_a).context["data"]
    assert data["committee"]["code"] == "county-a"
    expected = figures_for(december.county_a, DEC)
    for figure in data["headline"]:
        assert figure["value"] == expected[figure["key"]].value
    assert [row["code"] for row in data["ranking"]] == ["county-a-g1"]
    assert data["tree"]["code"] == "county-a" and [c["code"] for c in data["tree"]["children"]] == ["county-a-g1"]


def test_it_opens_on_the_latest_month_with_figures(client, people, december):
    client.force_login(people.leader_city)
    data = client.get(reverse("reports:bigscreen"), {"format": "json"}).json()
    assert data["month"] == "2021-12" and data["period_label"] == "截至2021年12月底（年初至今累计）"
    assert next(f for f in data["headline"] if f["key"] == "study_sessions")["value"] == 12


def test_it_ranks_the_units_below_and_draws_the_tree(client, people, december):
    data = get(client, people.leader_city).context["data"]
    assert [(row["code"], row["ytd"]) for row in data["ranking"]] == [("county-b", 6), ("county-a", 4)]
    assert data["units"] == 2
    tree = data["tree"]
    assert tree["value"] == 12
    children = {c["code"]: c for c in tree["children"]}
    assert children["county-a"]["value"] == 4 and children["county-a"]["children"][0]["value"] == 1
    assert [(p["label"], p["value"], p["ytd"]) for p in data["trend"][-2:]] == [("11", 1, 1), ("12", 11, 12)]


@pytest.mark.parametrize("who, code", [
    ("leader_a", "county-b"), ("leader_a", "city"), ("leader_b", "county-a"), ("outsider", ""),
    ("secretary_a", "county-a"),  # a secretary reads their own committee alone: the subtree's screen is not theirs
])
def test_it_answers_404_outside_the_subtree(client, people, december, who, code):
    assert get(client, getattr(people, who), committee=code).status_code == 404
    assert get(client, getattr(people, who), committee=code, format="json").status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, december):
    assert client.get(reverse("reports:bigscreen")).status_code == 302


def test_it_serves_the_same_figures_as_json_for_the_refresh(client, people, december):
    page = get(client, people.leader_city)
    response = get(client, people.leader_city, format="json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == json.loads(json.dumps(page.context["data"]))
    assert f'data-url="{reverse("reports:bigscreen")}?month=2021-12&amp;format=json"' in page.content.decode()


def test_it_follows_a_new_record_once_rolled_up(client, people, december):
    ActivityFactory(committee=december.county_a, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 20))
    rollup.rollup_dirty()
    data = get(client, people.leader_city, format="json").json()
    assert next(f for f in data["headline"] if f["key"] == "study_sessions")["value"] == 13


def test_it_has_no_inline_script_or_handler(client, people, december):
    page = get(client, people.leader_city).content.decode()
    assert "onclick" not in page and "onload" not in page
    for chunk in page.split("<script")[1:]:
        head, _, rest = chunk.partition(">")
        assert "src=" in head or 'type="application/json"' in head, head
        assert "src=" not in head or rest.startswith("</script>")


def _queries(client, user, code):
    client.force_login(user)
    url = reverse("reports:bigscreen")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"committee": code, "month": "2021-12", "format": "json"})
    assert response.status_code == 200 and response.json()["tree"]["code"] == (code or response.json()["committee"]["code"])
    return len(captured)


def test_it_reads_as_many_queries_for_a_larger_subtree(client, people, december):
    small = _queries(client, people.leader_a, "")  # each leader's own committee: no lookup by code

    for n in range(6):  # more units, deeper, with figures
        county = make_committee(december.city, code=f"county-x{n}", name=f"{n}县委", kind=CommitteeKind.COUNTY)
        for m in range(3):
            grassroots = make_committee(county, code=f"county-x{n}-g{m}", name=f"{n}县{m}镇党委",
                                        kind=CommitteeKind.GRASSROOTS)
            ActivityFactory(committee=grassroots, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 1))
    rollup.rollup_months([DEC])
    large = _queries(client, people.leader_city, "")
    assert large == small
    assert len(bigscreen.screen(people.leader_city, month=DEC)["ranking"]) == 8


@pytest.mark.browser
def test_it_fills_a_1920_by_1080_screen_with_its_charts(browser_page, people, december):
    from .conftest import browser_login

    page = browser_page
    page.set_viewport_size({"width": 1920, "height": 1080})
    browser_login(page, "carl")  # leader of the city
    page.goto("/reports/bigscreen/?month=2021-12")
    page.wait_for_selector("#sg-screen-trend canvas")
    page.wait_for_selector("#sg-screen-tree canvas")
    assert page.locator('.sg-screen-tile[data-key="study_sessions"] .sg-tile-number').inner_text() == "12"
    assert page.locator("#sg-screen-ranking li").first.get_attribute("data-code") == "county-b"
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size[0] <= 1920 and size[1] <= 1080, size  # one screen, nothing to scroll
    figure = float(page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.sg-tile-number')).fontSize)"))
    assert figure >= 48  # read from across the room
    # The refresh reads the JSON of the same page, with the session's cookie.
    data = page.evaluate("fetch(document.body.dataset.url, {credentials: 'same-origin'}).then(r => r.json())")
    assert data["committee"]["code"] == "city"


def test_it_is_linked_from_the_dashboard_of_a_subtree_reader_only(client, people, december):
    client.force_login(people.leader_a)
    assert reverse("reports:bigscreen") in client.get("/reports/", {"month": "2021-12"}).content.decode()
    client.force_login(people.secretary_a)
    assert reverse("reports:bigscreen") not in client.get("/reports/", {"month": "2021-12"}).content.decode()
