"""The dashboard's links, built once per page in Python (reports/presentation.py): every card, breakdown
figure, heatmap cell and chart point still leads to exactly its records, names are escaped, and the
breadcrumb and the committee of a role are read without extra queries where nothing else can be shown."""
import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committees.models import Role, RoleKind
from reports import metrics as registry
from reports.models import MetricValue, MonthStatus

from .factories import make_committee

DEC = datetime.date(2021, 12, 1)
URL = reverse("reports:dashboard")


@pytest.fixture
def figures(tree):
    MonthStatus.objects.create(month=DEC, computed_at=timezone.now())
    for committee, n in ((tree.city, 41), (tree.county_a, 17), (tree.county_b, 21), (tree.grassroots_a1, 10)):
        MetricValue.objects.create(committee=committee, month=DEC, metric="study_sessions", subtree=n, subtree_ytd=n)
    MetricValue.objects.create(committee=tree.county_b, month=DEC.replace(month=6), metric="study_sessions",
                               subtree=5, subtree_ytd=5)
    for key, n in (("first_agenda_meetings", 4), ("first_agenda_with_study", 3)):
        MetricValue.objects.create(committee=tree.city, month=DEC, metric=key, subtree=n, subtree_ytd=n * 2)
    return tree


def dashboard(client, user, **params):
    client.force_login(user)
    response = client.get(URL, {"month": "2021-12", **params})
    assert response.status_code == 200
    return response


def drill(key, code, month="2021-12", period="month"):
    return f"{reverse('reports:drilldown', args=[key])}?committee={code}&amp;month={month}&amp;period={period}"


def test_it_links_every_heatmap_cell_with_records_to_that_months_records(client, people, figures):
    page = dashboard(client, people.leader_city, metric="study_sessions").content.decode()
    heatmap = page[page.index('id="sg-heatmap"'):]
    linked = {(code, m) for code, months in (("county-a", [12]), ("county-b", [6, 12])) for m in months}
    for code, name in (("county-a", "甲县委"), ("county-b", "乙县委")):
        for m in range(1, 13):
            month = f"2021-{m:02d}"
            link = f'<a href="{drill("study_sessions", code, month)}" title="{name} {month}">'
            # A red cell (nothing reported) links nowhere: its records would be an empty page.
            assert (link in heatmap) == ((code, m) in linked), (code, month)
    cell = re.search(r'<td class="text-center (sg-heat-\w+)[^"]*"><a href="[^"]*committee=county-b&amp;month=2021-06[^"]*"'
                     r' title="[^"]*">(\d+)</a></td>', heatmap)
    assert cell.groups() == ("sg-heat-some", "5")
    cell = re.search(r'<td class="text-center (sg-heat-\w+)[^"]*" title="乙县委 2021-03：[^"]*"><span>(\d+)</span></td>', heatmap)
    assert cell.groups() == ("sg-heat-none", "0")
    # The chosen month is marked, so that a phone scrolls the heatmap to it.
    assert heatmap.count("sg-heat-current") == 1 + 2


def test_it_links_the_breakdown_and_the_charts_to_the_records(client, people, figures):
    response = dashboard(client, people.leader_city, metric="study_sessions")
    page = response.content.decode()
    table = page[page.index('id="sg-breakdown"'):page.index('id="sg-heatmap"')]
    assert f'<a href="{drill("study_sessions", "county-a")}">17</a>' in table
    assert f'<a href="{drill("study_sessions", "county-a", period="ytd")}">17</a>' in table
    assert '<a href="?committee=county-b&amp;month=2021-12&amp;metric=study_sessions">乙县委</a>' in table
    chart = response.context["chart_data"]
    # Ranked: county B (21) before county A (17).
    assert chart["breakdown"][0] == {
        "name": "乙县委", "value": 21, "url": html.unescape(drill("study_sessions", "county-b")),
    }
    assert [row["value"] for row in chart["breakdown"]] == [21, 17]
    assert [p["url"] for p in chart["trend"]] == [
        html.unescape(drill("study_sessions", "city", f"2021-{m:02d}")) for m in range(1, 13)
    ]


def test_it_links_both_figures_of_a_ratio_card(client, people, figures):
    page = dashboard(client, people.leader_city).content.decode()
    ratio = page[page.index('data-metric="first_agenda_compliance"'):]
    ratio = ratio[:ratio.index("</div>\n  </div>\n</div>")]
    assert "75.0" in ratio
    for key in ("first_agenda_with_study", "first_agenda_meetings"):
        assert drill(key, "city") in ratio and drill(key, "city", period="ytd") in ratio


def test_it_keeps_the_chosen_campaign_in_a_cards_link(client, people, figures):
    from .factories import CampaignFactory

    campaign = CampaignFactory(code="party-spirit-2021")
    page = dashboard(client, people.leader_city, campaign=campaign.code).content.decode()
    # The figure of the trend is chosen in a select whose form keeps the campaign.
    form = page[page.index('id="sg-figure-form"'):]
    form = form[:form.index("</form>")]
    assert '<input type="hidden" name="campaign" value="party-spirit-2021">' in form
    assert '<option value="campaign.party-spirit-2021.thematic_sessions"' in form


def test_it_escapes_committee_names_in_every_link(client, people, figures):
    make_committee(figures.city, code="odd&code", name='<b>"乙"</b>')
    page = dashboard(client, people.leader_city, metric="study_sessions").content.decode()
    assert '<b>"乙"</b>' not in page
    assert 'title="&lt;b&gt;&quot;乙&quot;&lt;/b&gt; 2021-01：' in page
    assert "?committee=odd%26code&amp;month=2021-12&amp;metric=study_sessions" in page


def _queries(client, user, **params):
    client.force_login(user)
    client.get(URL, {"month": "2021-12", **params})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"month": "2021-12", **params}).status_code == 200
    return [q["sql"] for q in queries]


def test_it_reads_a_leaders_own_committee_without_looking_it_up(client, people, figures):
    own = _queries(client, people.leader_a, committee="county-a")
    # The city's leader sees the same page, but looks the committee up and reads the breadcrumb above it.
    from_above = _queries(client, people.leader_city, committee="county-a")
    assert len(from_above) == len(own) + 2
    # (The silent units read the subtree's committees with their last study: a list, not a lookup of this one.)
    assert not any("committees_committee" in sql and "path" in sql and " IN (" in sql
                   and "sessions_app_activity" not in sql for sql in own)
    assert [c.code for c in dashboard(client, people.leader_city, committee="county-a").context["page"].crumbs] == [
        "city", "county-a",
    ]
    client.force_login(people.leader_a)
    assert client.get(URL, {"committee": "county-b"}).status_code == 404
    assert client.get(URL, {"committee": "city"}).status_code == 404


def test_it_shows_ancestors_a_second_role_makes_readable(client, people, tree, figures):
    Role.objects.create(user=people.leader_a, committee=tree.city, kind=RoleKind.SECRETARY)
    page = dashboard(client, people.leader_a, committee="county-a").context["page"]
    assert [c.code for c in page.crumbs] == ["city", "county-a"]
    page = dashboard(client, people.secretary_a, committee="county-a").context["page"]
    assert [c.code for c in page.crumbs] == ["county-a"]


def test_it_shows_an_admin_the_whole_path(client, people, figures):
    page = dashboard(client, people.admin, committee="county-a-g1").context["page"]
    assert [c.code for c in page.crumbs] == ["city", "county-a", "county-a-g1"]


def test_it_links_every_card_of_every_metric(client, people, figures):
    response = dashboard(client, people.leader_a)
    page = response.content.decode()
    for metric in registry.all_metrics():
        assert f'data-metric="{metric.key}"' in page
        assert f'href="{drill(metric.key, "county-a")}"' in page
        assert f'href="{drill(metric.key, "county-a", period="ytd")}"' in page
