from django.urls import path

from . import auditor_views, pool, views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("filings/", views.filings, name="filings"),
    path("filings/new/", views.filing_create, name="filing_create"),
    path("filings/<int:pk>/", views.filing_detail, name="filing"),
    path("filings/<int:pk>/link/", views.filing_link, name="filing_link"),
    path("filings/<int:filing_pk>/visit/", auditor_views.visit_start_filing, name="visit_start_filing"),
    path("unfiled/", views.unfiled, name="unfiled"),
    path("draws/", views.draws, name="draws"),
    path("draws/new/", views.draw_create, name="draw_create"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("draws/<int:pk>/verify/", views.draw_verify, name="draw_verify"),
    path("assignments/", auditor_views.assignments, name="assignments"),
    path("visits/", views.visits, name="visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("assignments/<int:assignment_pk>/visit/", views.visit_start, name="visit_start"),
    path("sessions/<int:activity_pk>/visit/", views.visit_start_activity, name="visit_start_activity"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/close/", auditor_views.rectification_close, name="rectification_close"),
    path("rectifications/evidence/<int:pk>/", auditor_views.rectification_evidence, name="rectification_evidence"),
    # The auditor pool, administered by the administrators of a subtree (supervision/pool.py).
    path("auditors/", pool.auditor_list, name="auditors"),
    path("auditors/new/", pool.auditor_create, name="auditor_create"),
    path("auditors/<int:pk>/", pool.auditor_edit, name="auditor"),
    path("auditors/<int:pk>/remove/", pool.auditor_delete, name="auditor_remove"),
    path("notifications/", auditor_views.notifications, name="notifications"),
]
