from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

from ..attachments import stored_file_response
from ..selectors import article_for_download, attachment_for_download


@require_safe
@login_required
def attachment_download(request, pk):
    return stored_file_response(request, attachment_for_download(request.user, pk))


@require_safe
@login_required
def article_file(request, pk):
    """A reflection article's file, for those who may see its record."""
    article = article_for_download(request.user, pk)
    return stored_file_response(request, article, name=article.original_name or "article")
