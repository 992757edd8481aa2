"""The leader dashboard: scope (whose figures, which committees), the cards, breakdown and heatmap,
filters, bad input, the recompute button, and a query count that does not grow with the data."""
import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import metrics as registry
from reports.models import MetricValue, MonthStatus

from .factories import ActivityFactory, CampaignFactory, make_committee

DEC = datetime.date(2021, 12, 1)
URL = reverse("reports:dashboard")


def set_value(committee, metric, month=DEC, *, own=0, subtree=0, own_ytd=None, subtree_ytd=None):
    """A rollup row, as the rollup would have written it (the dashboard reads nothing else)."""
    return MetricValue.objects.update_or_create(
        committee=committee, month=month, metric=metric,
        defaults={
            "own": own, "subtree": subtree,
            "own_ytd": own if own_ytd is None else own_ytd, "subtree_ytd": subtree if subtree_ytd is None else subtree_ytd,
        },
    )[0]


@pytest.fixture
def figures(tree):
    """T2 (study_sessions) for every committee of the tree, T1 (group_sessions) of the city's own group."""
    MonthStatus.objects.create(month=DEC, computed_at=timezone.now(), closed_at=timezone.now())
    set_value(tree.city, "study_sessions", own=3, subtree=41, own_ytd=30, subtree_ytd=410)
    set_value(tree.county_a, "study_sessions", own=7, subtree=17, own_ytd=70, subtree_ytd=170)
    set_value(tree.grassroots_a1, "study_sessions", own=10, subtree=10, own_ytd=100, subtree_ytd=100)
    set_value(tree.county_b, "study_sessions", own=21, subtree=21, own_ytd=210, subtree_ytd=210)
    set_value(tree.city, "group_sessions", own=2, subtree=99, own_ytd=8, subtree_ytd=990)
    set_value(tree.county_b, "study_sessions", DEC.replace(month=6), own=5, subtree=5)
    return tree


def get(client, user, **params):
    if user is not None:
        client.force_login(user)
    return client.get(URL, params)


def card(response, key):
    return next(f for f in response.context["page"].figures if f.key == key)


def test_it_shows_the_city_leader_the_subtree_figures_of_the_city(client, people, figures):
    response = get(client, people.leader_city, month="2021-12")
    assert response.status_code == 200
    assert response.context["page"].committee == figures.city
    assert (card(response, "study_sessions").month_value, card(response, "study_sessions").ytd_value) == (41, 410)
    # T1 is the city's own group: own, not subtree.
    assert (card(response, "group_sessions").month_value, card(response, "group_sessions").ytd_value) == (2, 8)
    html = response.content.decode()
    assert "410" in html and "T2" in html
    assert "?committee=county-a&amp;month=2021-12" in html and "?committee=county-b&amp;month=2021-12" in html


def test_it_starts_a_county_leader_at_their_county_and_hides_the_city(client, people, figures):
    response = get(client, people.leader_a, month="2021-12")
    page = response.context["page"]
    assert page.committee == figures.county_a
    assert page.crumbs == [figures.county_a]
    assert page.children == [figures.grassroots_a1]
    assert card(response, "study_sessions").month_value == 17
    assert "county-b" not in response.content.decode()


def test_it_walks_down_the_tree_with_a_breadcrumb(client, people, figures):
    response = get(client, people.leader_city, committee="county-a-g1", month="2021-12")
    assert response.context["page"].crumbs == [figures.city, figures.county_a, figures.grassroots_a1]
    assert card(response, "study_sessions").month_value == 10


def test_it_shows_a_secretary_their_own_groups_figures_only(client, people, figures):
    response = get(client, people.secretary_a, month="2021-12")
    page = response.context["page"]
    assert page.committee == figures.county_a and not page.subtree_readable
    assert page.children == [] and page.breakdown == []
    assert (card(response, "study_sessions").month_value, card(response, "study_sessions").ytd_value) == (7, 70)


@pytest.mark.parametrize("who, code, status", [
    ("secretary_a", "county-a", 200),
    ("secretary_a", "county-a-g1", 404),
    ("leader_city", "county-a", 200),
    ("leader_city", "county-b", 200),
    ("leader_a", "county-a-g1", 200),
    ("leader_b", "county-a", 404),
    ("leader_b", "city", 404),
    ("outsider", "county-a", 404),
    ("outsider", "", 404),
    ("admin", "county-b", 200),
    ("auditor", "county-a", 200),
])
def test_it_answers_the_scope_matrix(client, people, figures, who, code, status):
    if who == "auditor":
        # An auditor's rights come from their pool profile (committees/policy.py): one who may visit the city.
        from .supervision_factories import make_auditor

        make_auditor(people.auditor, home=figures.city, may_visit=[figures.city])
    assert get(client, getattr(people, who), committee=code).status_code == status


def test_it_sends_anonymous_visitors_to_log_in(client, figures):
    response = get(client, None, committee="county-a")
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_answers_404_for_a_committee_that_does_not_exist(client, people, figures):
    assert get(client, people.leader_city, committee="nowhere").status_code == 404


@pytest.mark.parametrize("month", ["garbage", "2021-13", "1999-01", "2021-1x", "9" * 50])
def test_it_ignores_a_bad_month_and_shows_the_default(client, people, figures, month):
    response = get(client, people.leader_city, month=month)
    assert response.status_code == 200
    assert response.context["page"].month == DEC  # the last closed month


def test_it_defaults_to_the_current_month_when_none_is_closed(client, people, tree):
    response = get(client, people.leader_city)
    assert response.context["page"].month == timezone.localdate().replace(day=1)


def test_it_breaks_the_chosen_metric_down_by_sub_committee_with_a_heatmap(client, people, figures):
    response = get(client, people.leader_city, month="2021-12", metric="study_sessions")
    rows = {row.committee.code: row for row in response.context["page"].breakdown}
    assert (rows["county-a"].value, rows["county-a"].ytd) == (17, 170)
    assert (rows["county-b"].value, rows["county-b"].ytd) == (21, 210)
    # The heatmap: county B reported in June and December only; the other months are empty cells.
    cells = dict(rows["county-b"].cells)
    assert cells[DEC.replace(month=6)] == 5 and cells[DEC] == 21 and cells[DEC.replace(month=3)] == 0
    assert rows["county-b"].reported_months == 2
    html = response.content.decode()
    assert "sg-heat-none" in html and "sg-heat-some" in html
    drill = reverse("reports:drilldown", args=["study_sessions"])
    assert f"{drill}?committee=county-b&amp;month=2021-06&amp;period=month" in html


def test_it_links_every_card_to_its_records(client, people, figures):
    html = get(client, people.leader_city, month="2021-12").content.decode()
    for metric in registry.all_metrics():
        drill = reverse("reports:drilldown", args=[metric.key])
        assert f"{drill}?committee=city&amp;month=2021-12&amp;period=month" in html
        assert f"{drill}?committee=city&amp;month=2021-12&amp;period=ytd" in html


def test_it_narrows_the_cards_to_a_campaigns_metrics(client, people, figures):
    campaign = CampaignFactory(code="party-spirit-2021")
    other = CampaignFactory(code="other-campaign")
    keys = {f.key for f in get(client, people.leader_city, campaign=campaign.code).context["page"].figures}
    # Every campaign has the template figures, and only its own under its filter.
    assert keys == {f"campaign.party-spirit-2021.{t}" for t in
                    ("thematic_sessions", "reading_classes", "reflection_articles", "outreach_lectures")}
    assert all(registry.get(k).filters.get("campaign") == campaign.pk for k in keys)
    others = {f.key for f in get(client, people.leader_city, campaign=other.code).context["page"].figures}
    assert others == {k.replace("party-spirit-2021", "other-campaign") for k in keys}
    # An unknown campaign code is ignored: every figure is shown.
    assert len(get(client, people.leader_city, campaign="nope").context["page"].metrics) == len(registry.all_metrics())


def test_it_shows_when_the_figures_were_computed(client, people, figures):
    status = MonthStatus.objects.get(month=DEC)
    html = get(client, people.leader_city, month="2021-12").content.decode()
    assert timezone.localtime(status.computed_at).strftime("%Y-%m-%d %H:%M") in html
    assert "sg-freshness" in html


def test_it_lets_only_an_admin_recompute(client, people, figures, django_capture_on_commit_callbacks):
    url = reverse("reports:recompute")
    client.force_login(people.leader_city)
    assert client.post(url, {"month": "2021-12"}).status_code == 404
    assert "reports:recompute" not in get(client, people.leader_city).content.decode()
    ActivityFactory(committee=figures.county_b, held_on=datetime.date(2021, 12, 3))
    client.force_login(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"month": "2021-12", "committee": "county-b"})
    assert response.status_code == 302 and "committee=county-b" in response["Location"]
    # The rollup ran (tasks are eager in tests) and replaced the hand-made rows with the real count.
    assert MetricValue.objects.get(committee=figures.county_b, month=DEC, metric="study_sessions").own == 1
    assert client.post(url, {"month": "bad"}).status_code == 404
    assert client.get(url).status_code == 405


def _bulk_values(committees, count):
    metrics = [m.key for m in registry.all_metrics()]
    months = [DEC.replace(month=m) for m in range(1, 13)]
    combos = itertools.islice(itertools.product(committees, months, metrics), count)
    MetricValue.objects.bulk_create(
        MetricValue(committee=c, month=m, metric=k, own=1, subtree=2, own_ytd=3, subtree_ytd=4) for c, m, k in combos
    )


def _count_queries(client, user):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"month": "2021-12", "metric": "study_sessions"})
    assert response.status_code == 200
    return len(queries)


def test_it_reads_the_dashboard_in_a_fixed_number_of_queries(client, people, tree):
    MonthStatus.objects.create(month=DEC, computed_at=timezone.now())
    client.force_login(people.leader_city)
    _bulk_values([tree.city, tree.county_a], 10)
    small = _count_queries(client, people.leader_city)
    # A hundred more sub-committees and a thousand more rollup rows: not one query more.
    children = [make_committee(tree.city, code=f"more-{i}") for i in range(100)]
    MetricValue.objects.all().delete()
    _bulk_values([tree.city, tree.county_a, tree.county_b, *children], 1000)
    assert MetricValue.objects.count() == 1000
    large = _count_queries(client, people.leader_city)
    assert small == large
    # session, user, roles, campaigns, themes, cards (metric rows, month status, visit coverage),
    # sub-committees, month status, trend, breakdown and heatmap (a root's breadcrumb is itself: no query),
    # the headline's last month and same month last year (metric rows, month status each), the silent units.
    assert large == 17


def test_it_speaks_english_on_request(client, people, figures):
    client.force_login(people.leader_city)
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    html = client.get(URL, {"month": "2021-12"}).content.decode()
    assert "Year to date" in html and "Figures as of" in html
