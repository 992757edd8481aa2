"""The member roster: kept by the group's secretary (or a subtree administrator); attendance follows it by date."""
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from committees.models import Member
from sessions_app.models import Attendance, AttendanceStatus

from .factories import ActivityFactory, MemberFactory, RoleKind, user_with_role

TODAY = timezone.localdate()
DAYS = datetime.timedelta


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(people):
    return login(people.secretary_a)


def offered(response):
    """The members a record form's attendance list offers."""
    return set(response.context["entry"].attendance.members)


def add_member(client, **fields):
    data = {"name": "新成员", "position": "委员", "joined_on": "", "left_on": ""}
    data.update(fields)
    return client.post("/roster/", data)


def test_it_offers_a_new_member_for_the_next_session_and_not_for_past_ones(alice, tree, members_a):
    past = ActivityFactory(committee=tree.county_a, held_on=TODAY - DAYS(30))
    for member in members_a:
        Attendance.objects.create(activity=past, member=member, status=AttendanceStatus.PRESENT)
    response = add_member(alice, name="王新", joined_on=(TODAY - DAYS(2)).isoformat())
    assert response.status_code == 302
    new = Member.objects.get(name="王新")

    assert new.pk in offered(alice.get(f"/records/new/collective/?held_on={TODAY.isoformat()}"))
    assert new.pk not in offered(alice.get(f"/records/new/collective/?held_on={(TODAY - DAYS(10)).isoformat()}"))
    assert new.pk not in offered(alice.get(f"/records/{past.pk}/edit/"))
    assert {m.pk for m in members_a} <= offered(alice.get(f"/records/{past.pk}/edit/"))


def test_it_still_offers_a_member_who_left_for_sessions_before_they_left(alice, tree, members_a):
    leaving = members_a[0]
    response = alice.post(f"/roster/{leaving.pk}/leave/", {"left_on": (TODAY - DAYS(5)).isoformat()})
    assert response.status_code == 302
    leaving.refresh_from_db()
    assert (leaving.left_on, leaving.active) == (TODAY - DAYS(5), False)
    assert leaving.pk in offered(alice.get(f"/records/new/collective/?held_on={(TODAY - DAYS(6)).isoformat()}"))
    assert leaving.pk not in offered(alice.get("/records/new/collective/"))  # today's default


def test_it_follows_the_posted_date_when_the_form_is_sent_back(alice, tree, members_a):
    late = MemberFactory(committee=tree.county_a, joined_on=TODAY - DAYS(1))
    response = alice.post("/records/new/collective/", {"held_on": (TODAY - DAYS(20)).isoformat(), "title": ""})
    assert response.status_code == 200
    assert late.pk not in offered(response)


def test_it_refuses_leaving_before_joining_at_the_field(alice, tree):
    response = add_member(alice, name="李错", joined_on=(TODAY - DAYS(3)).isoformat(),
                          left_on=(TODAY - DAYS(10)).isoformat())
    assert response.status_code == 200
    assert response.context["form"].errors["left_on"] == [
        f"成员不能在加入之前离开：请输入 {(TODAY - DAYS(3)).isoformat()} 或之后的日期。"
    ]
    assert not Member.objects.filter(name="李错").exists()


def test_it_refuses_marking_as_left_before_joining(alice, tree):
    member = MemberFactory(committee=tree.county_a, joined_on=TODAY - DAYS(3))
    response = alice.post(f"/roster/{member.pk}/leave/", {"left_on": (TODAY - DAYS(10)).isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors["left_on"]
    member.refresh_from_db()
    assert (member.left_on, member.active) == (None, True)


def test_it_refuses_a_future_leaving_date(alice, tree):
    member = MemberFactory(committee=tree.county_a)
    response = alice.post(f"/roster/{member.pk}/edit/", {
        "name": member.name, "position": "", "joined_on": "", "left_on": (TODAY + DAYS(3)).isoformat(),
    })
    assert response.status_code == 200
    assert response.context["form"].errors["left_on"]
    member.refresh_from_db()
    assert member.left_on is None


def test_a_sibling_countys_secretary_cannot_see_or_change_county_as_roster(people, tree, members_a):
    bella = login(people.secretary_b)
    member = members_a[0]
    assert bella.get("/roster/?committee=county-a").status_code == 404
    assert bella.get(f"/roster/{member.pk}/edit/").status_code == 404
    assert bella.post(f"/roster/{member.pk}/edit/", {"name": "改名"}).status_code == 404
    assert bella.post(f"/roster/{member.pk}/leave/", {"left_on": TODAY.isoformat()}).status_code == 404
    member.refresh_from_db()
    assert (member.name, member.left_on) != ("改名", TODAY)
    assert bella.get("/roster/").context["committee"] == tree.county_b


@pytest.mark.parametrize("who", ["leader_city", "leader_a", "auditor", "outsider"])
def test_readers_have_no_roster(people, tree, members_a, who):
    client = login(getattr(people, who))
    assert client.get("/roster/").status_code == 404
    assert client.get(f"/roster/{members_a[0].pk}/edit/").status_code == 404


def test_anonymous_is_sent_to_login(client, tree, members_a):
    assert client.get("/roster/").status_code == 302


def test_an_administrator_of_the_city_edits_county_as_roster(tree, members_a):
    admin = login(user_with_role(tree.city, RoleKind.ADMIN, username="cityadmin"))
    page = admin.get("/roster/?committee=county-a")
    assert page.status_code == 200
    assert page.context["committee"] == tree.county_a
    member = members_a[0]
    response = admin.post(f"/roster/{member.pk}/edit/", {
        "name": member.name, "position": "副组长", "is_leader": "on", "joined_on": "2020-01-01", "left_on": "",
    })
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.position, member.is_leader, member.joined_on) == ("副组长", True, datetime.date(2020, 1, 1))
    assert add_member(admin, name="赵加").status_code == 302  # added to the administrator's own committee
    assert Member.objects.get(name="赵加").committee == tree.city


def test_a_county_administrator_cannot_reach_a_sibling_county(tree, members_a):
    admin_b = login(user_with_role(tree.county_b, RoleKind.ADMIN, username="countyadmin"))
    assert admin_b.get("/roster/?committee=county-a").status_code == 404
    assert admin_b.get(f"/roster/{members_a[0].pk}/edit/").status_code == 404


def test_the_roster_shows_its_history(alice, people, tree, members_a):
    member = members_a[0]
    alice.post(f"/roster/{member.pk}/edit/", {"name": member.name, "position": "组长", "joined_on": "", "left_on": ""})
    html = alice.get("/roster/").content.decode()
    assert 'id="history"' in html
    history = alice.get("/roster/").context["history"]
    latest = history[0]
    assert latest.who == people.secretary_a and latest.subject == member.name
    assert any(change.new == "组长" for change in latest.changes)


def test_the_secretarys_home_links_the_roster(alice):
    assert 'href="/roster/"' in alice.get("/").content.decode()


@pytest.mark.parametrize("query", ["?committee=%00", "?committee=' OR 1=1", "?committee=" + "x" * 5000])
def test_bad_committee_codes_are_not_found(alice, query):
    assert alice.get("/roster/" + query).status_code == 404


@pytest.mark.parametrize("held_on", ["garbage", "9999-12-31", "1900-01-01", "%00"])
def test_a_bad_held_on_in_the_query_falls_back_to_today(alice, held_on):
    response = alice.get(f"/records/new/collective/?held_on={held_on}")
    assert response.status_code == 200
    assert response.context["form"].initial["held_on"] == TODAY
