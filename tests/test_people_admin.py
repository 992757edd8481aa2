"""People of a subtree administered in the portal (/committees/people/, /supervision/auditors/): a county
administrator manages the users, roles and auditors of its subtree, and nothing outside it (404)."""
import re

import pytest
from django.test import Client

from committees.models import Committee, Role, RoleKind, User, UserChange
from committees.services import committee_retire
from supervision.models import Auditor

from .factories import make_committee, user_with_role


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


@pytest.fixture
def in_a(tree):
    """A secretary of a grassroots committee of county A (managed by county A's administrator)."""
    return user_with_role(tree.grassroots_a1, RoleKind.SECRETARY, username="gina")


def new_user(client, **fields):
    data = {"username": "newsec", "full_name": "新秘书", "email": "", "password": "", "must_change_password": "on",
            "committee": "", "kind": "secretary", **fields}
    return client.post("/committees/people/new/", data)


def snapshot():
    return (
        list(User.objects.order_by("pk").values_list("username", "full_name", "is_active", "password")),
        list(Role.objects.order_by("pk").values_list("user", "committee", "kind")),
        list(Auditor.objects.order_by("pk").values_list("user", "home_committee", "workload_limit", "active")),
        UserChange.objects.count(),
    )


# --- what a county administrator can do in its subtree ------------------------------------------------------


def test_it_lists_and_searches_only_the_users_of_the_subtree(carol, people, in_a, county_admin):
    page = carol.get("/committees/people/")
    assert page.status_code == 200
    assert {u.username for u in page.context["page"].object_list} == {"alice", "dora", "gina", "countyadmin"}
    found = carol.get("/committees/people/?q=gin").context["page"].object_list
    assert [u.username for u in found] == ["gina"]


def test_a_county_administrator_creates_a_user_with_a_temporary_password(carol, tree, county_admin):
    response = new_user(carol, committee=tree.grassroots_a1.pk)
    user = User.objects.get(username="newsec")
    assert response.status_code == 302 and response.url == f"/committees/people/{user.pk}/"
    assert user.must_change_password and user.has_usable_password()
    assert list(user.roles.values_list("committee", "kind")) == [(tree.grassroots_a1.pk, "secretary")]
    shown = [str(m) for m in carol.get(response.url).context["messages"]]
    password = next(found[1] for m in shown if (found := re.search(r"[:：] ?([A-Za-z0-9]{12})(?![A-Za-z0-9])", m)))
    assert user.check_password(password)
    assert list(UserChange.objects.filter(user=user).values_list("action", "by")) == [
        ("role_add", county_admin.pk), ("create", county_admin.pk)]
    assert Role.history.filter(user_id=user.pk, history_user=county_admin).count() == 1


def test_a_chosen_initial_password_may_be_kept(carol, tree):
    new_user(carol, committee=tree.county_a.pk, password="Lo7ng-enough-pw", must_change_password="")
    user = User.objects.get(username="newsec")
    assert user.check_password("Lo7ng-enough-pw") and not user.must_change_password


def test_it_edits_deactivates_resets_and_shows_the_history(carol, in_a, county_admin):
    url = f"/committees/people/{in_a.pk}/"
    assert carol.post(url, {"action": "edit", "edit-full_name": "吉娜", "edit-email": "gina@example.org"}).status_code == 302
    assert carol.post(f"{url}password/").status_code == 302
    assert carol.post(f"{url}active/", {"active": "0"}).status_code == 302
    in_a.refresh_from_db()
    assert (in_a.full_name, in_a.email, in_a.must_change_password, in_a.is_active) == (
        "吉娜", "gina@example.org", True, False)
    assert not in_a.check_password("pw")
    assert carol.post(f"{url}active/", {"active": "1"}).status_code == 302
    in_a.refresh_from_db()
    assert in_a.is_active
    page = carol.get(url)
    actions = [c.action for c in page.context["changes"]]
    assert actions == ["reactivate", "deactivate", "password_reset", "edit"]
    assert "gina@example.org" in page.content.decode()


def test_it_gives_and_takes_roles_in_the_subtree(carol, tree, in_a, county_admin):
    url = f"/committees/people/{in_a.pk}/"
    assert carol.post(url, {"action": "role", "role-committee": tree.county_a.pk, "role-kind": "leader"}).status_code == 302
    role = Role.objects.get(user=in_a, kind="leader")
    assert role.committee == tree.county_a
    assert carol.post(f"{url}roles/{role.pk}/remove/").status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    assert [c.action for c in UserChange.objects.filter(user=in_a)] == ["role_remove", "role_add"]
    assert list(Role.history.filter(id=role.pk).values_list("history_type", "history_user")) in (
        [("+", county_admin.pk), ("-", county_admin.pk)], [("-", county_admin.pk), ("+", county_admin.pk)])


def test_it_keeps_the_auditor_pool_of_the_subtree(carol, tree, in_a, county_admin):
    data = {"user": in_a.pk, "home_committee": tree.grassroots_a1.pk, "may_visit": [tree.county_a.pk],
            "workload_limit": "3", "active": "on"}
    assert carol.post("/supervision/auditors/new/", data).status_code == 302
    auditor = Auditor.objects.get(user=in_a)
    assert (auditor.home_committee, list(auditor.may_visit.all()), auditor.workload_limit) == (
        tree.grassroots_a1, [tree.county_a], 3)
    assert [a.pk for a in carol.get("/supervision/auditors/").context["page"].object_list] == [auditor.pk]
    edit = {"home_committee": tree.county_a.pk, "may_visit": [tree.grassroots_a1.pk], "workload_limit": "7"}
    assert carol.post(f"/supervision/auditors/{auditor.pk}/", edit).status_code == 302
    auditor.refresh_from_db()
    assert (auditor.home_committee, auditor.workload_limit, auditor.active) == (tree.county_a, 7, False)
    assert carol.post(f"/supervision/auditors/{auditor.pk}/remove/").status_code == 302
    assert not Auditor.objects.filter(pk=auditor.pk).exists()
    assert [c.action for c in UserChange.objects.filter(user=in_a)] == [
        "auditor_remove", "auditor_change", "auditor_add"]


# --- nothing outside the subtree ----------------------------------------------------------------------------


def test_users_and_auditors_outside_the_subtree_are_not_found(carol, people, tree):
    city_auditor = Auditor.objects.create(user=people.auditor, home_committee=tree.city)
    before = snapshot()
    for user in (people.secretary_b, people.leader_city, people.admin, people.outsider, people.auditor):
        base = f"/committees/people/{user.pk}/"
        assert carol.get(base).status_code == 404
        assert carol.post(base, {"action": "edit", "edit-full_name": "x"}).status_code == 404
        assert carol.post(f"{base}active/", {"active": "0"}).status_code == 404
        assert carol.post(f"{base}password/").status_code == 404
        for role in user.roles.all():
            assert carol.post(f"{base}roles/{role.pk}/remove/").status_code == 404
    assert carol.get(f"/supervision/auditors/{city_auditor.pk}/").status_code == 404
    assert carol.post(f"/supervision/auditors/{city_auditor.pk}/remove/").status_code == 404
    assert snapshot() == before


def test_a_role_on_another_users_committee_outside_the_subtree_cannot_be_taken(carol, tree, in_a):
    """gina is managed; a role of hers outside the subtree would make her unmanaged: none can be reached."""
    outside = Role.objects.create(user=in_a, committee=tree.county_b, kind=RoleKind.LEADER)
    assert carol.post(f"/committees/people/{in_a.pk}/roles/{outside.pk}/remove/").status_code == 404
    assert Role.objects.filter(pk=outside.pk).exists()


@pytest.mark.parametrize("who", ["secretary_a", "leader_a", "leader_city", "auditor", "outsider"])
def test_non_administrators_have_no_people_pages(people, in_a, who):
    client = login(getattr(people, who))
    for url in ("/committees/people/", "/committees/people/new/", f"/committees/people/{in_a.pk}/",
                "/supervision/auditors/", "/supervision/auditors/new/"):
        assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_login(client, in_a):
    response = client.get(f"/committees/people/{in_a.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_superuser_manages_everyone(people, tree):
    page = login(people.admin).get("/committees/people/")
    assert "bella" in {u.username for u in page.context["page"].object_list}


# --- bad input: a message at the field, nothing saved -------------------------------------------------------


def field_errors(response, form="form"):
    return {k: [str(m) for m in v] for k, v in response.context[form].errors.items()}


def test_a_duplicate_username_is_refused_at_the_field(carol, tree, people):
    before = snapshot()
    response = new_user(carol, username="ALICE", committee=tree.county_a.pk)
    assert response.status_code == 200
    assert field_errors(response) == {"username": ["该用户名已被使用。"]}
    assert snapshot() == before


def test_a_role_outside_the_subtree_is_refused_at_the_field(carol, tree, in_a):
    before = snapshot()
    for committee in (tree.county_b, tree.city):
        response = carol.post(f"/committees/people/{in_a.pk}/",
                              {"action": "role", "role-committee": committee.pk, "role-kind": "admin"})
        assert response.status_code == 200
        assert list(field_errors(response, "role_form")) == ["committee"]
        response = new_user(carol, committee=committee.pk)
        assert list(field_errors(response)) == ["committee"]
    assert snapshot() == before


def test_a_retired_committee_is_not_offered_for_roles(carol, tree, in_a, county_admin):
    retired = make_committee(tree.county_a, code="county-a-old")
    committee_retire(committee=retired, user=county_admin)
    form = carol.get(f"/committees/people/{in_a.pk}/").context["role_form"]
    offered = set(form.fields["committee"].queryset)
    assert tree.county_a in offered and Committee.objects.get(pk=retired.pk) not in offered
    before = snapshot()
    response = carol.post(f"/committees/people/{in_a.pk}/",
                          {"action": "role", "role-committee": retired.pk, "role-kind": "leader"})
    assert list(field_errors(response, "role_form")) == ["committee"]
    assert snapshot() == before


def test_the_last_administrator_of_the_subtree_stays(carol, county_admin, tree):
    Role.objects.create(user=county_admin, committee=tree.grassroots_a1, kind=RoleKind.SECRETARY)
    admin_role = county_admin.roles.get(kind=RoleKind.ADMIN)
    before = snapshot()
    response = carol.post(f"/committees/people/{county_admin.pk}/roles/{admin_role.pk}/remove/")
    assert response.status_code == 400
    assert "甲县委" in dict((r.pk, e) for r, _, e in response.context["roles"])[admin_role.pk]
    assert snapshot() == before
    # With a second administrator on the same committee, the role may go.
    user_with_role(tree.county_a, RoleKind.ADMIN, username="second")
    assert carol.post(f"/committees/people/{county_admin.pk}/roles/{admin_role.pk}/remove/").status_code == 302


def test_an_administrator_cannot_deactivate_themselves(carol, county_admin):
    before = snapshot()
    response = carol.post(f"/committees/people/{county_admin.pk}/active/", {"active": "0"})
    assert response.status_code == 400
    assert response.context["active_error"]
    assert snapshot() == before


def test_an_auditor_may_visit_only_the_subtree(carol, tree, in_a):
    before = snapshot()
    response = carol.post("/supervision/auditors/new/", {
        "user": in_a.pk, "home_committee": tree.county_a.pk, "may_visit": [tree.county_b.pk], "workload_limit": "3"})
    assert response.status_code == 200 and list(field_errors(response)) == ["may_visit"]
    response = carol.post("/supervision/auditors/new/", {
        "user": in_a.pk, "home_committee": tree.county_a.pk, "may_visit": [tree.county_a.pk], "workload_limit": "0"})
    assert list(field_errors(response)) == ["workload_limit"]
    assert snapshot() == before


@pytest.mark.parametrize("data", [
    {"username": "bad name!", "committee": "1"},
    {"username": "x" * 200},
    {"username": "ok", "committee": "not-a-number"},
    {"username": "ok", "email": "not-an-email"},
    {"username": "ok", "kind": "emperor"},
    {"username": "ok", "password": "short"},
])
def test_bad_posts_give_field_messages_and_save_nothing(carol, tree, data):
    data = {"committee": tree.county_a.pk, **data}
    before = snapshot()
    response = new_user(carol, **data)
    assert response.status_code == 200 and field_errors(response)
    assert snapshot() == before


def test_the_admin_menu_entry_is_shown_to_administrators_only(carol, people):
    assert 'id="sg-nav-people"' in carol.get("/committees/people/").content.decode()
    assert 'id="sg-nav-people"' not in login(people.secretary_a).get("/").content.decode()


# --- Django admin: the logs read-only, retired committees not offered for roles -----------------------------


def django_admin(people):
    people.admin.is_staff = True
    people.admin.save(update_fields=["is_staff"])
    return login(people.admin)


def test_the_change_logs_are_read_only_in_django_admin(people, tree, in_a, carol):
    carol.post(f"/committees/people/{in_a.pk}/password/")
    admin = django_admin(people)
    for name in ("committeechange", "userchange"):
        assert admin.get(f"/admin/committees/{name}/").status_code == 200
        assert admin.get(f"/admin/committees/{name}/add/").status_code in (403, 404)  # 403 is answered 404
    change = UserChange.objects.get(user=in_a)
    assert admin.post(f"/admin/committees/userchange/{change.pk}/delete/", {"post": "yes"}).status_code in (403, 404)
    assert UserChange.objects.filter(pk=change.pk).exists()


def test_django_admins_role_inline_offers_no_retired_committee(people, tree, in_a, county_admin):
    retired = make_committee(tree.county_a, code="county-a-old")
    committee_retire(committee=retired, user=county_admin)
    Role.objects.create(user=people.leader_b, committee=retired, kind=RoleKind.LEADER)
    admin = django_admin(people)
    formset = admin.get(f"/admin/committees/user/{in_a.pk}/change/").context["inline_admin_formsets"][0].formset
    assert retired.pk not in {c.pk for c in formset.forms[0].fields["committee"].queryset}
    held = admin.get(f"/admin/committees/user/{people.leader_b.pk}/change/").context["inline_admin_formsets"][0].formset
    assert retired.pk in {c.pk for c in held.forms[0].fields["committee"].queryset}  # a kept role stays valid
    found = admin.get("/admin/autocomplete/", {"term": "", "app_label": "committees", "model_name": "role",
                                               "field_name": "committee"}).json()["results"]
    assert str(retired.pk) not in {r["id"] for r in found} and str(tree.county_a.pk) in {r["id"] for r in found}


# --- a move in the portal: figures marked and recomputed without an operator --------------------------------


def test_a_move_across_counties_marks_the_figures_and_the_worker_makes_them_agree(tree, people):
    import datetime

    from reports import rollup
    from reports.figures import figures_for
    from reports.models import DirtyMonth

    from .factories import ActivityFactory

    may = datetime.date(2021, 5, 1)
    for day in (3, 10):
        ActivityFactory(committee=tree.grassroots_a1, held_on=may.replace(day=day))
    rollup.rollup_dirty()
    city_admin = login(user_with_role(tree.city, RoleKind.ADMIN, username="cityadmin"))
    response = city_admin.post(f"/committees/{tree.grassroots_a1.pk}/", {"action": "move", "move-parent": "county-b"})
    assert response.status_code == 302
    assert DirtyMonth.objects.filter(month=may).exists()  # marked by the move itself, no operator involved
    rollup.rollup_dirty()
    assert rollup.verify([may]).difference_count == 0
    assert figures_for(tree.county_b, may)["study_sessions"].value == 2
    assert figures_for(tree.county_a, may)["study_sessions"].value == 0


# --- hostile input: never a 500 ----------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{"q": "\x00"}, {"q": "%_' OR 1=1 --"}, {"q": "甲" * 500}, {"page": "abc"},
                                    {"page": "-1"}, {"page": "99999"}])
def test_bad_queries_are_no_error(carol, in_a, params):
    for url in ("/committees/people/", "/supervision/auditors/"):
        assert carol.get(url, params).status_code == 200


@pytest.mark.parametrize("data", [
    {"home_committee": "abc", "may_visit": ["x"], "workload_limit": "3"},
    {"home_committee": "999999", "may_visit": ["999999"], "workload_limit": "3"},
    {"home_committee": "", "may_visit": [], "workload_limit": "many"},
])
def test_bad_auditor_posts_give_field_messages_and_save_nothing(carol, in_a, data):
    before = snapshot()
    response = carol.post("/supervision/auditors/new/", {"user": in_a.pk, **data})
    assert response.status_code == 200 and field_errors(response)
    assert snapshot() == before


def test_unknown_actions_and_roles_are_not_found(carol, in_a, people):
    assert carol.post(f"/committees/people/{in_a.pk}/", {"action": "promote"}).status_code == 404
    other = people.secretary_a.roles.get()
    assert carol.post(f"/committees/people/{in_a.pk}/roles/{other.pk}/remove/").status_code == 404
    assert carol.post(f"/committees/people/{in_a.pk}/roles/999999/remove/").status_code == 404
    assert Role.objects.filter(pk=other.pk).exists()
