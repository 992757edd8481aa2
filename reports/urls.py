from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("recompute/", views.recompute, name="recompute"),
    path("drill/<slug:metric>/", views.drilldown, name="drilldown"),
    path("bulletin/", views.bulletin, name="bulletin"),
]
