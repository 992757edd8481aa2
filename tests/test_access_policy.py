"""One access policy (committees/policy.py): what each role reaches, beyond the status codes of
tests/test_permission_matrix.py: which rows a list and an export hold, that a refused write changes nothing, that an
administrator does everything in their subtree, where the auditor's rights come from, and the no-role page.

alice is the secretary of county A; carl leads the city; dora leads county A, eric sibling county B; fred is an
auditor; olga holds no role; root is a superuser; ada administers county A.
"""
import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from committees import policy
from committees.models import Committee, Role, RoleKind
from committees.scope import scope_for
from sessions_app.models import Activity, ActivityKind, Attachment, PlanTopic, StudyPlan
from sessions_app.selectors import sole_writable_committee
from sessions_app.testing import png_upload, record_post

from .factories import ActivityFactory, make_committee, user_with_role
from .supervision_factories import make_auditor, make_filing, make_visit


@pytest.fixture
def county_admin(tree):
    return user_with_role(tree.county_a, RoleKind.ADMIN, username="ada")


@pytest.fixture
def records(tree, people):
    made = {}
    for name in ("city", "county_a", "grassroots_a1", "county_b"):
        activity = ActivityFactory(committee=getattr(tree, name), title=f"{name}-记录", created_by=people.secretary_a)
        Attachment.objects.create(
            activity=activity, file=png_upload(), original_name="sign-in.png", content_type="image/png", size=10,
        )
        made[name] = activity
    return made


@pytest.fixture
def plan_a(tree):
    plan = StudyPlan.objects.create(committee=tree.county_a, year=timezone.localdate().year, title="甲县年度学习计划")
    PlanTopic.objects.create(plan=plan, title="专题一", source="assigned")
    return plan


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def codes(queryset, field="committee__code"):
    return set(queryset.values_list(field, flat=True))


def body_of(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig", errors="replace")


# ---------------------------------------------------------------- the policy itself


def test_it_restricts_rows_by_action_for_each_role(tree, people, records, county_admin):
    everything = {"city", "county-a", "county-a-g1", "county-b"}
    rows = Activity.objects.all()
    assert codes(policy.restrict(rows, people.leader_a, policy.READ)) == {"county-a", "county-a-g1"}
    assert codes(policy.restrict(rows, people.leader_city, policy.READ)) == everything
    assert codes(policy.restrict(rows, people.leader_a, policy.WRITE)) == set()
    assert codes(policy.restrict(rows, people.secretary_a, policy.READ)) == {"county-a"}
    assert codes(policy.restrict(rows, people.secretary_a, policy.WRITE)) == {"county-a"}
    assert codes(policy.restrict(rows, county_admin, policy.WRITE)) == {"county-a", "county-a-g1"}
    assert codes(policy.restrict(rows, county_admin, policy.ADMINISTER)) == {"county-a", "county-a-g1"}
    assert codes(policy.restrict(rows, people.admin, policy.ADMINISTER)) == everything
    assert codes(policy.restrict(rows, people.outsider, policy.READ)) == set()
    assert "county-a" not in codes(policy.restrict(rows, people.leader_b, policy.READ))
    committees = policy.restrict(Committee.objects.all(), people.leader_a, policy.READ, field=None)
    assert codes(committees, "code") == {"county-a", "county-a-g1"}
    assert Activity.objects.visible_to(people.leader_a).count() == 2  # the models' visible_to is the same answer
    assert codes(Activity.objects.all().restrict(county_admin, policy.WRITE)) == {"county-a", "county-a-g1"}
    assert codes(Committee.objects.all().restrict(county_admin, policy.ADMINISTER), "code") == {"county-a", "county-a-g1"}


def test_it_answers_may_for_one_committee(tree, people, county_admin):
    assert policy.may(people.leader_a, policy.READ, tree.grassroots_a1)
    assert not policy.may(people.leader_a, policy.READ, tree.county_b)
    assert not policy.may(people.leader_a, policy.WRITE, tree.county_a)
    assert policy.may(county_admin, policy.WRITE, tree.grassroots_a1)
    assert policy.may(county_admin, policy.ADMINISTER, tree.county_a)
    assert not policy.may(county_admin, policy.ADMINISTER, tree.city)
    assert not policy.may(county_admin, policy.READ, tree.county_b)
    assert policy.may(people.admin, policy.ADMINISTER, tree.county_b)  # a superuser alone has global rights
    assert policy.may_any(people.secretary_a, policy.WRITE) and not policy.may_any(people.leader_a, policy.WRITE)
    with pytest.raises(ValueError):
        policy.may(people.leader_a, "delete", tree.county_a)


def test_it_checks_an_administrators_writes_by_path_without_loading_the_subtree(
        tree, county_admin, django_assert_num_queries):
    with django_assert_num_queries(1):  # the roles, nothing per committee of the subtree
        scope = scope_for(county_admin)
    assert scope.write_ids == set() and scope.admin_paths == [tree.county_a.path]
    later = make_committee(tree.county_a, code="county-a-g2")  # made after the scope was computed
    with django_assert_num_queries(0):
        assert policy.may(county_admin, policy.WRITE, later)
        assert not policy.may(county_admin, policy.WRITE, tree.county_b)


def test_it_implies_only_an_active_committee_for_a_secretary(tree, people):
    from committees.services import committee_retire

    assert sole_writable_committee(people.secretary_a) == tree.county_a
    Role.objects.create(user=people.secretary_a, committee=tree.grassroots_a1, kind=RoleKind.SECRETARY)
    people.secretary_a._studygroup_scope = None
    assert sole_writable_committee(people.secretary_a) is None  # two committees: the form asks which
    committee_retire(committee=tree.grassroots_a1, user=people.admin)
    assert sole_writable_committee(people.secretary_a) == tree.county_a  # the retired one takes no new records


def test_it_answers_a_stray_permission_denied_as_not_found():
    from django.core.exceptions import PermissionDenied

    request = RequestFactory().get("/anything/")
    assert policy.denied_as_not_found(request, PermissionDenied()).status_code == 404


# ---------------------------------------------------------------- the auditor's rights: the pool profile alone


def test_it_gives_an_auditor_what_their_pool_profile_may_visit(tree, people, records):
    fred = people.auditor  # his auditor role sits on the city: that says nothing
    make_auditor(fred, home=tree.city, may_visit=[tree.county_b])
    assert codes(policy.restrict(Activity.objects.all(), fred, policy.READ)) == {"county-b"}
    assert codes(policy.restrict(Activity.objects.all(), fred, policy.AUDIT)) == {"county-b"}
    assert not policy.may(fred, policy.READ, tree.county_a) and not policy.may(fred, policy.WRITE, tree.county_b)
    client = client_for(fred)
    assert client.get(f"/records/{records['county_b'].pk}/").status_code == 200
    assert client.get(f"/records/{records['county_a'].pk}/").status_code == 404
    assert client.get("/reports/", {"committee": "city"}).status_code == 404


def test_it_gives_an_auditor_role_without_an_active_profile_nothing(tree, people, records):
    fred = people.auditor
    assert policy.has_no_role(fred)  # the role alone: not yet in the pool
    assert client_for(fred).get(f"/records/{records['county_a'].pk}/").status_code == 404
    make_auditor(fred, home=tree.city, may_visit=[tree.county_a], active=False)
    assert policy.has_no_role(fred)
    assert 'id="sg-no-role"' in client_for(fred).get("/").content.decode()


def test_it_lets_a_pool_profile_without_the_auditor_role_reach_nothing(tree, people, records):
    make_auditor(people.outsider, home=tree.city, may_visit=[tree.county_a])
    assert not policy.may_any(people.outsider, policy.AUDIT)
    assert client_for(people.outsider).get(f"/records/{records['county_a'].pk}/").status_code == 404


def test_it_narrows_an_auditors_supervision_lists_to_their_profile(client, tree, people):
    # dora audits only county B's subtree: she sees its filings, nothing of county A, and no one else's visits
    Role.objects.filter(user=people.leader_a).delete()
    Role.objects.create(user=people.leader_a, committee=tree.city, kind=RoleKind.AUDITOR)
    make_auditor(people.leader_a, home=tree.county_a, may_visit=[tree.county_b])
    fred = make_auditor(people.auditor, home=tree.city, may_visit=[tree.city])
    make_filing(tree.county_a, topic="甲县报备")
    make_filing(tree.county_b, topic="乙县报备")
    visit = make_visit(fred, tree.county_b)
    client.force_login(people.leader_a)
    listed = client.get("/supervision/filings/").content.decode()
    assert "乙县报备" in listed and "甲县报备" not in listed
    assert client.get(f"/supervision/visits/{visit.pk}/").status_code == 404


# ---------------------------------------------------------------- lists and exports hold only what the user reads


@pytest.mark.parametrize("who,expected", [
    ("secretary_a", {"county_a"}), ("leader_city", {"city", "county_a", "grassroots_a1", "county_b"}),
    ("leader_a", {"county_a", "grassroots_a1"}), ("leader_b", {"county_b"}), ("county_admin", {"county_a", "grassroots_a1"}),
])
@pytest.mark.parametrize("url", ["/records/", "/records/?export=csv", "/?records=1"])
def test_it_lists_and_exports_only_rows_in_reach(people, records, county_admin, who, expected, url):
    user = county_admin if who == "county_admin" else getattr(people, who)
    body = body_of(client_for(user).get(url))
    shown = {name for name in records if f"{name}-记录" in body}
    assert shown == expected if url != "/?records=1" else shown <= expected


def test_it_lists_plans_only_to_those_who_read_them(people, plan_a):
    assert "甲县年度学习计划" in client_for(people.leader_city).get("/plans/").content.decode()
    assert "甲县年度学习计划" not in client_for(people.leader_b).get("/plans/").content.decode()


def test_it_keeps_another_countys_supervision_rows_out_of_a_county_administrators_lists(tree, people, county_admin):
    make_filing(tree.county_a, topic="甲县报备")
    make_filing(tree.county_b, topic="乙县报备")
    listed = client_for(county_admin).get("/supervision/filings/").content.decode()
    assert "甲县报备" in listed and "乙县报备" not in listed


def test_it_lists_a_draft_visit_to_its_auditor_alone(tree, people):
    fred = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    make_visit(fred, tree.county_a, findings="已提交的巡听")
    make_visit(fred, tree.grassroots_a1, status="draft", findings="草稿巡听")
    for user, submitted, draft in ((people.auditor, True, True), (people.leader_city, True, False),
                                   (people.secretary_a, True, False), (people.leader_b, False, False),
                                   (people.secretary_b, False, False)):
        table = client_for(user).get("/supervision/visits/").context["table"]
        listed = {row.record.committee_id for row in table.rows}
        assert (tree.county_a.pk in listed, tree.grassroots_a1.pk in listed) == (submitted, draft), user


def test_it_keeps_the_supervision_home_to_a_fixed_number_of_queries(people, django_assert_max_num_queries):
    client = client_for(people.leader_city)
    with django_assert_max_num_queries(16):
        assert client.get("/supervision/").status_code == 200


# ---------------------------------------------------------------- a refused write changes nothing


@pytest.mark.parametrize("who", ["leader_city", "leader_b", "auditor", "county_admin_b"])
def test_it_changes_nothing_for_those_who_may_not_write(tree, people, records, plan_a, who):
    user = user_with_role(tree.county_b, RoleKind.ADMIN) if who == "county_admin_b" else getattr(people, who)
    own = records["county_a"]
    client = client_for(user)
    before = Activity.objects.count()
    client.post("/records/new/outreach_lecture/", {**record_post("outreach_lecture"), "committee": tree.county_a.pk})
    assert client.post(f"/records/{own.pk}/edit/", {**record_post("collective"), "title": "改掉"}).status_code == 404
    assert client.post(f"/records/{own.pk}/delete/").status_code == 404
    day = timezone.localdate().isoformat()
    assert client.post(f"/plans/{plan_a.pk}/approve/", {"approved_by": "王书记", "approved_on": day}).status_code == 404
    own.refresh_from_db()
    plan_a.refresh_from_db()
    assert Activity.objects.count() == before and own.title == "county_a-记录" and not plan_a.is_approved


def test_it_lets_the_secretary_write_their_committee(tree, people, records, plan_a):
    client = client_for(people.secretary_a)
    assert client.post("/records/new/outreach_lecture/", record_post("outreach_lecture")).status_code == 302
    own = records["county_a"]
    assert client.post(f"/records/{own.pk}/edit/", {**record_post("collective"), "title": "新题目"}).status_code == 302
    own.refresh_from_db()
    assert own.title == "新题目"
    day = timezone.localdate().isoformat()
    client.post(f"/plans/{plan_a.pk}/approve/", {"approved_by": "王书记", "approved_on": day})
    plan_a.refresh_from_db()
    assert plan_a.is_approved


@pytest.mark.parametrize("name", ["county_a", "grassroots_a1"])
def test_it_lets_the_county_administrator_do_everything_in_its_subtree(records, county_admin, name):
    own = records[name]
    client = client_for(county_admin)
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


def test_it_lets_a_county_administrator_create_and_edit_tasks_only_in_its_subtree(tree, people, county_admin):
    from assessment.models import PracticalTask

    client = client_for(county_admin)
    data = {"committee": tree.county_b.pk, "title": "越权", "due_on": "2021-12-01", "status": "planned"}
    client.post("/assessment/tasks/new/", data)
    assert not PracticalTask.objects.filter(title="越权").exists()
    data.update(committee=tree.grassroots_a1.pk, title="镇里的实事")
    assert client.post("/assessment/tasks/new/", data).status_code == 302
    own = PracticalTask.objects.get(title="镇里的实事")
    PracticalTask.objects.create(committee=tree.county_b, level="county", title="乙县实事", due_on=own.due_on)
    listed = client.get("/assessment/tasks/").content.decode()
    assert "乙县实事" not in listed and f"/assessment/tasks/{own.pk}/edit/" in listed  # the edit link, by path
    assert "乙县实事" in client_for(people.admin).get("/assessment/tasks/").content.decode()  # a superuser's list


# ---------------------------------------------------------------- homes, and the user with no role


def test_it_tells_a_user_with_no_role_whom_to_ask_on_every_portal_page(people):
    client = client_for(people.outsider)
    home = client.get("/")
    assert home.status_code == 200
    body = home.content.decode()
    assert 'id="sg-no-role"' in body and people.admin.full_name in body  # the superuser, one to ask
    assert 'href="/records/new/' not in body
    for url in ("/records/", "/plans/", "/supervision/", "/supervision/filings/", "/assessment/", "/reports/"):
        response = client.get(url)
        assert response.status_code == 404 and 'id="sg-no-role"' in response.content.decode(), url
    assert client.get("/accounts/profile/").status_code == 200  # their own account stays theirs


def test_it_gives_a_user_with_a_role_the_usual_home(county_admin):
    # An administrator lands on the dashboard (issue 10), and reaches record entry from it (/?records).
    client = client_for(county_admin)
    assert 'id="sg-no-role"' not in client.get("/", follow=True).content.decode()
    body = client.get("/?records=1").content.decode()
    assert 'id="sg-no-role"' not in body and 'href="/records/new/' in body


def test_it_gives_a_secretary_the_quick_add_grid_and_a_leader_none(people):
    secretary = client_for(people.secretary_a).get("/").content.decode()
    leader = client_for(people.leader_city).get("/?records=1").content.decode()
    assert all(f'href="/records/new/{kind.value}/"' in secretary for kind in ActivityKind)
    assert "甲县委" in secretary
    assert 'href="/records/new/' not in leader


def test_it_404s_for_an_unknown_kind(people):
    assert client_for(people.secretary_a).get("/records/new/party/").status_code == 404
