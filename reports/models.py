"""Rollup tables: every metric per committee and month, for the committee's own group and its subtree."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from committees.models import Committee


class MetricValue(models.Model):
    """One metric of one committee for one month (own group, whole subtree, and year-to-date of each)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+", verbose_name=_("committee"))
    month = models.DateField(_("month"))  # first day of the month
    metric = models.CharField(_("metric"), max_length=60)  # a key of reports.metrics.REGISTRY
    own = models.BigIntegerField(_("own group"), default=0)
    subtree = models.BigIntegerField(_("whole subtree"), default=0)
    own_ytd = models.BigIntegerField(_("own group, year to date"), default=0)
    subtree_ytd = models.BigIntegerField(_("whole subtree, year to date"), default=0)

    class Meta:
        verbose_name = _("metric value")
        verbose_name_plural = _("metric values")
        constraints = [
            models.UniqueConstraint(fields=["committee", "month", "metric"], name="metric_value_unique"),
        ]
        indexes = [models.Index(fields=["month", "metric"], name="metric_value_month")]


class DirtyMonth(models.Model):
    """A month whose records changed since its last rollup; beat recomputes these every few minutes."""

    month = models.DateField(_("month"), unique=True)
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("month to recompute")
        verbose_name_plural = _("months to recompute")


class MonthStatus(models.Model):
    """When a month's figures were last computed, and when the month was closed (after which entries are late)."""

    month = models.DateField(_("month"), unique=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    late_records = models.PositiveIntegerField(_("records entered late"), default=0)

    class Meta:
        verbose_name = _("month status")
        verbose_name_plural = _("month statuses")
        ordering = ["-month"]
