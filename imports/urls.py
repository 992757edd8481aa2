from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.start, name="start"),
    path("template/<slug:kind>.xlsx", views.template, name="template"),
    path("<str:token>/", views.preview, name="preview"),
    path("<str:token>/import/", views.confirm, name="confirm"),
    path("<str:token>/status/", views.status, name="status"),
]
