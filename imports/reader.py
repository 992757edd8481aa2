"""Rows of an uploaded spreadsheet (XLSX or CSV), streamed: openpyxl's read-only mode and the csv module read one
row at a time, so a file of 10,000 rows never sits in memory as objects.

A file that is not a spreadsheet, is empty or is too big raises FileProblem with a message for the person."""
import csv
import datetime
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
HEAD_BYTES = 4096  # what the format is judged by
ENCODINGS = ("utf-8-sig", "gb18030")


class FileProblem(Exception):
    pass


def max_bytes():
    return settings.IMPORT_MAX_BYTES


def check_size(size):
    if size > max_bytes():
        raise FileProblem(_("The file is larger than %(limit)s MB; split it into smaller files.") % {
            "limit": round(max_bytes() / 1024 / 1024, 1)})
    if size == 0:
        raise FileProblem(_("The file is empty."))


def file_format(head):
    """'xlsx' or 'csv' from the file's first bytes (never from its name)."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise FileProblem(_("Old Excel files (.xls) are not read: save the file as .xlsx or CSV and upload it again."))
    if b"\x00" in head or not _reads_as_text(head):
        raise FileProblem(_("This file is not a spreadsheet: upload an Excel (.xlsx) or CSV file."))
    return "csv"


def _reads_as_text(head):
    """Whether the first bytes decode as text (a multi-byte character cut at the end is allowed)."""
    for encoding in ENCODINGS:
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 4:
                return True
    return False


def cell_text(value):
    """A cell as text: dates as YYYY-MM-DD, whole numbers without '.0', text stripped."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    with open(path, "rb") as handle:  # a file object: openpyxl would judge a path by its extension
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            raise FileProblem(_("This file is not a spreadsheet: upload an Excel (.xlsx) or CSV file.")) from None
        try:
            for row in book.worksheets[0].iter_rows(values_only=True):
                yield [cell_text(value) for value in row]
        finally:
            book.close()


def _csv_rows(path):
    for encoding in ENCODINGS:
        try:
            with open(path, encoding=encoding, newline="") as handle:
                for _chunk in iter(lambda: handle.read(1 << 20), ""):
                    pass  # the whole file decodes, or the next encoding is tried
        except UnicodeDecodeError:
            continue
        with open(path, encoding=encoding, newline="") as handle:
            try:
                for row in csv.reader(handle):
                    yield [cell.strip() for cell in row]
            except csv.Error:
                raise FileProblem(_("This file is not a spreadsheet: upload an Excel (.xlsx) or CSV file.")) from None
        return
    raise FileProblem(_("This file is not a spreadsheet: upload an Excel (.xlsx) or CSV file."))


def rows(path):
    """(row number as the spreadsheet shows it, [cell text, …]) for every non-blank row; the header is row 1."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    reader = _xlsx_rows(path) if file_format(head) == "xlsx" else _csv_rows(path)
    for number, cells in enumerate(reader, start=1):
        if any(cells):
            yield number, cells
