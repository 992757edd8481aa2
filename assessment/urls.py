from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.home, name="home"),
    path("tests/", views.rounds, name="rounds"),
    path("tests/new/", views.round_create, name="round_create"),
    path("tests/<int:pk>/", views.round_detail, name="round_detail"),
    path("tests/<int:pk>/scores/", views.round_scores, name="round_scores"),
    path("tests/<int:pk>/import/", views.round_import, name="round_import"),
    path("tests/<int:pk>/sheet.xlsx", views.round_sheet, name="round_sheet"),
    path("tests/<int:pk>/draw.json", views.round_draw, name="round_draw"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("rules/", views.rules, name="rules"),
    path("ranking/", views.ranking_latest, name="ranking_latest"),
    path("<int:year>/", views.ranking, name="ranking"),
    path("<int:year>/compute/", views.compute, name="compute"),
    path("<int:year>/<str:code>/", views.score, name="score"),
]
