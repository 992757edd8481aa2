from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import tokens, views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("members", views.MemberViewSet, basename="member")
router.register("records", views.RecordViewSet, basename="record")
router.register("filings", views.FilingViewSet, basename="filing")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("rectifications", views.RectificationViewSet, basename="rectification")
router.register("tasks", views.TaskViewSet, basename="task")

urlpatterns = [
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from the sidecar package; its start-up script is a separate file (no inline script).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
         name="docs"),
    path("token/", tokens.token_rotate, name="token"),
    path("", include(router.urls)),
    re_path(r"", views.not_found),  # anything else under /api/v1/: a JSON 404, not the portal's page
]
