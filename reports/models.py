"""Rollup tables: every metric per committee and month, for the committee's own group and its subtree."""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Committee


class MetricValue(models.Model):
    """One metric of one committee for one month (own group, whole subtree, and year-to-date of each)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+", verbose_name=_("committee"))
    month = models.DateField(_("month"))  # first day of the month
    metric = models.CharField(_("metric"), max_length=100)  # a key of the registry (or campaign.<code>.<template>)
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
    """A change to a row some figure reads, in this month: written by database triggers (reports/triggers.py)
    in the same transaction as the change, whatever made it (save, delete, bulk, queryset update, raw SQL).

    An append-only log, so a mark never conflicts with another or with a claim: the rollup deletes the marks
    it has seen in the transaction that writes the month's new figures (a killed worker leaves them)."""

    month = models.DateField(_("month"))
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)

    class Meta:
        verbose_name = _("month to recompute")
        verbose_name_plural = _("months to recompute")
        indexes = [models.Index(fields=["month"], name="dirty_month_month")]


class MonthStatus(models.Model):
    """When a month's figures were last computed, and when the month was closed (after which entries are late)."""

    month = models.DateField(_("month"), unique=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    late_records = models.PositiveIntegerField(_("records entered late"), default=0)
    # A month whose recompute keeps failing backs off (and is reported) instead of blocking the others.
    failures = models.PositiveIntegerField(_("failed recomputes in a row"), default=0)
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("month status")
        verbose_name_plural = _("month statuses")
        ordering = ["-month"]


class Reconciliation(models.Model):
    """One run of `rollup --verify`: every stored figure recomputed aside and compared (nightly by beat)."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    months = models.PositiveIntegerField(_("months checked"), default=0)
    rows = models.PositiveIntegerField(_("figures checked"), default=0)
    difference_count = models.PositiveIntegerField(_("figures that differ"), default=0)
    differences = models.JSONField(_("differences"), default=list, blank=True)  # the first few, for the admin

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-started_at"]

    @property
    def ok(self):
        return self.finished_at is not None and self.difference_count == 0


from .outline_models import BulletinOutline, OutlineParagraph, PublishedBulletin  # noqa: E402,F401  (the bulletin's)
