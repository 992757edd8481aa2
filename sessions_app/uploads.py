"""Evidence uploads: the real type is read from the content, never trusted from the name or the browser."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

# What the file input offers; the server still checks every file's content.
ACCEPT = "image/*,application/pdf"
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
PDF_TYPE = "application/pdf"


def checked_content_type(upload):
    """The content type of an uploaded photo or PDF, or a ValidationError naming the file."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s). Each file may be at most %(limit)s."),
            code="too_large",
            params={"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    kind = _sniff(upload)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not a photo (JPEG, PNG, WebP, GIF) or a PDF."),
            code="wrong_type",
            params={"name": upload.name},
        )
    return kind


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
