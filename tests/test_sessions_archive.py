"""The study archive: filters, sorting, paging, exports of exactly what is shown, and a pinned query count."""
import csv
import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from sessions_app.exports import headers
from sessions_app.models import Activity, ActivityKind

from .factories import ActivityFactory, CampaignFactory, ThemeFactory

TODAY = timezone.localdate()


@pytest.fixture
def carl(people):
    client = Client()
    client.force_login(people.leader_city)
    return client


@pytest.fixture
def records(tree):
    campaign = CampaignFactory(name="弘扬伟大建党精神学习月")
    theme = ThemeFactory(name="十九届六中全会精神")
    day = TODAY - datetime.timedelta(days=40)
    return {
        "lecture": ActivityFactory(
            committee=tree.county_a, kind=ActivityKind.OUTREACH_LECTURE, title="宣讲六中全会精神", speaker="李书记",
            lecturer_level="county_leader", place_kind="contact_point", audience_count=45, theme=theme, held_on=day,
        ),
        "reading": ActivityFactory(
            committee=tree.grassroots_a1, kind=ActivityKind.READING_CLASS, title="专题读书班", campaign=campaign,
            period_count=1, day_count=3, participant_count=60, held_on=day + datetime.timedelta(days=1),
        ),
        "city": ActivityFactory(committee=tree.city, title="市委集体学习", notes="重点学习党史"),
        "sibling": ActivityFactory(committee=tree.county_b, kind=ActivityKind.FIELD_STUDY, site="红色教育基地",
                                   participant_count=20, title="参观学习"),
    }


def shown(client, query=""):
    response = client.get(f"/records/?{query}")
    assert response.status_code == 200
    return {row.record.title for row in response.context["table"].paginated_rows}


@pytest.mark.parametrize("query,expected", [
    ("", {"宣讲六中全会精神", "专题读书班", "市委集体学习", "参观学习"}),
    ("kind=outreach_lecture", {"宣讲六中全会精神"}),
    ("kind=outreach_lecture&kind=reading_class", {"宣讲六中全会精神", "专题读书班"}),
    ("q=党史", {"市委集体学习"}),
    ("q=李书记", {"宣讲六中全会精神"}),
    ("q=红色", {"参观学习"}),
    (f"held_to={(TODAY - datetime.timedelta(days=40)).isoformat()}", {"宣讲六中全会精神"}),
    (f"held_from={(TODAY - datetime.timedelta(days=39)).isoformat()}&held_to={(TODAY - datetime.timedelta(days=2)).isoformat()}", {"专题读书班"}),
])
def test_it_filters_by_kind_text_and_dates(carl, records, query, expected):
    assert shown(carl, query) == expected


def test_it_filters_by_campaign_theme_and_committee_subtree(carl, records, tree):
    assert shown(carl, f"campaign={records['reading'].campaign_id}") == {"专题读书班"}
    assert shown(carl, f"theme={records['lecture'].theme_id}") == {"宣讲六中全会精神"}
    assert shown(carl, f"committee={tree.county_a.pk}") == {"宣讲六中全会精神", "专题读书班"}
    assert shown(carl, f"committee={tree.county_a.pk}&own=on") == {"宣讲六中全会精神"}


def test_it_ignores_bad_filter_values_instead_of_failing(carl, records):
    for query in ("kind=nope", "held_from=yesterday", "committee=abc", "campaign=999999", "page=zzz", "sort=bogus",
                  "page=99999", "export=pdf"):
        response = carl.get(f"/records/?{query}")
        assert response.status_code == 200, query
    assert shown(carl, "held_from=yesterday") == shown(carl)


def test_it_does_not_offer_committees_outside_scope(people, records, tree):
    client = Client()
    client.force_login(people.leader_b)
    form = client.get("/records/").context["filter"].form
    assert set(form.fields["committee"].queryset) == {tree.county_b}
    assert shown(client, f"committee={tree.county_a.pk}") == {"参观学习"}  # an unknown choice is ignored


def test_it_exports_exactly_the_filtered_rows_as_csv(carl, records):
    response = carl.get("/records/?kind=outreach_lecture&kind=reading_class&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    titles = {row[4] for row in rows[1:]}
    assert titles == {"宣讲六中全会精神", "专题读书班"}
    with translation.override("zh-hans"):
        assert rows[0] == headers()  # the model's verbose names, in the request's language


def test_it_exports_every_page_as_xlsx(carl, tree):
    for i in range(30):
        ActivityFactory(committee=tree.county_a, title=f"学习{i}")
    page = carl.get("/records/")
    assert len(page.context["table"].paginated_rows) == 25
    response = carl.get("/records/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 31  # header + all 30 rows, not just the first page


def test_it_sorts_by_a_column(carl, records):
    response = carl.get("/records/?sort=title")
    titles = [row.record.title for row in response.context["table"].paginated_rows]
    assert titles == sorted(titles)


def test_it_shows_the_late_badge(carl, tree):
    # The month before last: closed whatever today's date and MONTH_CLOSE_DAY.
    late = ActivityFactory(committee=tree.county_a, held_on=TODAY.replace(day=1) - datetime.timedelta(days=35),
                           created_at=timezone.now())
    assert late.is_late
    assert "badge text-bg-warning" in carl.get("/records/").content.decode()


def _archive_queries(client, query=""):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/records/?{query}").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", ["", "sort=committee", "kind=reading_class&q=学习"])
def test_it_uses_the_same_number_of_queries_for_5_and_200_records(carl, tree, query):
    campaign, theme = CampaignFactory(), ThemeFactory()
    kinds = list(ActivityKind)

    def make(n):
        Activity.objects.bulk_create([
            Activity(committee=tree.grassroots_a1 if i % 2 else tree.county_a, kind=kinds[i % len(kinds)],
                     held_on=TODAY - datetime.timedelta(days=i % 60), month=(TODAY - datetime.timedelta(days=i % 60)).replace(day=1),
                     title=f"学习{i}", campaign=campaign, theme=theme, participant_count=10, audience_count=10)
            for i in range(n)
        ])

    make(5)
    few = _archive_queries(carl, query)
    make(195)
    assert Activity.objects.count() == 200
    many = _archive_queries(carl, query)
    assert few == many


def test_it_keeps_typed_formulas_as_text_in_exports(carl, tree):
    ActivityFactory(committee=tree.county_a, title='=HYPERLINK("http://evil")')
    rows = list(csv.reader(io.StringIO(carl.get("/records/?export=csv").getvalue().decode("utf-8-sig"))))
    assert rows[1][4] == "'=HYPERLINK(\"http://evil\")"
    sheet = load_workbook(io.BytesIO(carl.get("/records/?export=xlsx").content)).active
    cell = sheet.cell(row=2, column=5)  # a string cell: shown as typed, no apostrophe, never a formula
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil")', "s")
