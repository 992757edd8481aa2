from django.urls import path

from . import people, views

app_name = "committees"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.committee_detail, name="detail"),
    path("<int:pk>/active/", views.committee_active, name="active"),
    path("people/", people.people_list, name="people"),
    path("people/new/", people.person_create_view, name="person_create"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("people/<int:pk>/active/", people.person_active, name="person_active"),
    path("people/<int:pk>/password/", people.person_password, name="person_password"),
    path("people/<int:pk>/roles/<int:role_pk>/remove/", people.role_remove, name="role_remove"),
]
