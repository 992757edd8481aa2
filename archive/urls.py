from django.urls import path

from . import views

app_name = "archive"
urlpatterns = [
    path("", views.volumes, name="volumes"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/download/", views.download, name="download"),
]
