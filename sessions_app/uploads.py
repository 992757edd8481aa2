"""Evidence uploads: the real type is read from the content, never trusted from the name or the browser."""
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


def _check_size(upload):
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
