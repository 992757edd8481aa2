"""Downloads as CSV and XLSX, shared by every export (archive, drill-down, bulletin).

Cells typed by users are written so that a spreadsheet shows them as text: a leading =, +, -, @ would make
it a formula (CSV injection), and control characters make openpyxl refuse the file. In CSV a protective
apostrophe goes in front; in XLSX the cell is typed as a string instead (no apostrophe to see).
"""
import csv
import io
import re

from django.http import HttpResponse, StreamingHttpResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(value):
    """Any value as text a spreadsheet shows as text."""
    text = CONTROL_CHARS.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_cell(value):
    """Text made safe; numbers, dates and empty cells kept as they are (so XLSX keeps them typed)."""
    return safe_text(value) if isinstance(value, str) else value


def xlsx_line(sheet, line):
    """A row for `sheet.append`: text as string-typed cells (never a formula), other values as they are."""
    from openpyxl.cell import Cell

    cells = []
    for value in line:
        if isinstance(value, str):
            cell = Cell(sheet, row=1, column=1, value=CONTROL_CHARS.sub("", value))  # append places it
            cell.data_type = "s"  # openpyxl would make "=…" a formula
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Echo:
    def write(self, value):
        return value


def _csv_lines(header, lines):
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so that Excel opens the Chinese text as UTF-8
    yield writer.writerow(header)
    for line in lines:
        yield writer.writerow([safe_cell(cell) for cell in line])


def csv_response(filename, header, lines):
    """Streamed, so a large export never holds every row at once."""
    response = StreamingHttpResponse(_csv_lines(header, lines), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def xlsx_bytes(title, header, lines):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Sheet")
    sheet.append(xlsx_line(sheet, header))
    for line in lines:
        sheet.append(xlsx_line(sheet, line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(filename, title, header, lines):
    return _attachment(HttpResponse(xlsx_bytes(title, header, lines), content_type=XLSX_TYPE), filename)
