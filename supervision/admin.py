from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from studygroup.choices import PleaseChooseAdmin

from .models import Auditor, ChecklistItem, Draw, Filing, Notification, Rectification, Visit


@admin.register(Auditor)
class AuditorAdmin(PleaseChooseAdmin, admin.ModelAdmin):
    list_display = ["user", "home_committee", "active", "workload_limit"]
    list_filter = ["active"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["may_visit"]
    search_fields = ["user__username", "user__full_name"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(PleaseChooseAdmin, admin.ModelAdmin):
    list_display = ["code", "label", "order", "active"]
    list_editable = ["order", "active"]


@admin.register(Filing)
class FilingAdmin(PleaseChooseAdmin, SimpleHistoryAdmin):
    list_display = ["planned_on", "committee", "kind", "topic", "activity"]
    list_filter = ["kind"]
    raw_id_fields = ["committee", "activity", "filed_by"]


@admin.register(Visit)
class VisitAdmin(PleaseChooseAdmin, SimpleHistoryAdmin):
    list_display = ["visited_on", "committee", "auditor", "status", "discrepancy"]
    list_filter = ["status", "discrepancy"]
    raw_id_fields = ["committee", "activity", "filing", "assignment", "auditor"]


@admin.register(Draw, Notification)
class PlainAdmin(PleaseChooseAdmin, admin.ModelAdmin):
    pass


@admin.register(Rectification)
class RectificationAdmin(PleaseChooseAdmin, SimpleHistoryAdmin):
    pass
