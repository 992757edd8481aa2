from django.urls import path

from . import bigscreen, campaigns, lists, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("recompute/", views.recompute, name="recompute"),
    path("drill/<str:metric>/", views.drilldown, name="drilldown"),  # keys may hold dots (campaign.<code>.…)
    path("breakdown.<str:fmt>", lists.breakdown_export, name="breakdown_export"),  # csv or xlsx
    path("bigscreen/", bigscreen.bigscreen, name="bigscreen"),  # 数据大屏; ?format=json: its data, for the refresh
    path("bulletin/", views.bulletin, name="bulletin"),
    path("bulletin/publish/", views.publish, name="bulletin_publish"),
    path("bulletin/outline/<slug:code>/<int:year>/", views.outline_edit, name="outline"),
    path("bulletin/outline/<slug:code>/<int:year>/copy/", views.outline_copy, name="outline_copy"),
    # Campaigns and themes (reports/campaigns.py); "new" is a reserved code (committees/campaigns.py).
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<slug:code>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<slug:code>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("themes/new/", campaigns.theme_create, name="theme_create"),
    path("themes/<slug:code>/", campaigns.theme_detail, name="theme"),
    path("themes/<slug:code>/edit/", campaigns.theme_edit, name="theme_edit"),
]
