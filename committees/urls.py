from django.urls import path

from . import views

app_name = "committees"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.committee_detail, name="detail"),
    path("<int:pk>/active/", views.committee_active, name="active"),
]
