"""The scope matrix: every page that reads or writes records, for every position, with the exact status.

alice is the secretary of county A and writes its records; carl leads the city (reads A, cannot write);
eric leads sibling county B (sees nothing of A); olga holds no role; anonymous is sent to log in.
"""
import pytest
from django.test import Client
from django.utils import timezone

from sessions_app.models import Activity, ActivityKind, Attachment, PlanTopic, StudyPlan
from sessions_app.testing import png_upload, record_post

from .factories import ActivityFactory

WHO = ["secretary_a", "leader_city", "leader_b", "outsider", "anonymous"]
ANON = 302


@pytest.fixture
def record_a(tree, people):
    activity = ActivityFactory(committee=tree.county_a, title="甲县记录", created_by=people.secretary_a)
    Attachment.objects.create(
        activity=activity, file=png_upload(), original_name="sign-in.png", content_type="image/png", size=10,
    )
    return activity


@pytest.fixture
def plan_a(tree):
    plan = StudyPlan.objects.create(committee=tree.county_a, year=timezone.localdate().year, title="甲县年度学习计划")
    PlanTopic.objects.create(plan=plan, title="专题一", source="assigned")
    return plan


def client_for(people, who):
    client = Client()
    if who != "anonymous":
        client.force_login(getattr(people, who))
    return client


def _matrix(expected):
    """expected: {who: status}; → parametrize rows."""
    return [pytest.param(who, expected[who], id=who) for who in WHO]


READ_EVERYONE = {"secretary_a": 200, "leader_city": 200, "leader_b": 200, "outsider": 200, "anonymous": ANON}
READ_A = {"secretary_a": 200, "leader_city": 200, "leader_b": 404, "outsider": 404, "anonymous": ANON}
WRITE_A = {"secretary_a": 200, "leader_city": 404, "leader_b": 404, "outsider": 404, "anonymous": ANON}
POST_WRITE_A = {"secretary_a": 302, "leader_city": 404, "leader_b": 404, "outsider": 404, "anonymous": ANON}


@pytest.mark.parametrize("who,status", _matrix(READ_EVERYONE))
@pytest.mark.parametrize("url", ["/", "/records/", "/records/?export=csv", "/records/?export=xlsx", "/plans/"])
def test_it_opens_the_lists_to_every_signed_in_user(people, record_a, plan_a, url, who, status):
    if url == "/" and who.startswith("leader") and status == 200:
        status = 302  # leaders land on their dashboard (issue 10)
    assert client_for(people, who).get(url).status_code == status


@pytest.mark.parametrize("who,status", _matrix(READ_A))
@pytest.mark.parametrize("page", ["detail", "attachment", "plan"])
def test_it_shows_as_records_only_to_those_who_see_a(people, record_a, plan_a, page, who, status):
    url = {
        "detail": f"/records/{record_a.pk}/",
        "attachment": f"/attachments/{record_a.attachments.get().pk}/",
        "plan": f"/plans/{plan_a.pk}/",
    }[page]
    assert client_for(people, who).get(url).status_code == status


@pytest.mark.parametrize("who,status", _matrix(WRITE_A))
@pytest.mark.parametrize("kind", [k.value for k in ActivityKind])
def test_it_opens_the_create_form_only_to_writers(people, kind, who, status):
    assert client_for(people, who).get(f"/records/new/{kind}/").status_code == status


@pytest.mark.parametrize("who,status", _matrix(WRITE_A))
@pytest.mark.parametrize("page", ["edit", "delete", "plan_create", "plan_edit"])
def test_it_opens_the_write_pages_only_to_as_secretary(people, record_a, plan_a, page, who, status):
    url = {
        "edit": f"/records/{record_a.pk}/edit/",
        "delete": f"/records/{record_a.pk}/delete/",
        "plan_create": "/plans/new/",
        "plan_edit": f"/plans/{plan_a.pk}/edit/",
    }[page]
    assert client_for(people, who).get(url).status_code == status


@pytest.mark.parametrize("who,status", _matrix(POST_WRITE_A))
def test_it_lets_only_as_secretary_post_a_record(people, who, status):
    before = Activity.objects.count()
    response = client_for(people, who).post("/records/new/outreach_lecture/", record_post("outreach_lecture"))
    assert response.status_code == status
    assert Activity.objects.count() == before + (1 if status == 302 and who != "anonymous" else 0)


@pytest.mark.parametrize("who,status", _matrix(POST_WRITE_A))
def test_it_lets_only_as_secretary_edit(people, record_a, who, status):
    response = client_for(people, who).post(f"/records/{record_a.pk}/edit/", {**record_post("collective"), "title": "新题目"})
    assert response.status_code == status
    record_a.refresh_from_db()
    assert (record_a.title == "新题目") == (who == "secretary_a")


@pytest.mark.parametrize("who,status", _matrix(POST_WRITE_A))
def test_it_lets_only_as_secretary_delete(people, record_a, who, status):
    response = client_for(people, who).post(f"/records/{record_a.pk}/delete/")
    assert response.status_code == status
    assert Activity.objects.filter(pk=record_a.pk).exists() == (who != "secretary_a")


@pytest.mark.parametrize("who,status", _matrix(POST_WRITE_A))
def test_it_lets_only_as_secretary_approve_the_plan(people, plan_a, who, status):
    day = timezone.localdate().isoformat()
    response = client_for(people, who).post(f"/plans/{plan_a.pk}/approve/", {"approved_by": "王书记", "approved_on": day})
    assert response.status_code == status
    plan_a.refresh_from_db()
    assert plan_a.is_approved == (who == "secretary_a")


@pytest.mark.parametrize("who,expected", [
    ("secretary_a", True), ("leader_city", True), ("leader_b", False), ("outsider", False),
])
def test_it_lists_and_exports_only_records_in_scope(people, record_a, plan_a, who, expected):
    client = client_for(people, who)
    assert ("甲县记录" in client.get("/records/").content.decode()) == expected
    assert ("甲县记录" in client.get("/records/?export=csv").getvalue().decode("utf-8-sig")) == expected
    # Leaders land on the dashboard; their records page is /?records (issue 10).
    assert ("甲县记录" in client.get("/?records=1").content.decode()) == expected
    assert ("甲县年度学习计划" in client.get("/plans/").content.decode()) == expected


def test_it_greets_a_user_without_roles_kindly(people):
    response = client_for(people, "outsider").get("/")
    assert response.status_code == 200
    assert "sessions_app/no_role.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert 'href="/records/new/' not in body
    assert people.admin.full_name in body  # the superuser, an administrator to ask


def test_it_gives_a_secretary_the_quick_add_grid_and_a_leader_none(people):
    secretary = client_for(people, "secretary_a").get("/").content.decode()
    leader = client_for(people, "leader_city").get("/?records=1").content.decode()
    assert all(f'href="/records/new/{kind.value}/"' in secretary for kind in ActivityKind)
    assert "甲县委" in secretary
    assert 'href="/records/new/' not in leader


def test_it_404s_for_an_unknown_kind(people):
    assert client_for(people, "secretary_a").get("/records/new/party/").status_code == 404
