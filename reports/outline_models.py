"""Bulletin outlines (通报提纲) written by their owners, and the published bulletins (已发布通报) frozen by them.

Imported by reports/models.py, so Django sees these as models of the reports app.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Committee


class BulletinOutline(models.Model):
    """A committee's outline of its monthly bulletin for one year: a title and ordered paragraphs with
    placeholders bound to figures (reports/outline.py). No committee: the portal's default, which applies where
    no committee up the tree has written one (the 2021 outline reproduces the document's sentences)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("committee"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    title = models.CharField(_("title"), max_length=300)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("bulletin outline")
        verbose_name_plural = _("bulletin outlines")
        constraints = [
            models.UniqueConstraint(fields=["committee", "year", "language"], name="outline_unique_per_year"),
            # NULLs are distinct in a unique constraint: the default needs its own.
            models.UniqueConstraint(
                fields=["year", "language"], condition=models.Q(committee__isnull=True), name="outline_default_unique",
            ),
        ]

    def __str__(self):
        owner = self.committee.name if self.committee_id else _("default")
        return f"{owner} · {self.year}"

    @property
    def texts(self):
        """The paragraphs' texts, in order."""
        return [p.text for p in self.paragraphs.all()]


class OutlineParagraph(models.Model):
    outline = models.ForeignKey(
        BulletinOutline, on_delete=models.CASCADE, related_name="paragraphs", verbose_name=_("bulletin outline"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("text"), max_length=5000)

    class Meta:
        verbose_name = _("outline paragraph")
        verbose_name_plural = _("outline paragraphs")
        ordering = ["position", "id"]


class PublishedBulletin(models.Model):
    """One published version of a committee's bulletin for a month: the text as printed and every figure it
    used, frozen. Publishing again makes a new version; the page shows the latest and lists the others."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"),
    )
    month = models.DateField(_("month"))  # first day of the month
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=500)
    paragraphs = models.JSONField(_("paragraphs"), default=list)
    table = models.JSONField(_("tally table"), default=list)  # [{key, tally, label, unit, value, ytd}]
    figures = models.JSONField(_("figures"), default=dict)  # {key: {"value", "month_value", "label", "unit"}}
    outline = models.ForeignKey(
        BulletinOutline, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("bulletin outline"),
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("published by"),
    )
    publisher_name = models.CharField(_("publisher"), max_length=150)  # kept if the user is deleted

    class Meta:
        verbose_name = _("published bulletin")
        verbose_name_plural = _("published bulletins")
        ordering = ["committee", "month", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "month", "version"], name="published_bulletin_version"),
        ]

    def __str__(self):
        return f"{self.committee} · {self.month:%Y-%m} · v{self.version}"
