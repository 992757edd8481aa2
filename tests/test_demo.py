"""`load_demo` (what `make run` loads) gives every role a living portal, and refuses to clobber data."""
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client

from committees.models import Committee, User
from reports.models import MetricValue
from sessions_app.models import Activity
from supervision.models import Assignment


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Loaded once for the module, in a transaction rolled back afterwards."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def test_it_builds_a_qiqihar_like_city_with_every_role(demo):
    root = Committee.objects.get(depth=1)
    assert root.code == "qqhr"
    assert Committee.objects.filter(depth=2, kind="county").count() == 16
    assert Activity.objects.filter(committee__code="longsha").count() >= 8
    for username in ("admin", "county_admin", "city_leader", "county_leader", "city_secretary", "secretary", "auditor"):
        assert f" {username} " in demo
        assert User.objects.get(username=username).check_password("demo12345")


def test_it_gives_the_auditor_visits_and_the_leader_figures(demo):
    assert Assignment.objects.filter(auditor__user__username="auditor").exists()
    assert MetricValue.objects.filter(committee__code="qqhr", metric="study_sessions", subtree_ytd__gt=0).exists()


def test_only_the_admin_login_is_a_superuser(demo):
    """county_admin administers 龙沙区委's subtree through its role, not as a Django superuser."""
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == ["admin"]
    assert list(User.objects.get(username="county_admin").roles.values_list("committee__code", "kind")) == [
        ("longsha", "admin")]


@pytest.mark.parametrize("username, path", [
    ("secretary", "/"), ("secretary", "/records/"), ("city_leader", "/reports/"), ("city_leader", "/reports/bulletin/"),
    ("auditor", "/supervision/"), ("county_leader", "/assessment/"),
])
def test_it_serves_each_role_its_pages(demo, username, path):
    client = Client()
    client.force_login(User.objects.get(username=username))
    assert client.get(path).status_code == 200


def test_it_refuses_to_load_over_existing_data_unless_asked(demo):
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())
    call_command("load_demo", if_empty=True, stdout=StringIO())
    assert Committee.objects.filter(code="qqhr").count() == 1


# The README's demo logins and what their first page after login (LOGIN_REDIRECT_URL) must offer.
FIRST_PAGE_WORK = {
    # leaders and administrators land on the dashboard (issue 10): the month's figures, each a link to its records
    "admin": [r'id="sg-headline"', r'href="/reports/drill', r'href="/committees/people/"'],
    # a subtree administrator: their subtree's figures, and its people and committee pages
    "county_admin": [r'id="sg-headline"', r'href="/reports/drill', r'href="/committees/people/"', r'href="/committees/"'],
    "city_leader": [r'id="sg-headline"', r'href="/reports/drill'],
    "county_leader": [r'id="sg-headline"', r'href="/reports/drill'],
    "city_secretary": [r'href="/records/new/', r'href="/records/\d+/"'],
    "secretary": [r'href="/records/new/', r'href="/records/\d+/"'],
    "auditor": [r'data-testid="my-assignments"', r'href="/supervision/assignments/\d+/visit/"'],
}


@pytest.mark.parametrize("username", sorted(FIRST_PAGE_WORK))
def test_it_gives_every_demo_login_real_work_on_its_first_page(demo, username):
    client = Client()
    assert client.login(username=username, password="demo12345")
    response = client.get("/", follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="sg-no-role"' not in body
    for pattern in FIRST_PAGE_WORK[username]:
        assert re.search(pattern, body), (username, pattern)
