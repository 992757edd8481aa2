"""A stored file kept as evidence (a record's attachment, a rectification item's evidence file): one abstract
model and one download, so that the two keep their files alike.

- Nothing of the uploaded name reaches the disk: the stored name is `<upload_folder>/YYYY/MM/<uuid>` with the
  extension of the type read from the content (uploads.checked_content_type). The uploaded name, made safe with
  its extension kept (uploads.safe_name), is kept for display and for the download's file name.
- Sizes and types are checked at the form's field (sessions_app/forms.MultipleFileField, uploads.py) before a
  row is made; the row keeps the checked type and the size.
- A file is served only through a view that has scoped its row to the user (404 otherwise): photos and PDFs
  inline unless `?download`, anything else as an attachment, never kept by a shared cache.
"""
import uuid

from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .uploads import DOCX_TYPE, IMAGE_TYPES, MAX_NAME, PDF_TYPE

# What a browser shows in the page (a photo, a PDF); any other type is always downloaded.
INLINE_TYPES = {*IMAGE_TYPES.values(), PDF_TYPE}
EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif", PDF_TYPE: ".pdf",
    DOCX_TYPE: ".docx",
}


def stored_file_path(instance, filename):
    """A stored name of our own: the model's folder, the month, a random name and the checked type's extension."""
    extension = EXTENSIONS.get(instance.content_type, ".bin")
    return f"{instance.upload_folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class StoredFile(models.Model):
    """The fields of a stored file; a concrete model adds what the file belongs to and its `upload_folder`."""

    upload_folder = None  # the folder of MEDIA_ROOT the model's files go to

    file = models.FileField(_("file"), upload_to=stored_file_path)
    original_name = models.CharField(_("file name"), max_length=MAX_NAME)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @classmethod
    def from_upload(cls, upload, content_type, *, uploaded_by, **owner):
        """A row for a checked upload ((upload, content type) as MultipleFileField gives them), not yet saved."""
        return cls(file=upload, original_name=upload.name[:MAX_NAME], content_type=content_type, size=upload.size,
                   uploaded_by=uploaded_by, **owner)


def stored_file_response(request, stored, *, name=None):
    """The download of a stored file whose row the caller has already scoped to the user (a StoredFile, or a row
    with the same `file`, `original_name` and `content_type`; `name` when it has none). A file missing from the
    disk is 404, like a row out of scope."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(
        handle, content_type=stored.content_type, filename=name or stored.original_name,
        as_attachment=stored.content_type not in INLINE_TYPES or "download" in request.GET,
    )
    # Evidence is never kept by a shared proxy (CacheControlMiddleware makes a signed-in user's download no-store).
    response["Cache-Control"] = "private, max-age=3600"
    return response
