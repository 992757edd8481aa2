"""The template workbook of each kind: the data sheet with the Chinese headers (row 1), a sheet with an
example row, and a sheet with the words a choice column accepts."""
import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

from committees.models import CommitteeKind
from sessions_app.models import ActivityKind, DeliveryMode, LecturerLevel, PlaceKind

ALLOWED = {
    "records": [("类型", ActivityKind), ("线上线下", DeliveryMode), ("宣讲人级别", LecturerLevel),
                ("场所类型", PlaceKind)],
    "committees": [("类型", CommitteeKind)],
}


def template_bytes(kind):
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append(kind.headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for position, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=position).column_letter].width = max(12, len(column.header) * 2 + 2)
    example = book.create_sheet("示例")
    example.append(kind.headers())
    example.append([column.example for column in kind.columns])
    allowed = ALLOWED.get(kind.code)
    if allowed:
        words = book.create_sheet("可选值")
        with translation.override("zh-hans"):
            for position, (header, choices) in enumerate(allowed, start=1):
                words.cell(row=1, column=position, value=header).font = Font(bold=True)
                for row, label in enumerate(choices.labels, start=2):
                    words.cell(row=row, column=position, value=str(label))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
