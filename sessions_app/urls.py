from django.urls import path

from . import views

app_name = "sessions_app"
urlpatterns = [
    path("", views.home, name="home"),
    path("records/", views.archive, name="archive"),
    path("records/new/<str:kind>/", views.record_create, name="create"),
    path("records/<int:pk>/", views.record_detail, name="detail"),
    path("records/<int:pk>/edit/", views.record_edit, name="edit"),
    path("records/<int:pk>/delete/", views.record_delete, name="delete"),
    path("records/<int:pk>/signin/", views.signin_show, name="signin"),
    path("records/<int:pk>/signin/status/", views.signin_status, name="signin_status"),
    path("signin/<str:token>/", views.signin_member, name="signin_member"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("articles/<int:pk>/file/", views.article_file, name="article_file"),
    path("corrections/", views.corrections, name="corrections"),
    path("attendance/", views.attendance, name="attendance"),
    path("roster/", views.roster, name="roster"),
    path("roster/<int:pk>/edit/", views.roster_edit, name="roster_edit"),
    path("roster/<int:pk>/leave/", views.roster_leave, name="roster_leave"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
]
