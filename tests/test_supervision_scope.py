"""The scope matrix of the supervision pages: exact status codes per position, and what each list shows."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.models import Draw, Filing, Rectification, Visit

from .supervision_factories import make_assignment, make_auditor, make_filing, make_visit

POSITIONS = ["secretary_a", "leader_city", "leader_b", "outsider", "anonymous", "auditor"]


@pytest.fixture
def world(tree, people):
    fred = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    filing = make_filing(tree.county_a, planned_on=timezone.localdate() - datetime.timedelta(days=2), topic="甲县报备")
    make_filing(tree.county_b, planned_on=timezone.localdate() - datetime.timedelta(days=2), topic="乙县报备")
    assignment = make_assignment(make_filing(tree.grassroots_a1), fred)
    visit = make_visit(fred, tree.county_a, findings="记录不全", rectifications=1, discrepancy=True)
    draft = make_visit(fred, tree.grassroots_a1, status="draft")
    draw = Draw.objects.create(
        root=tree.county_a, period_start=filing.planned_on, period_end=filing.planned_on, sample_size=1, seed=1,
        candidates=[], pool=[], result=[], assignments={},
    )
    return {"filing": filing, "assignment": assignment, "visit": visit, "draft": draft, "draw": draw,
            "rect": Rectification.objects.get(visit=visit)}


def url_for(name, world):
    objects = {
        "visit": ("supervision:visit", "visit"), "draft": ("supervision:visit", "draft"),
        "draft_edit": ("supervision:visit_edit", "draft"), "visit_start": ("supervision:visit_start", "assignment"),
        "close": ("supervision:rectification_close", "rect"), "link": ("supervision:filing_link", "filing"),
        "draw": ("supervision:draw", "draw"),
    }
    if name in objects:
        url_name, key = objects[name]
        return reverse(url_name, args=[world[key].pk])
    return reverse(f"supervision:{name}")


MATRIX = {
    #                 secretary_a leader_city leader_b outsider anonymous auditor
    "home":            (200, 200, 200, 200, 302, 200),
    "filings":         (200, 200, 200, 200, 302, 200),
    "visits":          (200, 200, 200, 200, 302, 200),
    "rectifications":  (200, 200, 200, 200, 302, 200),
    "notifications":   (200, 200, 200, 200, 302, 200),
    "unfiled":         (200, 200, 200, 200, 302, 200),
    "visit":           (200, 200, 404, 404, 302, 200),
    "draft":           (404, 404, 404, 404, 302, 200),
    "draft_edit":      (404, 404, 404, 404, 302, 200),
    "visit_start":     (404, 404, 404, 404, 302, 200),
    "close":           (200, 404, 404, 404, 302, 200),
    "link":            (200, 404, 404, 404, 302, 404),
    "filing_create":   (200, 404, 404, 404, 302, 404),
    "draws":           (404, 200, 200, 404, 302, 404),
    "draw_create":     (404, 200, 200, 404, 302, 404),
    "draw":            (404, 200, 404, 404, 302, 404),
}


@pytest.mark.parametrize("page", list(MATRIX))
def test_it_answers_each_position_with_the_exact_code(client, people, world, page):
    url = url_for(page, world)
    got = []
    for position in POSITIONS:
        client.logout()
        if position != "anonymous":
            client.force_login(getattr(people, position))
        response = client.get(url)
        got.append(response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
    assert tuple(got) == MATRIX[page]


def listed(client, user, name, key="page"):
    client.force_login(user)
    return {obj.pk for obj in client.get(reverse(f"supervision:{name}")).context[key]}


def test_it_lists_only_what_each_position_may_see(client, people, world, tree):
    visit, draft = world["visit"], world["draft"]
    assert listed(client, people.secretary_a, "visits") == {visit.pk}
    assert listed(client, people.leader_city, "visits") == {visit.pk}
    assert listed(client, people.leader_b, "visits") == set()
    assert listed(client, people.outsider, "visits") == set()
    assert listed(client, people.auditor, "visits") == {visit.pk, draft.pk}
    assert listed(client, people.secretary_b, "rectifications") == set()
    assert listed(client, people.secretary_a, "rectifications") == {world["rect"].pk}
    a_filings = set(Filing.objects.filter(committee__path__startswith=tree.county_a.path).values_list("pk", flat=True))
    assert listed(client, people.secretary_a, "filings") == {world["filing"].pk}
    assert listed(client, people.leader_a, "filings") == a_filings
    assert listed(client, people.outsider, "filings") == set()


def test_it_narrows_an_auditor_to_the_subtrees_they_may_visit(client, people, world, tree):
    # dora audits only county B's subtree: she sees its filings, nothing of county A, and no one else's visits
    from committees.models import Role, RoleKind

    Role.objects.filter(user=people.leader_a).delete()
    Role.objects.create(user=people.leader_a, committee=tree.city, kind=RoleKind.AUDITOR)
    make_auditor(people.leader_a, home=tree.county_a, may_visit=[tree.county_b])
    topics = {Filing.objects.get(pk=pk).topic for pk in listed(client, people.leader_a, "filings")}
    assert topics == {"乙县报备"}
    assert listed(client, people.leader_a, "visits") == set()
    assert client.get(reverse("supervision:visit", args=[world["visit"].pk])).status_code == 404


def test_it_keeps_the_leader_home_page_to_a_fixed_number_of_queries(client, people, world, django_assert_max_num_queries):
    client.force_login(people.leader_city)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("supervision:home")).status_code == 200
    assert Visit.objects.count() == 2
