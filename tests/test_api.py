"""The REST API (/api/v1/): a round trip for every kind of record through the pages' forms and services, the
pages' scope (404 outside it), authentication, validation in the caller's language, statistics equal to
`stats --json`, constant queries per page."""
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from sessions_app.models import Activity, ActivityKind, Attendance, AttendanceStatus
from sessions_app.testing import MINIMAL, record_post

from .factories import ActivityFactory, MemberFactory

RECORDS = "/api/v1/records/"
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def api(user=None, language="en"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def payload(kind, *, members=(), **overrides):
    """The JSON body of a minimal record of `kind` (the same facts as the page test's minimal POST)."""
    body = {"kind": kind.value, "held_on": YESTERDAY.isoformat(), "title": "学习贯彻党的二十大精神"}
    if kind == ActivityKind.READING_CLASS:
        body["ends_on"] = YESTERDAY.isoformat()
    for name, value in MINIMAL[kind].items():
        body[name] = int(value) if value.isdigit() else value
    if Activity(kind=kind).takes_attendance:
        body["attendance"] = [{"member": m.pk, "status": "present"} for m in members]
    body.update(overrides)
    return body


@pytest.mark.parametrize("kind", list(ActivityKind))
def test_it_creates_reads_changes_and_deletes_a_record_of_every_kind(tree, people, members_a, kind):
    client = api(people.secretary_a)
    created = client.post(RECORDS, payload(kind, members=members_a), format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    activity = Activity.objects.get(pk=pk)
    assert (activity.kind, activity.committee, activity.created_by) == (kind, tree.county_a, people.secretary_a)
    if activity.takes_attendance:
        assert activity.attendance.filter(status=AttendanceStatus.PRESENT).count() == len(members_a)

    shown = client.get(f"{RECORDS}{pk}/").json()
    assert (shown["kind"], shown["committee_code"], shown["title"]) == (kind.value, "county-a", "学习贯彻党的二十大精神")
    assert len(shown["attendance"]) == (len(members_a) if activity.takes_attendance else 0)

    changed = client.patch(f"{RECORDS}{pk}/", {"title": "学习党章"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["title"] == "学习党章"
    history = list(Activity.history.filter(id=pk).order_by("history_id"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert {h.history_user for h in history} == {people.secretary_a}

    assert client.delete(f"{RECORDS}{pk}/").status_code == 204
    assert not Activity.objects.filter(pk=pk).exists()
    assert client.get(f"{RECORDS}{pk}/").status_code == 404


def test_a_record_made_through_the_api_is_the_same_as_one_made_in_the_page(tree, people, members_a):
    page = Client()
    page.force_login(people.secretary_a)
    kind = ActivityKind.OUTREACH_LECTURE
    assert page.post(f"/records/new/{kind}/", record_post(kind)).status_code == 302
    assert api(people.secretary_a).post(RECORDS, payload(kind), format="json").status_code == 201
    from_page, from_api = Activity.objects.order_by("id")
    skip = {"id", "created_at", "updated_at", "submission_key"}
    fields = [f.attname for f in Activity._meta.concrete_fields if f.attname not in skip]
    assert [getattr(from_page, f) for f in fields] == [getattr(from_api, f) for f in fields]
    assert Activity.history.filter(id=from_api.pk).get().history_user == people.secretary_a


def test_a_reflection_record_lists_its_articles_and_counts_them(people):
    client = api(people.secretary_a)
    articles = [{"author": "张三", "title": "学习党史的体会"}, {"author": "李四", "title": "守初心", "text": "正文"}]
    body = payload(ActivityKind.REFLECTION, articles=articles, author="", article_count=None)
    created = client.post(RECORDS, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["article_count"] == 2
    assert [(a["author"], a["title"]) for a in created.json()["articles"]] == [("张三", "学习党史的体会"), ("李四", "守初心")]
    added = client.patch(f"{RECORDS}{created.json()['id']}/", {"articles": [{"author": "王五", "title": "新篇"}]},
                         format="json")
    assert added.status_code == 200, added.json()
    assert added.json()["article_count"] == 3 and len(added.json()["articles"]) == 3
    bad = client.patch(f"{RECORDS}{created.json()['id']}/", {"articles": [{"author": "王五"}]}, format="json")
    assert bad.status_code == 400 and "title" in bad.json()["articles"][0]


def test_it_changes_one_attendance_row_and_keeps_the_others(people, members_a):
    client = api(people.secretary_a)
    pk = client.post(RECORDS, payload(ActivityKind.COLLECTIVE, members=members_a), format="json").json()["id"]
    row = {"member": members_a[0].pk, "status": "excused", "reason": "出差"}
    response = client.patch(f"{RECORDS}{pk}/", {"attendance": [row]}, format="json")
    assert response.status_code == 200, response.json()
    statuses = dict(Attendance.objects.filter(activity_id=pk).values_list("member_id", "status"))
    assert statuses == {m.pk: ("excused" if m == members_a[0] else "present") for m in members_a}


def test_it_names_the_wrong_field_and_row_in_the_callers_language_and_saves_nothing(people, members_a):
    body = payload(ActivityKind.COLLECTIVE, members=members_a)
    body["attendance"][1] = {"member": members_a[1].pk, "status": "excused"}
    body["held_on"] = (TODAY + datetime.timedelta(days=30)).isoformat()
    english = api(people.secretary_a, "en").post(RECORDS, body, format="json")
    chinese = api(people.secretary_a, "zh-hans").post(RECORDS, body, format="json")
    assert english.status_code == chinese.status_code == 400
    for answer in (english.json(), chinese.json()):
        assert answer["attendance"][0] == {} and list(answer["attendance"][1]) == ["reason"]
        assert "held_on" in answer
    assert english.json()["held_on"][0].isascii()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.json()["held_on"][0])
    assert not Activity.objects.exists() and not Attendance.objects.exists()


def test_it_asks_each_kinds_own_facts(people):
    response = api(people.secretary_a).post(RECORDS, payload(ActivityKind.FIELD_STUDY, site=""), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["site"]


def test_it_refuses_a_member_of_another_committee(tree, people, members_a):
    stranger = MemberFactory(committee=tree.county_b)
    body = payload(ActivityKind.COLLECTIVE, members=[members_a[0], stranger])
    response = api(people.secretary_a).post(RECORDS, body, format="json")
    assert response.status_code == 400
    assert "member" in response.json()["attendance"][1]
    assert not Activity.objects.exists()


def test_it_refuses_a_committee_the_caller_does_not_write_for(tree, people):
    body = payload(ActivityKind.RESEARCH_REPORT, committee=tree.county_b.pk)
    response = api(people.secretary_a).post(RECORDS, body, format="json")
    assert response.status_code == 400 and "committee" in response.json()
    assert not Activity.objects.exists()


def test_a_second_create_with_the_same_submission_key_returns_the_first_record(people):
    body = payload(ActivityKind.RESEARCH_REPORT, submission_key="6f1c1f5e-7f43-4a8e-9d0a-8a3c1d1e2b3c")
    client = api(people.secretary_a)
    first, second = client.post(RECORDS, body, format="json"), client.post(RECORDS, body, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and Activity.objects.count() == 1


def test_a_closed_months_record_changes_and_goes_only_with_a_reason(tree, people):
    activity = ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 3, 10))
    client = api(people.secretary_a)
    refused = client.patch(f"{RECORDS}{activity.pk}/", {"title": "改"}, format="json")
    assert refused.status_code == 400
    assert client.patch(f"{RECORDS}{activity.pk}/", {"title": "改", "reason": "录入错误"}, format="json").status_code == 200
    assert activity.corrections.count() == 1
    assert client.delete(f"{RECORDS}{activity.pk}/").status_code == 400
    assert client.delete(f"{RECORDS}{activity.pk}/?reason=重复录入").status_code == 204


# ------------------------------------------------------------------ scope and authentication


def test_another_subtree_is_not_found(tree, people):
    theirs = ActivityFactory(committee=tree.county_b)
    for user in (people.secretary_a, people.leader_a):
        client = api(user)
        assert client.get(f"{RECORDS}{theirs.pk}/").status_code == 404
        assert client.patch(f"{RECORDS}{theirs.pk}/", {"title": "x"}, format="json").status_code == 404
        assert client.delete(f"{RECORDS}{theirs.pk}/").status_code == 404
        assert theirs.pk not in [r["id"] for r in client.get(RECORDS).json()["results"]]
    assert api(people.secretary_a).get(f"/api/v1/committees/{tree.county_b.pk}/").status_code == 404
    assert api(people.leader_a).get("/api/v1/statistics/", {"month": "2021-12", "committee": "county-b"}).status_code == 404
    assert Activity.objects.filter(pk=theirs.pk, title=theirs.title).exists()


def test_a_reader_reads_the_subtree_and_writes_nothing(tree, people, members_a):
    ours = ActivityFactory(committee=tree.grassroots_a1)
    client = api(people.leader_a)
    assert client.get(f"{RECORDS}{ours.pk}/").status_code == 200
    assert client.patch(f"{RECORDS}{ours.pk}/", {"title": "x"}, format="json").status_code == 404
    assert client.delete(f"{RECORDS}{ours.pk}/").status_code == 404
    body = payload(ActivityKind.COLLECTIVE, members=members_a, committee=tree.county_a.pk)
    assert client.post(RECORDS, body, format="json").status_code == 404
    assert Activity.objects.count() == 1
    codes = [c["code"] for c in client.get("/api/v1/committees/").json()["results"]]
    assert codes == ["county-a", "county-a-g1"]
    city = api(people.leader_city)
    assert [c["code"] for c in city.get("/api/v1/committees/", {"within": "county-a"}).json()["results"]] == codes
    assert client.get("/api/v1/committees/", {"within": "county-b"}).status_code == 400


@pytest.mark.parametrize("path", ["records/", "committees/", "members/", "filings/", "visits/", "rectifications/",
                                  "tasks/", "statistics/?month=2021-12"])
def test_anonymous_callers_are_refused(tree, path):
    response = APIClient().get(f"/api/v1/{path}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_from_the_command_authenticates_and_a_rotated_one_stops(tree, people):
    ActivityFactory(committee=tree.county_a)
    out = io.StringIO()
    call_command("api_token", "alice", stdout=out)
    old = out.getvalue().strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get(RECORDS).json()["count"] == 1
    page = Client()
    page.force_login(people.secretary_a)
    shown = page.post("/api/v1/token/")
    assert shown.status_code == 200
    new = shown.context["key"]
    assert new != old and new in shown.content.decode()
    assert client.get(RECORDS).status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.get(RECORDS).status_code == 200
    assert page.get("/api/v1/token/").status_code == 405


def test_the_profile_page_offers_a_new_token(people):
    page = Client()
    page.force_login(people.secretary_a)
    assert 'action="/api/v1/token/"' in page.get("/accounts/profile/").content.decode()


# ------------------------------------------------------------------ lists: filters, pages, queries


def test_it_filters_by_date_kind_campaign_theme_and_subtree(tree, people):
    from .factories import CampaignFactory, ThemeFactory

    campaign, theme = CampaignFactory(), ThemeFactory()
    a = ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 10, 20), campaign=campaign)
    b = ActivityFactory(committee=tree.grassroots_a1, held_on=datetime.date(2021, 11, 2), theme=theme,
                        kind=ActivityKind.THEMATIC)
    c = ActivityFactory(committee=tree.county_b, held_on=datetime.date(2021, 12, 1))
    client = api(people.leader_city)

    def ids(**params):
        response = client.get(RECORDS, params)
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids() == {a.pk, b.pk, c.pk}
    assert ids(date_from="2021-10-25", date_to="2021-11-30") == {b.pk}
    assert ids(kind="thematic") == {b.pk}
    assert ids(campaign=campaign.code) == {a.pk}
    assert ids(theme=theme.code) == {b.pk}
    assert ids(committee="county-a") == {a.pk, b.pk}
    bad = client.get(RECORDS, {"date_from": "yesterday"})
    assert bad.status_code == 400 and "date_from" in bad.json()
    assert api(people.leader_a).get(RECORDS, {"committee": "county-b"}).status_code == 400


def test_it_pages_by_50_up_to_200(tree, people):
    ActivityFactory.create_batch(60, committee=tree.county_a)
    client = api(people.secretary_a)
    first = client.get(RECORDS).json()
    assert (first["count"], len(first["results"])) == (60, 50) and first["next"]
    assert len(client.get(RECORDS, {"page_size": 500}).json()["results"]) == 60
    assert client.get(RECORDS, {"page": 9}).status_code == 404


@pytest.mark.parametrize("size", [5, 50])
def test_a_page_of_records_with_attendance_takes_the_same_queries_at_any_size(
    tree, people, members_a, size, django_assert_max_num_queries,
):
    for activity in ActivityFactory.create_batch(size, committee=tree.county_a):
        Attendance.objects.bulk_create(Attendance(activity=activity, member=m, status="present") for m in members_a)
    client = api(people.leader_city)
    client.get("/api/v1/committees/")  # the session's first request loads the user once
    with django_assert_max_num_queries(9):
        response = client.get(RECORDS, {"page_size": size})
    assert len(response.json()["results"]) == size
    assert all(len(r["attendance"]) == len(members_a) for r in response.json()["results"])


# ------------------------------------------------------------------ statistics


def test_statistics_equal_the_stats_command(tree, people):
    ActivityFactory(committee=tree.grassroots_a1, held_on=datetime.date(2021, 11, 3))
    ActivityFactory(committee=tree.county_b, held_on=datetime.date(2021, 12, 3), kind=ActivityKind.THEMATIC)
    for code in ("county-a", "city"):
        out = io.StringIO()
        call_command("stats", "--month", "2021-12", "--committee", code, "--json", "--language", "en", stdout=out)
        expected = json.loads(out.getvalue())
        shown = api(people.leader_city, "en").get("/api/v1/statistics/", {"month": "2021-12", "committee": code})
        assert shown.status_code == 200
        assert shown.json() == expected
    assert expected["figures"]["study_sessions"]["value"] == 2  # the city's subtree, year to date


def test_a_secretary_gets_the_own_groups_figures_never_the_subtrees(tree, people):
    ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 12, 3))
    ActivityFactory(committee=tree.grassroots_a1, held_on=datetime.date(2021, 12, 4))
    call_command("stats", "--month", "2021-12", "--json", stdout=io.StringIO())  # computes the month
    shown = api(people.secretary_a).get("/api/v1/statistics/", {"month": "2021-12", "committee": "county-a"})
    assert shown.status_code == 200 and shown.json()["own_group"] is True
    assert shown.json()["figures"]["study_sessions"]["value"] == 1  # the leader of county A sees 2
    lead = api(people.leader_a).get("/api/v1/statistics/", {"month": "2021-12", "committee": "county-a"}).json()
    assert lead["figures"]["study_sessions"]["value"] == 2 and "own_group" not in lead
    assert api(people.secretary_a).get("/api/v1/statistics/", {"month": "2021-12", "committee": "county-a-g1"}
                                       ).status_code == 404


def test_statistics_answer_a_bad_month_and_default_to_the_callers_committee(tree, people):
    bad = api(people.leader_a).get("/api/v1/statistics/", {"month": "December"})
    assert bad.status_code == 400 and "month" in bad.json()
    own = api(people.leader_a).get("/api/v1/statistics/", {"month": "2021-12"})
    assert own.status_code == 200 and own.json()["scope"] == "county-a"


def test_the_schema_and_its_docs_page_are_served_without_a_cdn(db):
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/records/{id}/" in json.loads(schema.content)["paths"]
    docs = Client().get("/api/v1/docs/").content.decode()
    assert "swagger-ui-bundle.js" in docs and "//cdn" not in docs and "<script>" not in docs


def test_a_session_write_needs_its_csrf_token_and_a_token_write_does_not(people):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(people.secretary_a)
    assert browser.get(RECORDS).status_code == 200
    assert browser.post(RECORDS, payload(ActivityKind.RESEARCH_REPORT), format="json").status_code == 403
    out = io.StringIO()
    call_command("api_token", "alice", stdout=out)
    script = APIClient(enforce_csrf_checks=True)
    script.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert script.post(RECORDS, payload(ActivityKind.RESEARCH_REPORT), format="json").status_code == 201
    assert Activity.objects.count() == 1
