"""Downloads: the drill-down rows as CSV/XLSX, the bulletin as DOCX/XLSX.

The drill-down export writes exactly the rows the page lists (the same queryset), streamed with
`.iterator()` so a large figure does not load every row at once.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from studygroup import spreadsheets

from . import drill, page_cache
from . import metrics as registry

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
        row = drill.drill_row(obj, metric)
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


def bulletin_note(document):
    """The line that says a download is the published version, or None for the current text."""
    from .bulletin_document import published_note

    return published_note(document)


def bulletin_xlsx(document):
    from .bulletin_document import bulletin_xlsx as write

    return write(document)


def bulletin_docx(document):
    from .bulletin_document import bulletin_docx as write

    return write(document)


def bulletin_file_parts(document):
    """Everything a bulletin file is made of: the files are cached on it (reports/page_cache.py), so a file is
    written once per text, figures, publication, issuer and day (the date of an unpublished document is today's)."""
    committee, published = document.committee, document.published
    return (
        committee.pk, committee.code, committee.name, committee.kind, f"{document.month:%Y-%m}", document.title,
        tuple(document.paragraphs), tuple((r.key, r.label, r.unit, r.value, r.ytd) for r in document.table),
        None if published is None else (published.pk, published.version, published.published_at.isoformat(),
                                        str(published.publisher_name)),
        timezone.localdate().isoformat(), getattr(settings, "BULLETIN_ISSUER", ""),
    )


def bulletin_response(export, document):
    filename = _filename("bulletin", document.committee.code, f"{document.month:%Y-%m}", ext=export)
    write, content_type = (bulletin_docx, DOCX_TYPE) if export == "docx" else (bulletin_xlsx, XLSX_TYPE)
    body = page_cache.cached(f"bulletin-{export}", "content", bulletin_file_parts(document), lambda: write(document))
    return _attachment(HttpResponse(body, content_type=content_type), filename)
