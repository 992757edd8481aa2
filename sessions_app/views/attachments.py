from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from ..selectors import article_for_download, attachment_for_download

INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"}


@require_safe
@login_required
def attachment_download(request, pk):
    attachment = attachment_for_download(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(
        handle, content_type=attachment.content_type, filename=attachment.original_name,
        as_attachment=attachment.content_type not in INLINE_TYPES or "download" in request.GET,
    )
    response["Cache-Control"] = "private, max-age=3600"  # evidence is never cached by shared proxies
    return response


@require_safe
@login_required
def article_file(request, pk):
    """A reflection article's file, for those who may see its record."""
    article = article_for_download(request.user, pk)
    try:
        handle = article.file.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(
        handle, content_type=article.content_type, filename=article.original_name or "article",
        as_attachment=article.content_type not in INLINE_TYPES or "download" in request.GET,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
