"""Downloads: the drill-down rows as CSV/XLSX, the bulletin as DOCX/XLSX.

The drill-down export writes exactly the rows the page lists (the same queryset), streamed with
`.iterator()` so a large figure does not load every row at once.
"""
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from studygroup import spreadsheets

from . import metrics as registry
from . import selectors

FORMATS = ("csv", "xlsx", "docx")
XLSX_TYPE = spreadsheets.XLSX_TYPE
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _filename(*parts, ext):
    return "-".join(str(p) for p in parts if p) + f".{ext}"


def _attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- drill-down rows


def drill_header(metric):
    header = [_("Date"), _("Committee code"), _("Committee"), _("Record")]
    if metric.aggregate == registry.SUM:
        header.append(str(metric.label))
    return header


def drill_lines(metric, rows):
    for obj in rows.iterator(chunk_size=2000):
        row = selectors.drill_row(obj, metric)
        line = [
            row.date.isoformat() if row.date else "",
            getattr(row.committee, "code", ""), str(row.committee or ""), str(row.text),
        ]
        if metric.aggregate == registry.SUM:
            line.append(row.value or 0)
        yield line


def drill_response(export, *, metric, committee, month, period, rows):
    filename = _filename(metric.key, committee.code, f"{month:%Y-%m}", period, ext=export)
    if export == "csv":
        return spreadsheets.csv_response(filename, drill_header(metric), drill_lines(metric, rows))
    if export == "xlsx":
        return spreadsheets.xlsx_response(filename, metric.key, drill_header(metric), drill_lines(metric, rows))
    return HttpResponse(status=400)


# ---------------------------------------------------------------- the bulletin


def bulletin_table_lines(document):
    for row in document.table:
        yield [row.tally or "", row.label, row.unit, row.value, row.ytd]


def bulletin_header():
    return [_("Tally"), _("Figure"), _("Unit"), _("Month"), _("Year to date")]


def bulletin_note(document):
    """The line that says a download is the published version, or None for the current text."""
    published = document.published
    if published is None:
        return None
    return _("Published on %(when)s by %(who)s (version %(version)s).") % {
        "when": timezone.localtime(published.published_at).strftime("%Y-%m-%d %H:%M"),
        "who": published.publisher_name, "version": published.version,
    }


def bulletin_xlsx(document):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Bulletin")[:31]
    # The text is written by the outline's owner: made safe like any cell (no formula from a leading "=").
    sheet.append([spreadsheets.safe_cell(document.title)])
    if bulletin_note(document):
        sheet.append([bulletin_note(document)])
    for paragraph in document.paragraphs:
        sheet.append([spreadsheets.safe_cell(paragraph)])
    sheet.append([])
    sheet.append(bulletin_header())
    for line in bulletin_table_lines(document):
        sheet.append([spreadsheets.safe_cell(cell) for cell in line])
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bulletin_docx(document):
    from docx import Document

    doc = Document()
    doc.add_heading(document.title, level=1)
    if bulletin_note(document):
        doc.add_paragraph().add_run(bulletin_note(document)).italic = True
    for paragraph in document.paragraphs:
        doc.add_paragraph(paragraph)
    header = bulletin_header()
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = str(text)
    for line in bulletin_table_lines(document):
        for cell, value in zip(table.add_row().cells, line):
            cell.text = str(value)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def bulletin_response(export, document):
    filename = _filename("bulletin", document.committee.code, f"{document.month:%Y-%m}", ext=export)
    if export == "docx":
        return _attachment(HttpResponse(bulletin_docx(document), content_type=DOCX_TYPE), filename)
    return _attachment(HttpResponse(bulletin_xlsx(document), content_type=XLSX_TYPE), filename)
