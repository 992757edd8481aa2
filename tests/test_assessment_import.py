"""Scores: typed on the page or imported from an XLSX sheet, all or nothing, every bad row reported."""
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from assessment.models import TestSitting
from assessment.selectors import round_figures, round_sittings
from assessment.services import round_create, round_scores_enter, round_scores_import
from assessment.sheets import write_score_sheet

from .factories import MemberFactory


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in the source language here; the pages' Chinese is checked in test_assessment_views."""
    with translation.override("en"):
        yield


@pytest.fixture
def test_round(tree):
    for _ in range(6):
        MemberFactory(committee=tree.county_a)
    return round_create(name="第一轮", held_on="2021-06-18", committee=tree.county_a, sample_size=5, seed="s")


def xlsx(rows, header=("member id", "name", "committee code", "score")):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("scores.xlsx", buffer.getvalue())


def rows_of(test_round, scores):
    sittings = list(round_sittings(test_round))
    return [(s.member_id, s.member.name, s.committee.code, score) for s, score in zip(sittings, scores)]


def stored_scores(test_round):
    return list(TestSitting.objects.filter(round=test_round).order_by("id").values_list("score", flat=True))


def test_it_imports_a_good_sheet(test_round):
    saved = round_scores_import(test_round=test_round, file=xlsx(rows_of(test_round, [90, 59.5, 60, 100, 0])))
    assert saved == 5
    assert round_figures(test_round) == {"person_tests": 5, "scored": 5, "passed": 3, "pass_rate": 60.0}


def test_it_reports_every_bad_row_and_imports_nothing(test_round):
    rows = rows_of(test_round, [90, 130, "abc", 80, -1])
    rows.append((rows[1][0], None, None, "NaN"))  # the same member as row 3, and not a mark either
    rows[3] = (rows[3][0], "别人", rows[3][2], 80)  # a shifted row: the name does not match the id
    rows.append((999999, "无名", "county-a", 70))  # not drawn
    rows.append((rows[0][0], rows[0][1], rows[0][2], 91))  # the same member again
    with pytest.raises(ValidationError) as error:
        round_scores_import(test_round=test_round, file=xlsx(rows))
    messages = error.value.messages
    assert messages == [
        "row 3: score 130 is above 100",
        "row 4: score “abc” is not a number",
        f"row 5: name “别人” does not match member {rows[3][0]} ({rows_of(test_round, [0] * 5)[3][1]})",
        "row 6: score -1 is below 0",
        f"row 7: member {rows[1][0]} is already on row 3",
        "row 8: member 999999 was not drawn in this round",
        f"row 9: member {rows[0][0]} is already on row 2",
    ]
    assert stored_scores(test_round) == [None] * 5  # row 2 was fine, and still nothing was saved


def test_it_leaves_earlier_scores_alone_when_a_sheet_fails(test_round):
    round_scores_import(test_round=test_round, file=xlsx(rows_of(test_round, [50] * 5)))
    with pytest.raises(ValidationError):
        round_scores_import(test_round=test_round, file=xlsx(rows_of(test_round, [90, 90, 90, 90, 101])))
    assert stored_scores(test_round) == [Decimal("50.0")] * 5


def test_it_reads_chinese_headers_and_skips_blank_rows_and_scores(test_round):
    rows = rows_of(test_round, [88, None, 77, 66, 55])
    rows.insert(2, (None, None, None, None))
    file = xlsx(rows, header=("成员编号", "姓名", "单位代码", "成绩"))
    assert round_scores_import(test_round=test_round, file=file) == 4
    assert stored_scores(test_round).count(None) == 1


def test_it_rejects_a_file_that_is_not_a_workbook(test_round):
    with pytest.raises(ValidationError) as error:
        round_scores_import(test_round=test_round, file=SimpleUploadedFile("x.xlsx", b"not a zip"))
    assert "XLSX" in error.value.messages[0]


def test_it_rejects_a_sheet_without_the_needed_columns(test_round):
    with pytest.raises(ValidationError) as error:
        round_scores_import(test_round=test_round, file=xlsx([(1, 2)], header=("foo", "bar")))
    assert "score column" in error.value.messages[0]


def test_it_round_trips_the_rounds_own_sheet(test_round):
    round_scores_enter(test_round=test_round, scores={s.id: Decimal("75") for s in test_round.sittings.all()[:2]})
    content = write_score_sheet(test_round, round_sittings(test_round))
    sheet = load_workbook(io.BytesIO(content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 6 and [v[4] for v in values[1:]].count(75) == 2
    # Fill the blanks and import the same file back.
    workbook = load_workbook(io.BytesIO(content))
    for row in workbook.active.iter_rows(min_row=2):
        row[4].value = row[4].value or 61
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert round_scores_import(test_round=test_round, file=SimpleUploadedFile("s.xlsx", buffer.getvalue())) == 5
    assert round_figures(test_round)["passed"] == 5


def test_it_enters_typed_scores_all_or_nothing(test_round):
    sittings = list(test_round.sittings.order_by("id"))
    with pytest.raises(ValidationError) as error:
        round_scores_enter(test_round=test_round, scores={sittings[0].id: Decimal("80"), sittings[1].id: Decimal("101")})
    assert error.value.message_dict == {sittings[1].id: ["score 101 is above 100"]}
    assert stored_scores(test_round) == [None] * 5
    round_scores_enter(test_round=test_round, scores={sittings[0].id: Decimal("80"), sittings[1].id: Decimal("59.5")})
    assert round_figures(test_round) == {"person_tests": 5, "scored": 2, "passed": 1, "pass_rate": 50.0}


def test_it_refuses_marks_that_are_not_finite_numbers(test_round):
    rows = rows_of(test_round, ["NaN", "inf", 70, 70, 70])
    with pytest.raises(ValidationError) as error:
        round_scores_import(test_round=test_round, file=xlsx(rows))
    assert error.value.messages == ["row 2: score “NaN” is not a number", "row 3: score “inf” is not a number"]
    assert stored_scores(test_round) == [None] * 5
