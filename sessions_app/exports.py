"""CSV and XLSX of exactly the rows the archive's filter shows (all pages), streamed from one query."""
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


def _value(record, name):
    if name in CHOICE_FIELDS:
        return str(getattr(record, f"get_{name}_display")())
    value = getattr(record, name)
    if name in BOOL_FIELDS:
        return gettext("Yes") if value else gettext("No")
    if name == "created_at":
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if name in ("committee", "campaign", "theme"):
        return value.name if value else ""
    return "" if value is None else value


def rows(queryset):
    for record in queryset.iterator(chunk_size=2000):
        yield [_value(record, name) for name in FIELDS]


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
