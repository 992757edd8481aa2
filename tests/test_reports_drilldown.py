"""The drill-down: exactly the records a figure counts (own group or subtree, month or year to date,
the user's scope), its total equal to the figure, paginated, and exported as CSV/XLSX."""
import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from reports import metrics as registry
from reports import rollup
from reports.figures import figures_for
from sessions_app.models import ActivityKind, Attendance, AttendanceStatus

from .factories import ActivityFactory, MemberFactory

DEC = datetime.date(2021, 12, 1)
NOV = datetime.date(2021, 11, 1)


@pytest.fixture
def records(tree):
    """Group sessions and reading classes in every committee, in November and December 2021."""
    made = []
    plan = [
        (tree.city, ActivityKind.COLLECTIVE, 12, None), (tree.city, ActivityKind.READING_CLASS, 12, 2),
        (tree.city, ActivityKind.COLLECTIVE, 11, None),
        (tree.county_a, ActivityKind.THEMATIC, 12, None), (tree.county_a, ActivityKind.READING_CLASS, 11, 3),
        (tree.grassroots_a1, ActivityKind.COLLECTIVE, 12, None), (tree.grassroots_a1, ActivityKind.READING_CLASS, 12, 4),
        (tree.county_b, ActivityKind.COLLECTIVE, 12, None), (tree.county_b, ActivityKind.READING_CLASS, 12, 5),
        (tree.county_b, ActivityKind.FIELD_STUDY, 12, None),
    ]
    for committee, kind, month, periods in plan:
        made.append(ActivityFactory(
            committee=committee, kind=kind, held_on=datetime.date(2021, month, 5), period_count=periods,
            title=f"{committee.code}-{kind}-{month}",
        ))
    rollup.rollup_months([NOV, DEC])
    return made


def drill(client, user, metric, **params):
    client.force_login(user)
    return client.get(reverse("reports:drilldown", args=[metric]), params)


def titles(response):
    return sorted(row.text.split("：", 1)[1] for row in response.context["items"])


@pytest.mark.parametrize("key", ["study_sessions", "reading_class_periods", "group_sessions", "group_reading_classes"])
@pytest.mark.parametrize("code", ["city", "county-a", "county-b", "county-a-g1"])
@pytest.mark.parametrize("period", ["month", "ytd"])
def test_it_adds_up_to_the_figure_on_the_dashboard(client, people, tree, records, key, code, period):
    response = drill(client, people.leader_city, key, committee=code, month="2021-12", period=period)
    assert response.status_code == 200
    committee = next(c for c in vars(tree).values() if c.code == code)
    figure = figures_for(committee, DEC)[key]
    assert response.context["total"] == (figure.ytd_value if period == "ytd" else figure.month_value)
    assert response.context["page_obj"].paginator.count == len(response.context["items"])


def test_it_lists_the_subtree_for_a_subtree_figure(client, people, records):
    response = drill(client, people.leader_city, "study_sessions", committee="county-a", month="2021-12")
    assert titles(response) == ["county-a-g1-collective-12", "county-a-g1-reading_class-12", "county-a-thematic-12"]
    response = drill(client, people.leader_city, "study_sessions", committee="county-a", month="2021-12", period="ytd")
    assert len(titles(response)) == 4  # November's reading class too


def test_it_lists_the_own_group_only_for_an_own_group_figure(client, people, records):
    response = drill(client, people.leader_city, "group_sessions", committee="city", month="2021-12", period="ytd")
    assert titles(response) == ["city-collective-11", "city-collective-12", "city-reading_class-12"]


def test_it_sums_the_field_of_a_summed_figure(client, people, records):
    response = drill(client, people.leader_city, "reading_class_periods", committee="city", month="2021-12")
    assert response.context["total"] == 2 + 4 + 5 and response.context["is_sum"]
    assert "data-total=\"11\"" in response.content.decode()


def test_it_shows_a_secretary_only_their_own_committees_records(client, people, records):
    response = drill(client, people.secretary_a, "study_sessions", committee="county-a", month="2021-12")
    assert titles(response) == ["county-a-thematic-12"]
    assert response.context["total"] == 1


@pytest.mark.parametrize("who, code, status", [
    ("secretary_a", "county-a", 200),
    ("secretary_a", "county-a-g1", 404),
    ("secretary_a", "city", 404),
    ("leader_city", "county-a", 200),
    ("leader_city", "county-b", 200),
    ("leader_a", "county-a-g1", 200),
    ("leader_b", "county-a", 404),
    ("leader_b", "county-a-g1", 404),
    ("leader_b", "city", 404),
    ("outsider", "county-a", 404),
    ("outsider", "", 404),
])
@pytest.mark.parametrize("export", ["", "csv", "xlsx"])
def test_it_answers_the_scope_matrix_for_pages_and_exports(client, people, records, who, code, status, export):
    params = {"committee": code, "month": "2021-12"}
    if export:
        params["format"] = export
    assert drill(client, getattr(people, who), "study_sessions", **params).status_code == status


def test_it_sends_anonymous_visitors_to_log_in(client, records):
    response = client.get(reverse("reports:drilldown", args=["study_sessions"]), {"committee": "county-a"})
    assert response.status_code == 302


def test_it_answers_404_for_an_unknown_metric(client, people, records):
    assert drill(client, people.leader_city, "no_such_metric", committee="city").status_code == 404


@pytest.mark.parametrize("params", [
    {"month": "nonsense"}, {"period": "forever"}, {"page": "x"}, {"page": "9999"}, {"format": "pdf"},
])
def test_it_survives_bad_parameters(client, people, records, params):
    response = drill(client, people.leader_city, "study_sessions", committee="city", **params)
    assert response.status_code == 200


def test_it_exports_the_same_rows_as_csv(client, people, records):
    response = drill(client, people.leader_city, "reading_class_periods", committee="county-a", month="2021-12",
                     period="ytd", format="csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    body = lines[1:]
    assert sorted(row[1] for row in body) == ["county-a", "county-a-g1"]
    assert sum(int(row[-1]) for row in body) == 3 + 4


def test_it_exports_the_same_rows_as_xlsx(client, people, records):
    response = drill(client, people.leader_city, "study_sessions", committee="city", month="2021-12", format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) - 1 == figures_for(records[0].committee, DEC)["study_sessions"].month_value == 7
    assert {row[1] for row in rows[1:]} == {"city", "county-a", "county-a-g1", "county-b"}


def test_it_never_exports_a_siblings_rows_to_a_county_leader(client, people, records):
    response = drill(client, people.leader_a, "study_sessions", committee="county-a", month="2021-12", format="csv")
    codes = {row[1] for row in list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))[1:]}
    assert codes == {"county-a", "county-a-g1"}


def test_it_paginates_long_lists(client, people, tree):
    for day in range(1, 28):
        for _ in range(2):
            ActivityFactory(committee=tree.county_b, held_on=datetime.date(2021, 12, day))
    response = drill(client, people.leader_b, "study_sessions", committee="county-b", month="2021-12")
    assert response.context["total"] == 54
    assert len(response.context["items"]) == 50 and response.context["page_obj"].has_next()
    second = drill(client, people.leader_b, "study_sessions", committee="county-b", month="2021-12", page=2)
    assert len(second.context["items"]) == 4


def test_it_works_for_any_source_model(client, people, tree, monkeypatch):
    """A metric over another model, reaching its committee and date through a relation."""
    metric = registry.Metric(
        key="test_presences", label="presences", source="sessions_app.Attendance",
        filters={"status": AttendanceStatus.PRESENT}, date_field="activity__held_on",
        committee_field="activity__committee",
    )
    monkeypatch.setitem(registry.REGISTRY, metric.key, metric)
    for committee in (tree.county_a, tree.county_b):
        activity = ActivityFactory(committee=committee, held_on=datetime.date(2021, 12, 2))
        for status in (AttendanceStatus.PRESENT, AttendanceStatus.PRESENT, AttendanceStatus.ABSENT):
            Attendance.objects.create(activity=activity, member=MemberFactory(committee=committee), status=status)
    response = drill(client, people.leader_a, metric.key, committee="county-a", month="2021-12")
    assert response.context["total"] == 2
    assert {row.committee for row in response.context["items"]} == {tree.county_a}
    assert {row.date for row in response.context["items"]} == {datetime.date(2021, 12, 2)}
    assert drill(client, people.leader_city, metric.key, committee="city", month="2021-12").context["total"] == 4


def test_it_keeps_exported_text_from_becoming_a_formula():
    from studygroup.spreadsheets import safe_text

    assert safe_text("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_text("学习\x07主题") == "学习主题"
    assert safe_text("2021-12-05 集体学习") == "2021-12-05 集体学习"
