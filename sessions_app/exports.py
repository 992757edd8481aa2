"""CSV and XLSX of exactly the rows the archive's filter shows (all pages), read with one query."""
from django.utils import timezone
from django.utils.translation import gettext

from studygroup import spreadsheets

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
            getters.append(lambda r, n=name: getattr(r, n).name if getattr(r, n) else "")
        else:
            getters.append(lambda r, n=name: "" if getattr(r, n) is None else getattr(r, n))
    return getters


def rows(queryset):
    getters = _getters()  # now, while the request's language is active (the CSV streams later)
    return ([get(record) for get in getters] for record in queryset.iterator(chunk_size=2000))


def _filename(ext):
    return f"study-records-{timezone.localdate():%Y%m%d}.{ext}"


# Built while the request's language is active, so headers and choice labels are translated.
def csv_response(queryset):
    return spreadsheets.csv_response(_filename("csv"), headers(), rows(queryset))


def xlsx_response(queryset):
    return spreadsheets.xlsx_response(_filename("xlsx"), gettext("Study records"), headers(), rows(queryset))


def correction_csv_response(table):
    """The corrections list as CSV: exactly its columns and rows (all pages), from the table itself."""
    header, lines = _table_lines(table)
    return spreadsheets.csv_response(f"corrections-{timezone.localdate():%Y%m%d}.csv", header, lines)


def correction_xlsx_response(table):
    header, lines = _table_lines(table)
    return spreadsheets.xlsx_response(
        f"corrections-{timezone.localdate():%Y%m%d}.xlsx", gettext("Corrections"), header, lines
    )


def _table_lines(table):
    values = table.as_values()  # the header, then one list per row, from the columns' value_* texts
    header = [str(cell) for cell in next(values)]
    return header, list(values)  # read now, while the request's language is active
