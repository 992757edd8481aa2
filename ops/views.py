from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health


@never_cache
@require_GET
def health_view(request):
    """/health/ for load balancers and monitoring: 200 when every check passes, 503 otherwise. No login needed;
    it shows states and ages only (no names, hosts or figures)."""
    healthy, report = health()
    return JsonResponse(report, status=200 if healthy else 503)
