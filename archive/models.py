"""The year's study archive volume (学习档案专卷): one generated DOCX per request, built by a task.

A row is the request and its progress; the file is written once, when the task finishes. A new request for the
same committee and year makes a new volume (the records may have changed since), so an earlier file people have
filed stays as it was.
"""
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Committee


class VolumeStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


PENDING = (VolumeStatus.QUEUED, VolumeStatus.RUNNING)


def volume_path(instance, filename):
    return f"archive/{instance.year}/{uuid.uuid4().hex}.docx"


class ArchiveVolume(models.Model):
    """One committee's study archive volume for one year: its own group's records, not its subtree's."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=VolumeStatus.choices, default=VolumeStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=20, blank=True)  # a key of archive.document.STEPS
    file = models.FileField(_("file"), upload_to=volume_path, blank=True)
    size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    record_count = models.PositiveIntegerField(_("records"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("study archive volume")  # 学习档案专卷
        verbose_name_plural = _("study archive volumes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="archive_volume_requester"),
            models.Index(fields=["committee", "year"], name="archive_volume_committee_year"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="archive_volume_progress_max"),
        ]

    def __str__(self):
        return f"{self.committee} · {self.year}"

    @property
    def is_pending(self):
        return self.status in PENDING

    @property
    def is_done(self):
        return self.status == VolumeStatus.DONE and bool(self.file)

    @property
    def step_label(self):
        from .document import STEPS

        return STEPS.get(self.step, "")

    def get_status_url(self):
        return reverse("archive:status", args=[self.pk])

    def get_download_url(self):
        return reverse("archive:download", args=[self.pk])
