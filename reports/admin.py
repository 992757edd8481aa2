"""The statistics' health for administrators: the last reconciliations, months that fail or wait."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import DirtyMonth, MonthStatus, Reconciliation


@admin.register(Reconciliation)
class ReconciliationAdmin(admin.ModelAdmin):
    list_display = ("started_at", "finished_at", "months", "rows", "difference_count", "ok")
    readonly_fields = ("started_at", "finished_at", "months", "rows", "difference_count", "differences")

    @admin.display(boolean=True, description=_("all figures agree"))
    def ok(self, obj):
        return obj.ok

    def has_add_permission(self, request):
        return False


@admin.register(MonthStatus)
class MonthStatusAdmin(admin.ModelAdmin):
    list_display = ("month", "computed_at", "closed_at", "late_records", "failures", "retry_at")
    ordering = ("-failures", "-month")  # failing months first
    readonly_fields = ("computed_at", "late_records", "failures", "retry_at", "last_error")


@admin.register(DirtyMonth)
class DirtyMonthAdmin(admin.ModelAdmin):
    list_display = ("month", "marked_at")
    date_hierarchy = "marked_at"

    def has_add_permission(self, request):
        return False
