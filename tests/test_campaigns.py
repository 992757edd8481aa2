"""Campaigns and themes made in the portal (issue 8, part 1): the pages, their rules, and tagging that follows them.

dora leads county A, eric leads its sibling county B, carl leads the city; alice and bella are the two counties'
secretaries (tests/conftest.py).
"""
import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from committees import campaigns as services
from committees.models import Campaign, Theme
from reports import rollup
from sessions_app.models import Activity
from sessions_app.testing import record_post

from .factories import ActivityFactory, CampaignFactory, RoleKind, user_with_role

TODAY = timezone.localdate()
DAY = TODAY - datetime.timedelta(days=1)  # the records' day: logged after the session
MONTH = DAY.replace(day=1)
START = DAY - datetime.timedelta(days=19)
END = TODAY + datetime.timedelta(days=10)
CODE = f"study-month-{START.year}"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def campaign_post(committee, **overrides):
    data = {"name": "Study month", "code": "", "committee": str(committee.pk), "starts_on": START.isoformat(),
            "ends_on": END.isoformat(), "description": "全县专题学习月"}
    data.update(overrides)
    return data


@pytest.fixture
def county_campaign(tree, people):
    return services.campaign_create(user=people.leader_a, name="Study month", committee=tree.county_a,
                                    starts_on=START, ends_on=END, description="")


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# ---------------------------------------------------------------- end to end, through the views


def test_it_yields_the_figures_of_a_campaign_made_in_the_page(tree, people, members_a):
    dora, alice = client_for(people.leader_a), client_for(people.secretary_a)
    # The county leader makes the campaign; the code is made from the name and the year.
    form = dora.get("/reports/campaigns/new/").context["form"]
    assert form["committee"].value() == tree.county_a.pk  # their own committee by default
    response = dora.post("/reports/campaigns/new/", campaign_post(tree.county_a))
    assert response.status_code == 302 and response["Location"] == f"/reports/campaigns/{CODE}/"
    campaign = Campaign.objects.get(code=CODE)
    assert campaign.committee == tree.county_a and (campaign.starts_on, campaign.ends_on) == (START, END)

    # The secretary is offered it in the record form and logs records with it.
    offered = alice.get("/records/new/thematic/").context["entry"].form.fields["campaign"].queryset
    assert campaign in offered
    for kind, extra in [("thematic", {}), ("thematic", {}), ("reading_class", {"period_count": "2"}),
                        ("reflection", {"article_count": "5"}), ("outreach_lecture", {})]:
        post = record_post(kind, members=members_a if kind in ("thematic", "reading_class") else [], held_on=DAY,
                           campaign=str(campaign.pk), **extra)
        response = alice.post(f"/records/new/{kind}/", post)
        assert response.status_code == 302, response.context["entry"].form.errors
    assert Activity.objects.filter(campaign=campaign).count() == 5
    rollup.rollup_dirty()

    expected = {"thematic_sessions": 2, "reading_classes": 1, "reflection_articles": 5, "outreach_lectures": 1}
    # The campaign's page, for the organising committee and the chosen month.
    page = dora.get(f"/reports/campaigns/{CODE}/", {"month": f"{MONTH:%Y-%m}"})
    rows = {row.key: row for row in page.context["rows"]}
    assert page.context["committee"] == tree.county_a
    for name, value in expected.items():
        row = rows[f"campaign.{CODE}.{name}"]
        assert (row.value, row.ytd) == (value, value)
        assert row.ytd_url in page.content.decode().replace("&amp;", "&")
        assert f"campaign={CODE}" in row.dashboard_url
    # The dashboard under the campaign's filter says the same.
    dashboard = dora.get("/reports/", {"committee": "county-a", "month": f"{MONTH:%Y-%m}", "campaign": CODE})
    cards = {f.key: f.ytd_value for f in dashboard.context["page"].figures}
    assert cards == {f"campaign.{CODE}.{name}": value for name, value in expected.items()}
    # `stats --json`, under stable keys, for the county and the city above it.
    for committee in ("county-a", "city"):
        out = io.StringIO()
        call_command("stats", month=f"{MONTH:%Y-%m}", committee=committee, json=True, stdout=out)
        figures = json.loads(out.getvalue())["figures"]
        assert {name: figures[f"campaign.{CODE}.{name}"]["value"] for name in expected} == expected
    # Drillable: the figure's link lists exactly its records.
    drill = dora.get(rows[f"campaign.{CODE}.thematic_sessions"].ytd_url)
    assert drill.status_code == 200 and drill.context["total"] == 2
    assert {item.committee for item in drill.context["items"]} == {tree.county_a}


def test_it_shows_a_secretary_the_own_groups_figures(tree, people, county_campaign):
    ActivityFactory(committee=tree.county_a, kind="thematic", held_on=DAY, campaign=county_campaign)
    ActivityFactory(committee=tree.grassroots_a1, kind="thematic", held_on=DAY, campaign=county_campaign)
    rollup.rollup_dirty()
    leader = client_for(people.leader_a).get(f"/reports/campaigns/{CODE}/", {"month": f"{MONTH:%Y-%m}"})
    secretary = client_for(people.secretary_a).get(f"/reports/campaigns/{CODE}/", {"month": f"{MONTH:%Y-%m}"})
    key = f"campaign.{CODE}.thematic_sessions"
    assert {r.key: r.ytd for r in leader.context["rows"]}[key] == 2
    assert {r.key: r.ytd for r in secretary.context["rows"]}[key] == 1  # the secretary reads county A alone
    assert client_for(people.secretary_a).get(f"/reports/campaigns/{CODE}/edit/").status_code == 404


def test_it_starts_a_grassroots_reader_from_their_own_committee(tree, people):
    campaign = services.campaign_create(user=people.leader_city, name="全市学习月", committee=tree.city,
                                        starts_on=START, ends_on=END)
    grassroots_secretary = client_for(user_with_role(tree.grassroots_a1, RoleKind.SECRETARY))
    page = grassroots_secretary.get(f"/reports/campaigns/{campaign.code}/")
    assert page.status_code == 200 and page.context["committee"] == tree.grassroots_a1


# ---------------------------------------------------------------- who may see and change it


def test_it_answers_404_to_everyone_out_of_reach(tree, people, county_campaign):
    for who in ("leader_b", "secretary_b", "outsider"):
        client = client_for(getattr(people, who))
        assert client.get(f"/reports/campaigns/{CODE}/edit/").status_code == 404, who
        assert client.post(f"/reports/campaigns/{CODE}/edit/", campaign_post(tree.county_a)).status_code == 404, who
        assert client.get(f"/reports/campaigns/{CODE}/").status_code == 404, who
        assert county_campaign not in [c for c, _ in client.get("/reports/campaigns/").context["campaigns"]] \
            if who != "outsider" else True
    assert client_for(people.outsider).get("/reports/campaigns/").status_code == 404
    # A secretary or an auditor reads no edit page and no form to make one.
    for who in ("secretary_a", "auditor"):
        assert client_for(getattr(people, who)).get("/reports/campaigns/new/").status_code == 404, who
    # The city's leader, above the county, may change it; nobody may move it out of their own subtree.
    eric = client_for(people.leader_b)
    response = eric.post("/reports/campaigns/new/", campaign_post(tree.county_a, name="越界"))
    assert response.status_code == 200 and field_errors(response, "committee")
    assert client_for(people.leader_city).get(f"/reports/campaigns/{CODE}/edit/").status_code == 200


def test_it_lists_the_campaigns_that_concern_the_user(tree, people, county_campaign):
    city = services.campaign_create(user=people.leader_city, name="全市学习月", committee=tree.city,
                                    starts_on=START, ends_on=END)
    county_b = services.campaign_create(user=people.leader_b, name="乙县学习月", committee=tree.county_b,
                                        starts_on=START, ends_on=END)
    shown = {who: {c.code for c, _ in client_for(getattr(people, who)).get("/reports/campaigns/").context["campaigns"]}
             for who in ("leader_a", "secretary_a", "leader_city", "leader_b")}
    assert shown["leader_a"] == shown["secretary_a"] == {county_campaign.code, city.code}
    assert shown["leader_city"] == {county_campaign.code, city.code, county_b.code}
    assert shown["leader_b"] == {city.code, county_b.code}


def test_it_links_the_page_from_the_navigation_for_leaders_and_administrators(people):
    assert 'id="sg-nav-campaigns"' in client_for(people.leader_a).get("/reports/").content.decode()
    assert 'id="sg-nav-campaigns"' in client_for(people.admin).get("/reports/").content.decode()
    assert 'id="sg-nav-campaigns"' not in client_for(people.secretary_a).get("/").content.decode()


# ---------------------------------------------------------------- bad input


def test_it_refuses_an_overlapping_edition_at_the_field(tree, people, county_campaign):
    dora = client_for(people.leader_a)
    later = (END - datetime.timedelta(days=3)).isoformat()
    far = (END + datetime.timedelta(days=30)).isoformat()
    with translation.override("zh-hans"):
        # The same name, another code: an edition.
        same_name = dora.post("/reports/campaigns/new/", campaign_post(
            tree.county_a, code="another-code", starts_on=later, ends_on=far))
        # A code that differs only by the year: an edition, whatever its name.
        next_year = dora.post("/reports/campaigns/new/", campaign_post(
            tree.county_a, name="学习月", code=f"study-month-{START.year + 1}", starts_on=later, ends_on=far))
    for response in (same_name, next_year):
        assert response.status_code == 200
        assert any("重叠" in e and CODE in e for e in field_errors(response, "starts_on")), response.context["form"].errors
    assert Campaign.objects.count() == 1  # nothing half-saved
    # Not an edition: another committee's campaign of the same name, or the next edition after this one ends.
    eric = client_for(people.leader_b)
    assert eric.post("/reports/campaigns/new/", campaign_post(tree.county_b)).status_code == 302
    after = (END + datetime.timedelta(days=1)).isoformat()
    response = dora.post("/reports/campaigns/new/", campaign_post(
        tree.county_a, code=f"study-month-{START.year + 1}", starts_on=after, ends_on=far))
    assert response.status_code == 302


def test_it_refuses_an_edition_that_would_end_inside_a_later_one(tree, people, county_campaign):
    with pytest.raises(ValidationError) as error:
        services.campaign_create(user=people.leader_a, name="Study month", committee=tree.county_a,
                                 starts_on=START - datetime.timedelta(days=40), ends_on=START)
    assert set(error.value.message_dict) == {"ends_on"}


@pytest.mark.parametrize("overrides, field, words", [
    ({"starts_on": END.isoformat(), "ends_on": START.isoformat()}, "ends_on", "结束"),
    ({"starts_on": "1949-09-30"}, "starts_on", "1949"),
    ({"ends_on": f"{TODAY.year + 50}-01-01"}, "ends_on", "年"),
    ({"code": "Study Month!"}, "code", "小写"),
    ({"code": "new"}, "code", "new"),
    ({"name": ""}, "name", ""),
])
def test_it_refuses_bad_input_at_the_field(tree, people, overrides, field, words):
    with translation.override("zh-hans"):
        response = client_for(people.leader_a).post("/reports/campaigns/new/", campaign_post(tree.county_a, **overrides))
    assert response.status_code == 200
    errors = field_errors(response, field)
    assert errors and any(words in e for e in errors), response.context["form"].errors
    assert not Campaign.objects.exists()


def test_it_refuses_a_duplicate_code(tree, people, county_campaign):
    with translation.override("zh-hans"):
        response = client_for(people.leader_b).post(
            "/reports/campaigns/new/", campaign_post(tree.county_b, name="另一个", code=CODE.upper()))
    assert any(CODE in e and "Study month" in e for e in field_errors(response, "code"))
    assert Campaign.objects.count() == 1


def test_it_offers_a_free_code_when_the_made_one_is_taken(tree, people, county_campaign):
    again = services.campaign_create(user=people.leader_b, name="Study month", committee=tree.county_b,
                                     starts_on=START, ends_on=END)
    assert again.code == f"{CODE}-2"
    chinese = services.campaign_create(user=people.leader_b, name="专题学习月", committee=tree.county_b,
                                       starts_on=START, ends_on=END)
    assert chinese.code == f"campaign-{START:%Y%m}"


def test_it_keeps_the_code_when_a_campaign_is_edited(tree, people, county_campaign):
    dora = client_for(people.leader_a)
    page = dora.get(f"/reports/campaigns/{CODE}/edit/")
    assert "code" not in page.context["form"].fields and CODE in page.content.decode()
    response = dora.post(f"/reports/campaigns/{CODE}/edit/", campaign_post(
        tree.grassroots_a1, name="Study month (renamed)", code="sneaky"))
    assert response.status_code == 302
    county_campaign.refresh_from_db()
    assert (county_campaign.code, county_campaign.name, county_campaign.committee) == (
        CODE, "Study month (renamed)", tree.grassroots_a1)


def test_it_refuses_a_change_that_leaves_tagged_records_out(tree, people, county_campaign):
    ActivityFactory(committee=tree.county_a, kind="thematic", held_on=DAY, campaign=county_campaign)
    dora = client_for(people.leader_a)
    response = dora.post(f"/reports/campaigns/{CODE}/edit/", campaign_post(
        tree.grassroots_a1, starts_on=TODAY.isoformat()))
    assert response.status_code == 200
    assert field_errors(response, "starts_on") and field_errors(response, "committee")
    county_campaign.refresh_from_db()
    assert (county_campaign.starts_on, county_campaign.committee) == (START, tree.county_a)


# ---------------------------------------------------------------- tagging follows the campaign


def test_it_offers_a_record_only_the_campaigns_that_cover_its_committee(tree, people, county_campaign):
    whole_tree = CampaignFactory(code="whole-tree", starts_on=START, ends_on=END)
    county_b = services.campaign_create(user=people.leader_b, name="乙县学习月", committee=tree.county_b,
                                        starts_on=START, ends_on=END)
    offered = set(client_for(people.secretary_a).get("/records/new/thematic/").context["entry"]
                  .form.fields["campaign"].queryset)
    assert offered == {county_campaign, whole_tree}
    assert county_b not in offered


def test_it_refuses_a_tag_outside_the_subtree_or_the_period_at_the_field(tree, people, county_campaign, members_a):
    with translation.override("zh-hans"):
        # The model: the one rule every path shares (forms, imports, the API).
        outside = Activity(committee=tree.county_b, kind="collective", held_on=DAY, title="学习",
                           campaign=county_campaign)
        with pytest.raises(ValidationError) as error:
            outside.full_clean(exclude=["plan_topics"])
        assert "乙县委" in error.value.message_dict["campaign"][0]
        early = Activity(committee=tree.grassroots_a1, kind="collective", held_on=START - datetime.timedelta(days=1),
                         title="学习", campaign=county_campaign)
        with pytest.raises(ValidationError) as error:
            early.full_clean(exclude=["plan_topics"])
        assert START.isoformat() in error.value.message_dict["campaign"][0]
        # The record form: the message at the campaign field, nothing saved.
        response = client_for(people.secretary_a).post("/records/new/thematic/", record_post(
            "thematic", members=members_a, held_on=START - datetime.timedelta(days=1), campaign=str(county_campaign.pk)))
    assert response.status_code == 200
    assert any(START.isoformat() in e for e in response.context["entry"].form.errors["campaign"])
    assert not Activity.objects.exists()
    # Another county's secretary is not even offered it.
    response = client_for(people.secretary_b).post("/records/new/collective/", record_post(
        "collective", held_on=DAY, campaign=str(county_campaign.pk)))
    assert response.status_code == 200 and "campaign" in response.context["entry"].form.errors


# ---------------------------------------------------------------- themes


def test_it_makes_a_theme_in_the_page(tree, people):
    dora = client_for(people.leader_a)
    response = dora.post("/reports/themes/new/", {"name": "Congress 20", "code": "", "committee": tree.county_a.pk})
    assert response.status_code == 302 and response["Location"] == "/reports/themes/congress-20/"
    theme = Theme.objects.get(code="congress-20")
    ActivityFactory(committee=tree.county_a, kind="collective", held_on=DAY, theme=theme)
    rollup.rollup_dirty()
    page = dora.get("/reports/themes/congress-20/", {"month": f"{MONTH:%Y-%m}"})
    assert {r.key: r.ytd for r in page.context["rows"]}["theme.congress-20.study_sessions"] == 1
    # The same name again for the same committee is refused; the code cannot change.
    again = dora.post("/reports/themes/new/", {"name": "congress 20", "code": "", "committee": tree.county_a.pk})
    assert again.status_code == 200 and field_errors(again, "name")
    assert dora.post("/reports/themes/congress-20/edit/", {"name": "二十大精神", "committee": tree.county_a.pk,
                                                           "code": "x"}).status_code == 302
    theme.refresh_from_db()
    assert (theme.code, theme.name) == ("congress-20", "二十大精神")
    assert client_for(people.leader_b).get("/reports/themes/congress-20/edit/").status_code == 404
