"""One list idiom (studygroup/lists.py): every list's CSV and XLSX hold exactly the rows the page shows with the
same filter, in the same order, with the same columns; user-typed cells are formula-safe; out of scope is 404."""
import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment.services import assessment_compute, practical_task_create, round_create
from reports.rollup import rollup_months

from .factories import MemberFactory
from .supervision_factories import make_auditor, make_filing, make_session, make_visit

YEAR = 2021
FORMULA = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def world(tree, people):
    for committee in (tree.city, tree.county_a, tree.county_b):
        for _ in range(4):
            MemberFactory(committee=committee)
    make_filing(tree.county_a, planned_on=datetime.date(YEAR, 3, 1), topic=FORMULA)
    make_filing(tree.county_a, planned_on=datetime.date(YEAR, 4, 1), topic="甲县四月报备")
    make_filing(tree.county_b, planned_on=datetime.date(YEAR, 5, 1), topic="乙县报备")
    auditor = make_auditor(people.auditor, home=tree.city, may_visit=[tree.city])
    make_visit(auditor, tree.county_a, visited_on=datetime.date(YEAR, 3, 10), rectifications=2,
               due_on=datetime.date(YEAR, 4, 10))
    make_visit(auditor, tree.county_b, visited_on=datetime.date(YEAR, 6, 10), rectifications=1,
               due_on=datetime.date(YEAR, 7, 10))
    practical_task_create(committee=tree.county_a, title=FORMULA, due_on=datetime.date(YEAR, 9, 1))
    practical_task_create(committee=tree.county_a, title="甲县修路", due_on=datetime.date(YEAR, 8, 1), status="done",
                          completed_on=datetime.date(YEAR, 7, 20))
    practical_task_create(committee=tree.county_b, title="乙县便民", due_on=datetime.date(YEAR, 10, 1))
    round_create(name="全市第一轮", held_on="2021-06-18", committee=tree.city, sample_size=6, seed="c")
    a_round = round_create(name="甲县抽考", held_on="2021-07-01", committee=tree.county_a, sample_size=3, seed="a")
    make_session(tree.county_a, held_on=datetime.date(YEAR, 3, 5), present=3, absent=1)
    make_session(tree.county_b, held_on=datetime.date(YEAR, 3, 6), present=2, absent=0)
    rollup_months([datetime.date(YEAR, m, 1) for m in range(1, 13)])
    assessment_compute(year=YEAR, as_of=datetime.date(YEAR, 12, 31))
    return {"a_round": a_round}


def exported(client, url, params, fmt, *, by_param=True):
    response = client.get(url, {**params, "export": fmt} if by_param else params)
    assert response.status_code == 200, response.status_code
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def shown(client, url, params):
    """The page's table as the person sees it: the header cells and, per row, the text of each cell."""
    response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    table = re.search(r"<table[^>]*>(.*?)</table>", html.split('class="table-container')[1], re.S).group(1)
    header = [_text(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", table, re.S).group(1)
    rows = [[_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
    return header, rows, response.context["table"]


def _text(html):
    html = re.sub(r'<div class="small text-secondary d-md-none">.*?</div>', "", html, flags=re.S)  # phone-only
    html = re.sub(r"<a [^>]*btn[^>]*>.*?</a>", "", html, flags=re.S)  # an action button beside a value
    html = re.sub(r" · <a[^>]*>.*?</a>", "", html, flags=re.S)  # an "Edit" link beside a title
    from html import unescape

    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def _plain(cell):
    return cell[1:] if cell.startswith("'=") else cell  # a formula-safe cell shows its text without the quote


LISTS = [
    # (url name, args, user, filter that narrows the rows)
    ("supervision:filings", [], "leader_city", {"committee": "county_a"}),
    ("supervision:visits", [], "leader_city", {"committee": "county_a"}),
    ("supervision:rectifications", [], "leader_city", {"committee": "county_a"}),
    ("assessment:tasks", [], "leader_city", {"committee": "county-a"}),
    ("assessment:rounds", [], "leader_city", {"committee": "county-a"}),
    ("assessment:ranking", [YEAR], "leader_city", {"kind": "county"}),
    ("sessions_app:attendance", [], "leader_city", {"status": "present"}),
]


def _params(tree, params):
    # ModelChoice filters take the committee's id; the code filters take its code.
    return {k: (getattr(tree, v).pk if k == "committee" and hasattr(tree, v) else v) for k, v in params.items()}


@pytest.mark.parametrize("name,args,user,params", LISTS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_holds_exactly_the_rows_shown(client, tree, people, world, name, args, user, params, fmt):
    client.force_login(getattr(people, user))
    url = reverse(name, args=args)
    query = _params(tree, params)
    header, rows, table = shown(client, url, query)
    assert rows and table.paginator.count == len(rows)  # one page: every row is on it
    lines = exported(client, url, query, fmt)
    assert lines[0] == header
    assert [[_plain(str(cell)) for cell in line] for line in lines[1:]] == rows
    everything = exported(client, url, {}, fmt)
    assert len(everything) > len(lines)  # the filter narrowed the export as it narrowed the page


def test_a_rounds_scores_export_is_its_table(client, tree, people, world):
    client.force_login(people.leader_a)
    url = reverse("assessment:round_detail", args=[world["a_round"].pk])
    header, rows, _table = shown(client, url, {})
    lines = exported(client, url, {}, "csv")
    assert lines[0] == header and lines[1:] == rows and len(rows) == 3
    client.force_login(people.leader_b)
    assert client.get(url, {"export": "csv"}).status_code == 404


def test_the_export_follows_the_sort_of_the_page(client, tree, people, world):
    client.force_login(people.leader_city)
    url = reverse("supervision:filings")
    for sort in ("planned_on", "-planned_on", "topic"):
        _header, rows, _table = shown(client, url, {"sort": sort})
        assert [_plain(c) for line in exported(client, url, {"sort": sort}, "csv")[1:] for c in line] == [
            c for row in rows for c in row]


def test_user_typed_cells_are_formula_safe(client, people, world):
    """CSV: a protective apostrophe; XLSX: a string cell (never a formula), as studygroup/spreadsheets.py writes."""
    client.force_login(people.leader_a)
    for url in (reverse("supervision:filings"), reverse("assessment:tasks")):
        cells = [cell for line in exported(client, url, {}, "csv") for cell in line]
        assert "'" + FORMULA in cells and FORMULA not in cells, url
        response = client.get(url, {"export": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        typed = [(cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row if cell.value == FORMULA]
        assert typed == [(FORMULA, "s")], url


def test_a_rows_link_carries_its_phone_line_and_its_export_is_the_text_alone(client, tree, people, world):
    """studygroup/lists.py's LinkColumn: the cell links to the row's page, a phone-only line says what the hidden
    columns say (the committee, the owner), and the CSV holds the text of the link alone."""
    from supervision.models import Filing, Rectification

    client.force_login(people.leader_city)
    filing = Filing.objects.get(topic="甲县四月报备")
    html = client.get(reverse("supervision:filings")).content.decode()
    assert (f'<a href="{reverse("supervision:filing", args=[filing.pk])}">甲县四月报备</a>'
            f'<div class="small text-secondary d-md-none">{tree.county_a.name}</div>') in html
    item = Rectification.objects.filter(committee=tree.county_a).first()
    html = client.get(reverse("supervision:rectifications")).content.decode()
    assert f'<div class="small text-secondary d-md-none">{tree.county_a.name} · {item.owner}</div>' in html
    lines = exported(client, reverse("supervision:filings"), {"committee": tree.county_a.pk}, "csv")
    cells = [cell for line in lines[1:] for cell in line]
    assert "甲县四月报备" in cells and not any("<" in cell for cell in cells)


@pytest.mark.parametrize("name,args,params", [
    ("supervision:filings", [], {"committee": "county_b"}),
    ("supervision:rectifications", [], {"committee": "county_b"}),
    ("supervision:visits", [], {"committee": "county_b"}),
    ("assessment:tasks", [], {"committee": "county-b"}),
    ("assessment:rounds", [], {"committee": "county-b"}),
    ("sessions_app:attendance", [], {"committee": "county_b"}),
])
def test_a_committee_out_of_scope_is_not_found(client, tree, people, world, name, args, params):
    client.force_login(people.leader_a)
    url = reverse(name, args=args)
    query = _params(tree, params)
    assert client.get(url, query).status_code == 404
    assert client.get(url, {**query, "export": "csv"}).status_code == 404


def test_an_export_holds_nothing_out_of_scope(client, people, world):
    client.force_login(people.leader_a)
    for name, args in (("supervision:filings", []), ("assessment:tasks", []), ("assessment:ranking", [YEAR]),
                       ("sessions_app:attendance", [])):
        text = "\n".join(",".join(line) for line in exported(client, reverse(name, args=args), {}, "csv"))
        assert "乙县" not in text, name


def test_no_role_means_no_list_and_no_export(client, people, world):
    client.force_login(people.outsider)
    for url in (reverse("sessions_app:attendance"), reverse("reports:breakdown_export", args=["csv"])):
        assert client.get(url, {"export": "csv"}).status_code == 404


# ------------------------------------------------------------------ the dashboard's breakdown


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_breakdown_export_is_the_dashboards_breakdown(client, tree, people, world, fmt):
    client.force_login(people.leader_city)
    query = {"committee": "city", "month": f"{YEAR}-03", "metric": "group_sessions"}
    page = client.get(reverse("reports:dashboard"), query).context["page"]
    lines = exported(client, reverse("reports:breakdown_export", args=[fmt]), query, fmt, by_param=False)
    assert len(lines[0]) == 5
    expected = [[str(rank), row.committee.name, row.committee.code, str(row.value), str(row.ytd)]
                for rank, row in enumerate(page.breakdown, start=1)]
    assert [line[:5] for line in lines[1:]] == expected and len(expected) == 2


def test_the_breakdown_export_is_scoped_like_the_dashboard(client, people, world):
    client.force_login(people.leader_a)
    url = reverse("reports:breakdown_export", args=["csv"])
    assert client.get(url, {"committee": "county-b"}).status_code == 404
    assert client.get(reverse("reports:breakdown_export", args=["pdf"])).status_code == 404
