"""One access policy (issue 9, first slice).

An administrator role is scoped to its committee's subtree: a county administrator reads, writes and
administers county A and everything under it, and nothing of sibling county B (404, like a record that does not
exist); a Django superuser alone keeps global rights. A user with no role gets a clear page on the portal's home.
"""
import pytest
from django.test import Client

from committees.models import RoleKind
from committees.scope import scope_for
from sessions_app.models import Activity, Attachment
from sessions_app.testing import png_upload, record_post

from .factories import ActivityFactory, user_with_role


@pytest.fixture
def county_admin(tree):
    return user_with_role(tree.county_a, RoleKind.ADMIN, username="ada")


@pytest.fixture
def records(tree, people):
    made = {}
    for name in ("county_a", "grassroots_a1", "county_b"):
        activity = ActivityFactory(committee=getattr(tree, name), title=f"{name}-记录")
        Attachment.objects.create(
            activity=activity, file=png_upload(), original_name="sign-in.png", content_type="image/png", size=10,
        )
        made[name] = activity
    return made


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_it_scopes_the_administrator_role_to_its_subtree(tree, county_admin):
    scope = scope_for(county_admin)
    assert not scope.is_admin
    assert scope.admin_paths == [tree.county_a.path]
    assert scope.administers(tree.county_a) and scope.administers(tree.grassroots_a1)
    assert not scope.administers(tree.county_b) and not scope.administers(tree.city)
    assert scope.can_write_committee(tree.grassroots_a1) and not scope.can_write_committee(tree.county_b)
    assert not scope.can_read_committee(tree.county_b) and not scope.can_read_committee(tree.city)
    assert set(scope.writable_committees().values_list("code", flat=True)) == {"county-a", "county-a-g1"}


def test_it_keeps_global_rights_for_a_superuser_only(tree, people):
    scope = scope_for(people.admin)
    assert scope.is_admin and scope.administers(tree.county_b) and scope.can_write_committee(tree.county_b)


@pytest.mark.parametrize("url", ["/records/{pk}/", "/records/{pk}/edit/", "/attachments/{attachment}/"])
def test_it_answers_404_for_another_countys_record_pages(records, county_admin, url):
    other = records["county_b"]
    client = client_for(county_admin)
    assert client.get(url.format(pk=other.pk, attachment=other.attachments.get().pk)).status_code == 404


def test_it_refuses_to_change_or_delete_another_countys_record(records, county_admin):
    other = records["county_b"]
    client = client_for(county_admin)
    assert client.post(f"/records/{other.pk}/edit/", {**record_post("collective"), "title": "改掉"}).status_code == 404
    assert client.post(f"/records/{other.pk}/delete/").status_code == 404
    other.refresh_from_db()
    assert other.title == "county_b-记录"


@pytest.mark.parametrize("url", ["/records/", "/records/?export=csv", "/"])
def test_it_leaves_another_countys_rows_out_of_lists_and_exports(records, county_admin, url):
    response = client_for(county_admin).get(url)
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode("utf-8-sig", errors="replace")
    assert "county_a-记录" in body or url == "/"
    assert "county_b-记录" not in body


def test_it_refuses_the_dashboard_of_another_county(records, county_admin):
    client = client_for(county_admin)
    assert client.get("/reports/", {"committee": "county-b"}).status_code == 404
    assert client.get("/reports/", {"committee": "city"}).status_code == 404
    assert client.get("/reports/drill/study_sessions/", {"committee": "county-b"}).status_code == 404
    assert client.get("/reports/", {"committee": "county-a"}).status_code == 200


@pytest.mark.parametrize("name", ["county_a", "grassroots_a1"])
def test_it_lets_the_county_administrator_do_everything_in_its_subtree(records, county_admin, name):
    own = records[name]
    client = client_for(county_admin)
    assert client.get(f"/records/{own.pk}/").status_code == 200
    assert client.get(f"/records/{own.pk}/edit/").status_code == 200
    assert client.get(f"/attachments/{own.attachments.get().pk}/").status_code == 200
    assert Activity.objects.writable_by(county_admin).filter(pk=own.pk).exists()
    assert client.post(f"/records/{own.pk}/delete/").status_code == 302
    assert not Activity.objects.filter(pk=own.pk).exists()


def test_it_lets_the_county_administrator_log_a_record_for_a_committee_under_it(tree, county_admin):
    client = client_for(county_admin)
    data = {**record_post("collective"), "committee": tree.grassroots_a1.pk, "title": "镇里的学习"}
    assert client.post("/records/new/collective/", data).status_code == 302
    assert Activity.objects.get(title="镇里的学习").committee == tree.grassroots_a1
    data = {**record_post("collective"), "committee": tree.county_b.pk, "title": "乙县的学习"}
    client.post("/records/new/collective/", data)
    assert not Activity.objects.filter(title="乙县的学习").exists()


def test_it_tells_a_user_with_no_role_whom_to_ask(tree, people):
    response = client_for(people.outsider).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="sg-no-role"' in body
    assert people.admin.full_name in body  # the superuser, one of the administrators to ask
    assert 'href="/records/new/' not in body


def test_it_gives_a_user_with_a_role_the_usual_home(tree, county_admin):
    # An administrator lands on the dashboard (issue 10), and reaches record entry from it (/?records).
    client = client_for(county_admin)
    assert 'id="sg-no-role"' not in client.get("/", follow=True).content.decode()
    body = client.get("/?records=1").content.decode()
    assert 'id="sg-no-role"' not in body and 'href="/records/new/' in body


def test_it_keeps_another_countys_supervision_out_of_a_county_administrators_reach(tree, people, county_admin):
    from supervision.models import Rectification

    from .supervision_factories import make_auditor, make_filing, make_visit

    fred = make_auditor(people.auditor, home=tree.city, may_visit=[tree.city])
    own_filing, other_filing = make_filing(tree.county_a, topic="甲县报备"), make_filing(tree.county_b, topic="乙县报备")
    own, other = (make_visit(fred, c, findings="记录不全", rectifications=1) for c in (tree.grassroots_a1, tree.county_b))
    client = client_for(county_admin)
    assert client.get(f"/supervision/filings/{other_filing.pk}/").status_code == 404
    assert client.get(f"/supervision/visits/{other.pk}/").status_code == 404
    other_rect = Rectification.objects.get(visit=other)
    assert client.get(f"/supervision/rectifications/{other_rect.pk}/").status_code == 404
    assert client.post(f"/supervision/rectifications/{other_rect.pk}/close/", {"evidence_note": "x"}).status_code == 404
    assert client.get(f"/supervision/filings/{own_filing.pk}/").status_code == 200
    assert client.get(f"/supervision/visits/{own.pk}/").status_code == 200
    listed = client.get("/supervision/filings/").content.decode()
    assert "甲县报备" in listed and "乙县报备" not in listed


def test_it_lets_a_county_administrator_create_and_edit_tasks_only_in_its_subtree(tree, people, county_admin):
    from assessment.models import PracticalTask

    client = client_for(county_admin)
    data = {"committee": tree.county_b.pk, "title": "越权", "due_on": "2021-12-01", "status": "planned"}
    client.post("/assessment/tasks/new/", data)
    assert not PracticalTask.objects.filter(title="越权").exists()
    data.update(committee=tree.grassroots_a1.pk, title="镇里的实事")
    assert client.post("/assessment/tasks/new/", data).status_code == 302
    own = PracticalTask.objects.get(title="镇里的实事")
    other = PracticalTask.objects.create(committee=tree.county_b, level="county", title="乙县实事", due_on=own.due_on)
    assert client.get(f"/assessment/tasks/{own.pk}/edit/").status_code == 200
    assert client.get(f"/assessment/tasks/{other.pk}/").status_code == 404
    assert client.get(f"/assessment/tasks/{other.pk}/edit/").status_code == 404
    assert "乙县实事" not in client.get("/assessment/tasks/").content.decode()
    assert "乙县实事" in client_for(people.admin).get("/assessment/tasks/").content.decode()  # a superuser's list
