"""QR sign-in at the venue: a code for today's session only, within its window; one phone, one member, once."""
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from sessions_app import signin
from sessions_app.models import ActivityKind, Attendance, AttendanceStatus, SignIn, SignInWindow

from .factories import ActivityFactory, MemberFactory


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def session(tree):
    return ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE, held_on=timezone.localdate())


@pytest.fixture
def roster(tree):
    return [MemberFactory(committee=tree.county_a, name=name) for name in ("张三", "李四", "王五")]


def open_code(people, session, started_minutes_ago=0):
    client = client_for(people.secretary_a)
    starts = timezone.localtime() - datetime.timedelta(minutes=started_minutes_ago)
    response = client.post(f"/records/{session.pk}/signin/", {"starts_at": starts.strftime("%H:%M")})
    assert response.status_code == 302
    return SignInWindow.objects.get(activity=session)


def test_it_signs_a_member_in_present_and_fills_the_secretarys_list(people, session, roster):
    window = open_code(people, session)
    phone = Client()
    page = phone.get(f"/signin/{window.token}/")
    assert page.status_code == 200 and "张三" in page.content.decode()
    response = phone.post(f"/signin/{window.token}/", {"member": roster[0].pk})
    assert "张三" in response.content.decode()
    row = Attendance.objects.get(activity=session, member=roster[0])
    assert row.status == AttendanceStatus.PRESENT
    status = client_for(people.secretary_a).get(f"/records/{session.pk}/signin/status/").json()
    assert status["count"] == 1 and status["signed"][0]["name"] == "张三" and not status["signed"][0]["late"]


def test_it_marks_a_late_and_an_online_sign_in(people, session, roster, settings):
    settings.SIGNIN_LATE_MINUTES = 10
    window = open_code(people, session, started_minutes_ago=30)
    Client().post(f"/signin/{window.token}/", {"member": roster[1].pk, "remote": "on"})
    signed = SignIn.objects.get(member=roster[1])
    assert signed.late and signed.remote
    assert Attendance.objects.get(member=roster[1]).status == AttendanceStatus.LATE


def test_it_refuses_a_second_name_from_the_same_phone_and_a_name_twice(people, session, roster):
    window = open_code(people, session)
    phone = Client()
    phone.post(f"/signin/{window.token}/", {"member": roster[0].pk})
    again = phone.post(f"/signin/{window.token}/", {"member": roster[1].pk})
    assert "张三" in again.content.decode()  # this phone signed in 张三 already: nobody else
    assert not SignIn.objects.filter(member=roster[1]).exists()
    other_phone = Client()
    twice = other_phone.post(f"/signin/{window.token}/", {"member": roster[0].pk})
    assert twice.status_code == 200 and twice.context["form"].errors["member"]
    assert SignIn.objects.count() == 1


def test_it_refuses_an_expired_a_replaced_and_a_not_yet_open_code(people, session, roster):
    window = open_code(people, session)
    old_token = window.token
    open_code(people, session)  # a new code retires the old one
    assert Client().post(f"/signin/{old_token}/", {"member": roster[0].pk}).status_code == 404
    window = SignInWindow.objects.get(activity=session)
    SignInWindow.objects.filter(pk=window.pk).update(
        opens_at=timezone.now() - datetime.timedelta(hours=4), closes_at=timezone.now() - datetime.timedelta(minutes=1))
    assert Client().post(f"/signin/{window.token}/", {"member": roster[0].pk}).status_code == 410
    SignInWindow.objects.filter(pk=window.pk).update(
        opens_at=timezone.now() + datetime.timedelta(minutes=20), closes_at=timezone.now() + datetime.timedelta(hours=3))
    early = Client().post(f"/signin/{window.token}/", {"member": roster[0].pk})
    assert "signin-refused" in early.content.decode()
    assert not Attendance.objects.exists()


def test_it_binds_a_code_to_its_session(people, tree, session, roster):
    other = ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE, held_on=timezone.localdate())
    window = open_code(people, session)
    Client().post(f"/signin/{window.token}/", {"member": roster[0].pk})
    assert Attendance.objects.filter(activity=session).count() == 1
    assert not Attendance.objects.filter(activity=other).exists()


def test_it_offers_only_the_roster_of_the_sessions_date(people, tree, session, roster):
    left = MemberFactory(committee=tree.county_a, name="赵六", left_on=timezone.localdate() - datetime.timedelta(days=3))
    stranger = MemberFactory(committee=tree.county_b, name="钱七")
    window = open_code(people, session)
    page = Client().get(f"/signin/{window.token}/").content.decode()
    assert "赵六" not in page and "钱七" not in page
    refused = Client().post(f"/signin/{window.token}/", {"member": stranger.pk})
    assert refused.context["form"].errors["member"] and not Attendance.objects.filter(member__in=[left, stranger])


def test_it_offers_a_code_only_for_a_session_of_today(people, tree):
    yesterday = ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE,
                                held_on=timezone.localdate() - datetime.timedelta(days=1))
    assert not signin.offers_sign_in(yesterday)
    client = client_for(people.secretary_a)
    client.post(f"/records/{yesterday.pk}/signin/", {"starts_at": "09:00"})
    assert not SignInWindow.objects.exists()


@pytest.mark.parametrize("who", ["secretary_b", "leader_a", "auditor"])
def test_it_answers_404_to_anyone_but_the_sessions_writers(people, session, who):
    client = client_for(getattr(people, who))
    assert client.get(f"/records/{session.pk}/signin/").status_code == 404
    assert client.get(f"/records/{session.pk}/signin/status/").status_code == 404


def test_it_shows_the_qr_code_to_the_secretary(people, session):
    open_code(people, session)
    page = client_for(people.secretary_a).get(f"/records/{session.pk}/signin/").content.decode()
    assert "<svg" in page and "/signin/" in page
