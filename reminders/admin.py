from django.contrib import admin

from .models import BulletinDelivery, BulletinSubscription, ReminderSent


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "rule", "user", "message"]
    list_filter = ["rule"]
    search_fields = ["message", "user__username"]


@admin.register(BulletinSubscription)
class BulletinSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "committee", "created_at"]


@admin.register(BulletinDelivery)
class BulletinDeliveryAdmin(admin.ModelAdmin):
    list_display = ["subscription", "month", "sent_at", "skipped"]
    list_filter = ["month"]
