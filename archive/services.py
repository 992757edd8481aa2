"""Writes of the archive volume: the request (validated, enqueued on commit) and the build the task runs."""
import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from studygroup.dates import FOUNDING

from .document import write_volume
from .models import PENDING, ArchiveVolume, VolumeStatus
from .selectors import may_request, volume_contents, year_has_anything

logger = logging.getLogger(__name__)

# A volume still "being built" after this was lost with its worker: a redelivered task may claim it again.
STALE_AFTER = datetime.timedelta(minutes=15)

# Progress (%) as the build goes: reading takes the first fifth, writing the parts the rest.
READ_STEPS = ("plan", "records", "visits", "corrections", "bulletins")
READ_SHARE, WRITE_SHARE = 20, 75


def _check_year(year):
    today = timezone.localdate()
    if not isinstance(year, int) or not FOUNDING.year <= year <= today.year:
        raise ValidationError(
            {"year": _("Choose a year from %(first)s to %(last)s.") % {"first": FOUNDING.year, "last": today.year}}
        )


@transaction.atomic
def archive_volume_request(*, user, committee, year):
    """Ask for the committee's volume of the year; the task builds it after the commit.

    The view answers 404 for a committee out of the user's scope before this; a year in which the committee's
    group recorded nothing is a clear error. Asking again while the same volume is still being built returns
    that one (a double click makes one volume)."""
    if not may_request(user, committee):
        raise PermissionDenied
    _check_year(year)
    if not year_has_anything(committee, year):
        raise ValidationError({"year": _(
            "%(committee)s has nothing on record for %(year)s: no study records, plan, sit-in visits, corrections "
            "or published bulletins. Choose another year."
        ) % {"committee": committee.name, "year": year}})
    pending = ArchiveVolume.objects.filter(
        committee=committee, year=year, requested_by=user, status__in=PENDING,
    ).first()
    if pending is not None:
        return pending
    volume = ArchiveVolume.objects.create(
        committee=committee, year=year, requested_by=user, language=get_language() or "",
    )
    transaction.on_commit(lambda: _enqueue(volume.pk), robust=True)
    return volume


def _enqueue(volume_id):
    from .tasks import build_archive_volume

    build_archive_volume.delay(volume_id)


def _progress(volume_id, percent, step):
    ArchiveVolume.objects.filter(pk=volume_id).update(progress=min(int(percent), 100), step=step)


def _claim(volume_id):
    """Queued, or lost mid-build long ago: mark it running. Only one worker wins the conditional update."""
    now = timezone.now()
    claimable = Q(status=VolumeStatus.QUEUED) | Q(status=VolumeStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    return ArchiveVolume.objects.filter(claimable, pk=volume_id).update(
        status=VolumeStatus.RUNNING, started_at=now, progress=1, step="start", error="",
    )


def archive_volume_build(*, volume_id):
    """Build the volume (the task's body): read in a fixed number of queries, write part by part, save the
    file; progress is stored as it goes. Idempotent: a volume already built or being built is left alone."""
    if not _claim(volume_id):
        return None
    volume = ArchiveVolume.objects.select_related("committee").get(pk=volume_id)
    try:
        with translation.override(volume.language or None):
            content, count = _build(volume)
        name = f"{volume.committee.code}-{volume.year}.docx"
        volume.file.save(name, ContentFile(content), save=False)
    except OperationalError:
        # The database went away: give the volume back to the retry (tasks.py retries a few times).
        ArchiveVolume.objects.filter(pk=volume_id).update(status=VolumeStatus.QUEUED)
        raise
    except Exception as error:
        logger.exception("archive volume %s failed", volume_id)
        ArchiveVolume.objects.filter(pk=volume_id).update(
            status=VolumeStatus.FAILED, finished_at=timezone.now(),
            error=_("The volume could not be built (%(error)s). Request it again; if it fails again, tell the "
                    "administrator.") % {"error": type(error).__name__},
        )
        raise
    ArchiveVolume.objects.filter(pk=volume_id).update(
        status=VolumeStatus.DONE, progress=100, step="done", file=volume.file.name, size=len(content),
        record_count=count, finished_at=timezone.now(),
    )
    return volume.file.name


def _build(volume):
    def read(step):
        _progress(volume.pk, 1 + READ_SHARE * (READ_STEPS.index(step) + 1) / len(READ_STEPS), step)

    contents = volume_contents(volume.committee, volume.year, on_step=read)

    def wrote(done, total):
        _progress(volume.pk, 1 + READ_SHARE + WRITE_SHARE * done / total, "writing")

    content = write_volume(contents, generated_on=timezone.localdate(), on_part=wrote)
    _progress(volume.pk, 98, "saving")
    return content, contents.record_count
