"""The committee tree of a subtree, administered in the portal (/committees/) by the subtree's administrator."""
import datetime

import pytest
from django.test import Client

from committees.models import Committee, CommitteeChange, CommitteeKind, RoleKind
from reports import rollup
from reports.figures import figures_for

from .factories import ActivityFactory, make_committee, user_with_role
from .figures_oracle import mismatches

MAY = datetime.date(2021, 5, 1)


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def county_admin(tree):
    return user_with_role(tree.county_a, RoleKind.ADMIN, username="countyadmin")


@pytest.fixture
def carol(county_admin):
    return login(county_admin)


def post(client, committee, action, **fields):
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    return client.post(f"/committees/{committee.pk}/", data)


def test_it_lists_only_the_administered_subtree(carol, tree):
    page = carol.get("/committees/")
    assert page.status_code == 200
    assert [c.code for c, _ in page.context["rows"]] == ["county-a", "county-a-g1"]
    assert [c.code for c, _ in carol.get("/committees/?q=一镇").context["rows"]] == ["county-a-g1"]


def test_a_county_administrator_creates_renames_moves_and_retires(carol, county_admin, tree):
    assert post(carol, tree.county_a, "create", code="county-a-g2", name="甲县二镇党委", kind="grassroots").status_code == 302
    g2 = Committee.objects.get(code="county-a-g2")
    assert Committee.objects.get_parent(g2) == tree.county_a

    assert post(carol, g2, "rename", name="甲县二镇新党委").status_code == 302
    g2.refresh_from_db()
    assert (g2.code, g2.name) == ("county-a-g2", "甲县二镇新党委")

    assert post(carol, g2, "move", parent="county-a-g1").status_code == 302
    g2.refresh_from_db()
    assert Committee.objects.get_parent(g2) == tree.grassroots_a1

    assert carol.post(f"/committees/{g2.pk}/active/", {"active": "0"}).status_code == 302
    g2.refresh_from_db()
    assert not g2.active
    assert carol.post(f"/committees/{g2.pk}/active/", {"active": "1"}).status_code == 302
    g2.refresh_from_db()
    assert g2.active

    log = list(CommitteeChange.objects.filter(committee=g2).order_by("id").values_list("action", "user"))
    assert log == [(a, county_admin.pk) for a in ("create", "rename", "move", "retire", "reactivate")]
    assert "甲县二镇新党委" in carol.get(f"/committees/{g2.pk}/").content.decode()


def test_it_refuses_a_duplicate_code_at_the_field(carol, tree):
    response = post(carol, tree.county_a, "create", code="county-b", name="重复", kind="grassroots")
    assert response.status_code == 200
    assert response.context["forms"]["create"].errors["code"]


def test_it_refuses_moving_under_its_own_descendant_at_the_field(carol, tree):
    path = tree.county_a.path
    response = post(carol, tree.county_a, "move", parent="county-a-g1")
    assert response.status_code == 200
    assert response.context["forms"]["move"].errors["parent"]
    assert post(carol, tree.county_a, "move", parent="county-a").context["forms"]["move"].errors["parent"]
    tree.county_a.refresh_from_db()
    assert tree.county_a.path == path
    assert not CommitteeChange.objects.exists()


def test_moving_outside_the_subtree_or_touching_a_sibling_county_is_not_found(carol, tree):
    assert post(carol, tree.grassroots_a1, "move", parent="county-b").status_code == 404
    assert post(carol, tree.grassroots_a1, "move", parent="city").status_code == 404
    assert carol.get(f"/committees/{tree.county_b.pk}/").status_code == 404
    assert post(carol, tree.county_b, "rename", name="被改").status_code == 404
    assert carol.post(f"/committees/{tree.county_b.pk}/active/", {"active": "0"}).status_code == 404
    assert carol.get(f"/committees/{tree.city.pk}/").status_code == 404
    tree.grassroots_a1.refresh_from_db()
    tree.county_b.refresh_from_db()
    assert Committee.objects.get_parent(tree.grassroots_a1) == tree.county_a
    assert (tree.county_b.name, tree.county_b.active) == ("乙县委", True)


@pytest.mark.parametrize("who", ["secretary_a", "leader_a", "leader_city", "auditor", "outsider"])
def test_non_administrators_have_no_committee_pages(people, tree, who):
    client = login(getattr(people, who))
    assert client.get("/committees/").status_code == 404
    assert client.get(f"/committees/{tree.county_a.pk}/").status_code == 404
    assert post(client, tree.county_a, "rename", name="x").status_code == 404


def test_anonymous_is_sent_to_login(client, tree):
    assert client.get("/committees/").status_code == 302


@pytest.mark.parametrize("query", ["?q=%00", "?q=" + "x" * 5000, "?page=-1", "?page=abc"])
def test_bad_queries_are_no_error(carol, query):
    assert carol.get("/committees/" + query).status_code == 200


@pytest.mark.parametrize("data", [{"action": "nope"}, {"action": "move", "move-parent": "\x00"},
                                  {"action": "move", "move-parent": "x" * 5000}, {}])
def test_bad_posts_are_no_error(carol, tree, data):
    assert carol.post(f"/committees/{tree.grassroots_a1.pk}/", data).status_code in (200, 404)


def test_a_move_keeps_every_figure_equal_to_a_fresh_count(tree, county_admin):
    from committees.services import committee_move

    g2 = make_committee(tree.county_a, code="county-a-g2", kind=CommitteeKind.GRASSROOTS)
    for day in (3, 10):
        ActivityFactory(committee=g2, held_on=MAY.replace(day=day))
    ActivityFactory(committee=tree.grassroots_a1, held_on=MAY.replace(day=4))
    rollup.rollup_dirty()
    assert mismatches() == []

    committee_move(committee=g2, parent=tree.grassroots_a1, user=county_admin)
    rollup.rollup_dirty()
    assert mismatches() == []
    assert figures_for(tree.grassroots_a1, MAY)["study_sessions"].value == 3
    assert figures_for(tree.county_a, MAY)["study_sessions"].value == 3


def test_a_retired_committees_records_are_still_counted_and_not_offered_for_new_ones(tree, carol, county_admin):
    from committees.services import committee_retire

    ActivityFactory(committee=tree.grassroots_a1, held_on=MAY.replace(day=4))
    committee_retire(committee=tree.grassroots_a1, user=county_admin)
    rollup.rollup_dirty()
    assert mismatches() == []
    assert figures_for(tree.county_a, MAY)["study_sessions"].value == 1
    form = carol.get("/records/new/collective/").context["form"]
    offered = set(form.fields["committee"].queryset) if "committee" in form.fields else set()
    assert tree.grassroots_a1 not in offered and tree.county_a in offered


def test_the_page_names_no_committee_above_the_subtree(carol, tree):
    page = carol.get(f"/committees/{tree.grassroots_a1.pk}/")
    assert [a.code for a in page.context["ancestors"]] == ["county-a"]
    assert f"/committees/{tree.city.pk}/" not in page.content.decode() and tree.county_b.name not in page.content.decode()
