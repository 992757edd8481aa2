"""Score sheets (XLSX): the blank sheet of a round to fill in, and reading a filled one back.

Columns are found by their header (English or Chinese), so a sheet may reorder or add columns:
member id (成员编号), name (姓名), committee code (单位代码), score (成绩). Member id and score are required;
name and committee code, when present, must match the member drawn, which catches shifted rows.
"""
import io
import zipfile
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from studygroup.spreadsheets import xlsx_line

from .models import TestSitting

MAX_SHEET_BYTES = 5 * 1024 * 1024
MAX_ERRORS = 50  # more than this and the sheet is simply the wrong one; the first ones say why

HEADERS = {
    "member_id": {"member id", "member_id", "memberid", "id", "成员编号", "编号", "人员编号"},
    "name": {"name", "姓名", "成员姓名"},
    "committee": {"committee code", "committee_code", "committee", "单位代码", "党委代码", "单位编码"},
    "score": {"score", "成绩", "分数", "得分"},
}
SHEET_COLUMNS = [("member_id", "成员编号 member id"), ("name", "姓名 name"), ("committee", "单位代码 committee code"),
                 ("committee_name", "单位 committee"), ("score", "成绩 score")]


def _header_map(cells):
    found = {}
    for index, cell in enumerate(cells):
        text = str(cell or "").strip().lower()
        for key, names in HEADERS.items():
            if text in names or text.split(" ", 1)[0] in names:
                found.setdefault(key, index)
    return found


def _open_rows(file):
    from openpyxl import load_workbook

    if getattr(file, "size", 0) > MAX_SHEET_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ValidationError(_("This file is not an XLSX workbook. Save the sheet as .xlsx and upload it again."))
    return workbook.worksheets[0].iter_rows(values_only=True)


def _as_member_id(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _as_score(value):
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None  # "NaN" and "inf" are not marks


def plain_number(number):
    """130.0 → 130, 92.50 → 92.5: how people write marks."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def check_score(test_round, score):
    """The message of what is wrong with a score for this round, or None."""
    if score is None:
        return None
    if score < 0:
        return _("score %(score)s is below 0") % {"score": plain_number(score)}
    if score > test_round.max_score:
        return _("score %(score)s is above %(max)s") % {
            "score": plain_number(score), "max": plain_number(test_round.max_score)}
    if score != score.quantize(Decimal("0.1")):
        return _("score %(score)s has more than one decimal place") % {"score": plain_number(score)}
    return None


def _blank(row):
    return all(cell is None or str(cell).strip() == "" for cell in row)


def read_score_sheet(test_round, file):
    """{sitting id: score} from the sheet, or ValidationError listing every bad row (nothing is applied)."""
    rows = _open_rows(file)
    header = next(rows, None)
    columns = _header_map(header or [])
    missing = [key for key in ("member_id", "score") if key not in columns]
    if missing:
        raise ValidationError(
            _("The first row must name the columns; a member id column and a score column are required.")
        )
    sittings = {
        s["member_id"]: s
        for s in TestSitting.objects.filter(round=test_round).values(
            "id", "member_id", "member__name", "committee__code"
        )
    }
    scores, errors, seen = {}, [], {}
    for number, row in enumerate(rows, start=2):
        if _blank(row):
            continue
        message = _check_row(test_round, row, columns, sittings, seen, number)
        if isinstance(message, str):
            errors.append(_("row %(row)s: %(message)s") % {"row": number, "message": message})
            if len(errors) >= MAX_ERRORS:
                break
        elif message is not None:
            sitting_id, score = message
            scores[sitting_id] = score
    if errors:
        raise ValidationError(errors)
    if not scores:
        raise ValidationError(_("The sheet has no scores to import."))
    return scores


def _cell(row, columns, key):
    index = columns.get(key)
    return row[index] if index is not None and index < len(row) else None


def _check_row(test_round, row, columns, sittings, seen, number):
    """(sitting id, score), None for a row without a score, or the message of what is wrong."""
    raw_id = _cell(row, columns, "member_id")
    member_id = _as_member_id(raw_id)
    if member_id is None:
        return _("member id “%(value)s” is not a number") % {"value": raw_id if raw_id is not None else ""}
    sitting = sittings.get(member_id)
    if sitting is None:
        return _("member %(id)s was not drawn in this round") % {"id": member_id}
    if member_id in seen:
        return _("member %(id)s is already on row %(row)s") % {"id": member_id, "row": seen[member_id]}
    seen[member_id] = number
    name = _cell(row, columns, "name")
    if name not in (None, "") and str(name).strip() != sitting["member__name"]:
        return _("name “%(name)s” does not match member %(id)s (%(expected)s)") % {
            "name": name, "id": member_id, "expected": sitting["member__name"]}
    code = _cell(row, columns, "committee")
    if code not in (None, "") and str(code).strip() != sitting["committee__code"]:
        return _("committee code “%(code)s” does not match member %(id)s (%(expected)s)") % {
            "code": code, "id": member_id, "expected": sitting["committee__code"]}
    raw_score = _cell(row, columns, "score")
    if raw_score is None or str(raw_score).strip() == "":
        return None  # not scored yet: left as it is
    score = _as_score(raw_score)
    if score is None:
        return _("score “%(value)s” is not a number") % {"value": raw_score}
    problem = check_score(test_round, score)
    return problem if problem else (sitting["id"], score)


def write_score_sheet(test_round, sittings):
    """The round's sheet: one row per member drawn, scores filled where already entered."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Scores")[:31])
    sheet.append([label for _key, label in SHEET_COLUMNS])
    for sitting in sittings:
        # Names are typed by people: string cells, so "=HYPERLINK(…)" stays text (studygroup/spreadsheets.py).
        sheet.append(xlsx_line(sheet, [
            sitting.member_id, sitting.member.name, sitting.committee.code, sitting.committee.name,
            float(sitting.score) if sitting.score is not None else None,
        ]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
