"""CSV and XLSX of exactly the rows the archive's filter shows (all pages), read with one query."""
import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook

from .models import Activity

# (header source, value from the row). Headers use the model's verbose names so they translate with it.
FIELDS = [
    "held_on", "ends_on", "committee", "kind", "title", "materials", "campaign", "theme", "led_by", "period_count",
    "day_count", "participant_count", "meeting_name", "opened_with_study", "speaker", "inviting_body",
    "delivery_mode", "lecturer_level", "place_kind", "audience_count", "site", "author", "article_count", "notes",
    "is_late", "created_at",
]
CHOICE_FIELDS = {"kind", "delivery_mode", "lecturer_level", "place_kind"}
BOOL_FIELDS = {"opened_with_study", "is_late"}


def headers():
    meta = Activity._meta
    return [str(meta.get_field(name).verbose_name) for name in FIELDS]


def _getters():
    """One function per column, built once per export: choice labels are looked up in a ready dict,
    because Model.get_FOO_display() rebuilds its choices dict on every call (slow over 10,000 rows)."""
    yes, no = gettext("Yes"), gettext("No")
    getters = []
    for name in FIELDS:
        if name in CHOICE_FIELDS:
            labels = {value: str(label) for value, label in Activity._meta.get_field(name).flatchoices}
            getters.append(lambda r, n=name, labels=labels: labels.get(getattr(r, n), getattr(r, n)))
        elif name in BOOL_FIELDS:
            getters.append(lambda r, n=name: yes if getattr(r, n) else no)
        elif name == "created_at":
            getters.append(lambda r: timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"))
        elif name in ("committee", "campaign", "theme"):
            getters.append(lambda r, n=name: _text(getattr(r, n).name) if getattr(r, n) else "")
        else:
            getters.append(lambda r, n=name: "" if getattr(r, n) is None else _text(getattr(r, n)))
    return getters


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value):
    """Typed text that a spreadsheet would run as a formula (=HYPERLINK(…)) is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows(queryset):
    getters = _getters()
    for record in queryset.iterator(chunk_size=2000):
        yield [get(record) for get in getters]


def _filename(ext):
    return f"study-records-{timezone.localdate():%Y%m%d}.{ext}"


def csv_response(queryset):
    # Built while the request's language is active, so headers and choice labels are translated.
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so that Excel opens UTF-8 Chinese text correctly
    writer = csv.writer(buffer)
    writer.writerow(headers())
    writer.writerows(rows(queryset))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(queryset):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Study records"))
    sheet.append(headers())
    for row in rows(queryset):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
