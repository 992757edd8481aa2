"""Reminders (提醒) sent once per cause, and leaders' subscriptions to the monthly bulletin (通报订阅)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from committees.models import Committee


class Rule(models.TextChoices):
    SILENT_GROUP = "silent_group", _("No study-group session for a long time")
    SILENT_GROUP_ESCALATED = "silent_escalated", _("No study-group session for a long time (to the leaders above)")
    FILING_NOT_LOGGED = "filing_not_logged", _("Filed session never logged")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("Rectification past its due date")
    PLAN_TOPIC_UNCOVERED = "plan_topic_uncovered", _("Plan topic not covered late in the year")
    MONTH_CLOSING_EMPTY = "month_closing_empty", _("Month about to close with no records")


class ReminderSent(models.Model):
    """One reminder to one user for one cause: the unique key is what makes each cause remind once."""

    rule = models.CharField(_("rule"), max_length=30, choices=Rule.choices)
    cause = models.CharField(_("cause"), max_length=100)  # e.g. "<committee id>:<last session date>"
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    message = models.CharField(_("message"), max_length=300)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "cause", "user"], name="reminder_once_per_cause")]

    def __str__(self):
        return self.message


class BulletinSubscription(models.Model):
    """A user asks for the monthly bulletin of a committee by e-mail, built under the user's own scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulletin_subscriptions", verbose_name=_("user")
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="bulletin_subscriptions", verbose_name=_("committee")
    )
    created_at = models.DateTimeField(_("subscribed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bulletin subscription")
        verbose_name_plural = _("bulletin subscriptions")
        ordering = ["committee__path"]
        constraints = [models.UniqueConstraint(fields=["user", "committee"], name="one_subscription_per_committee")]

    def __str__(self):
        return f"{self.user} · {self.committee}"


class BulletinDelivery(models.Model):
    """A month's bulletin for one subscription: made once (unique), claimed before sending, stamped when sent."""

    subscription = models.ForeignKey(
        BulletinSubscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscription")
    )
    month = models.DateField(_("month"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    skipped = models.CharField(_("not sent because"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("bulletin delivery")
        verbose_name_plural = _("bulletin deliveries")
        ordering = ["-month", "id"]
        constraints = [models.UniqueConstraint(fields=["subscription", "month"], name="one_delivery_per_month")]

    def __str__(self):
        return f"{self.subscription} {self.month:%Y-%m}"
