"""Response headers and request limits that every page shares."""
from django.conf import settings
from django.shortcuts import render

NO_STORE = "private, no-store"


def _is_download(response):
    return response.get("Content-Disposition", "").startswith("attachment") or getattr(
        response, "streaming", False
    ) or type(response).__name__ == "FileResponse"


class CacheControlMiddleware:
    """`Cache-Control: private, no-store` on every page of a logged-in user and on every download.

    A shared proxy or the browser's disk must not keep a leader's figures or a record's evidence after logout.
    Placed after AuthenticationMiddleware (it reads request.user); static files never reach it (WhiteNoise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or _is_download(response):
            response["Cache-Control"] = NO_STORE
            response.headers.pop("Expires", None)
        return response


class RequestSizeLimitMiddleware:
    """A request body larger than UPLOAD_MAX_REQUEST_BYTES is refused before it is read, with a page that says
    nothing was saved (413). Per file and per record limits are checked at the form's field instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.UPLOAD_MAX_REQUEST_BYTES
        if length > limit:
            from django.template.defaultfilters import filesizeformat

            response = render(request, "413.html", {"limit": filesizeformat(limit), "size": filesizeformat(length)},
                              status=413)
            response["Connection"] = "close"  # the unread body is not drained
            return response
        return self.get_response(request)
