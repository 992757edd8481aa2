"""Evidence uploads: the real type is read from the content, never trusted from the name or the browser.

Limits (settings, README): ATTACHMENT_MAX_BYTES per file, ATTACHMENT_MAX_FILES_PER_RECORD and
ATTACHMENT_MAX_RECORD_BYTES per record (checked at the field, with the files the record keeps), and
UPLOAD_MAX_REQUEST_BYTES per request (studygroup/middleware.py). A file's name is kept for display, made safe
and at most MAX_NAME characters with its extension kept; an extension over MAX_EXTENSION characters is refused
at the field.
"""
import re
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

# What the file input offers; the server still checks every file's content.
ACCEPT = "image/*,application/pdf"
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A reflection article's file may also be a Word document.
ARTICLE_ACCEPT = ACCEPT + ",.docx," + DOCX_TYPE
MAX_NAME = 200  # Attachment.original_name, Article.original_name
MAX_EXTENSION = 10  # characters after the last dot (".jpeg", ".docx"); the stored path keeps it
UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def checked_content_type(upload):
    """The content type of an uploaded photo or PDF, or a ValidationError naming the file."""
    _check_size(upload)
    kind = _sniff(upload)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not a photo (JPEG, PNG, WebP, GIF) or a PDF."),
            code="wrong_type",
            params={"name": upload.name},
        )
    return kind


def checked_article_type(upload):
    """The content type of an article's file: a PDF, a Word document (DOCX) or a photo of the pages."""
    _check_size(upload)
    kind = _sniff(upload) or _sniff_docx(upload)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, a Word document (DOCX) or a photo (JPEG, PNG, WebP, GIF)."),
            code="wrong_type",
            params={"name": upload.name},
        )
    return kind


def safe_name(name):
    """The name as shown and stored: no path, no control or reserved characters, at most MAX_NAME characters
    with the extension kept. ValidationError when the extension itself is too long to keep."""
    name = unicodedata.normalize("NFC", name or "")
    name = UNSAFE_NAME_CHARS.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .") or "file"
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    if len(extension) > MAX_EXTENSION:
        raise ValidationError(
            _("“%(name)s”: the file name's extension is too long (at most %(max)s characters after the last dot). "
              "Rename the file, e.g. to photo.jpg, and choose it again."),
            code="extension_too_long",
            params={"name": name[:60] + "…" if len(name) > 60 else name, "max": MAX_EXTENSION},
        )
    if len(name) > MAX_NAME:
        name = stem[: MAX_NAME - len(extension) - 1].rstrip() + "." + extension if extension else name[:MAX_NAME]
    return name


def check_record_uploads(new_files, kept=None):
    """The limits per record: the files it keeps (a queryset of its attachments, or None) plus the new ones
    ([(upload, content type)]), in number and in bytes. A ValidationError for the attachments field."""
    from django.db.models import Count, Sum

    kept_count, kept_bytes = 0, 0
    if kept is not None:
        totals = kept.aggregate(n=Count("id"), size=Sum("size"))
        kept_count, kept_bytes = totals["n"] or 0, totals["size"] or 0
    count = kept_count + len(new_files)
    total = kept_bytes + sum(upload.size for upload, _type in new_files)
    if count > settings.ATTACHMENT_MAX_FILES_PER_RECORD:
        raise ValidationError(
            _("A record may have at most %(max)s files; with these it would have %(count)s. "
              "Choose fewer files or remove some it has."),
            code="too_many_files", params={"max": settings.ATTACHMENT_MAX_FILES_PER_RECORD, "count": count},
        )
    if total > settings.ATTACHMENT_MAX_RECORD_BYTES:
        raise ValidationError(
            _("A record's files may come to at most %(max)s in all; with these they would come to %(total)s. "
              "Choose fewer or smaller files."),
            code="record_too_large",
            params={"max": filesizeformat(settings.ATTACHMENT_MAX_RECORD_BYTES), "total": filesizeformat(total)},
        )


def _check_size(upload):
    upload.name = safe_name(upload.name)
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s). Each file may be at most %(limit)s."),
            code="too_large",
            params={"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )


def _sniff(upload):
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return PDF_TYPE
    try:
        with Image.open(upload) as image:
            fmt = image.format
            image.verify()  # reads the whole image structure: a renamed text file or a truncated photo fails here
    except Exception:  # Pillow raises many types (including DecompressionBombError) for "not an image we accept"
        return None
    finally:
        upload.seek(0)
    return IMAGE_TYPES.get(fmt)


def _sniff_docx(upload):
    """A DOCX is a ZIP holding word/document.xml; a renamed file or a broken archive is not one."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            ok = "word/document.xml" in names and "[Content_Types].xml" in names
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        ok = False
    finally:
        upload.seek(0)
    return DOCX_TYPE if ok else None
