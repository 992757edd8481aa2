from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("recompute/", views.recompute, name="recompute"),
    path("drill/<str:metric>/", views.drilldown, name="drilldown"),  # keys may hold dots (campaign.<code>.…)
    path("bulletin/", views.bulletin, name="bulletin"),
    path("bulletin/publish/", views.publish, name="bulletin_publish"),
    path("bulletin/outline/<slug:code>/<int:year>/", views.outline_edit, name="outline"),
    path("bulletin/outline/<slug:code>/<int:year>/copy/", views.outline_copy, name="outline_copy"),
]
