"""The archive volume's task: takes the volume's id, calls the service, retries a few times on database errors.

Acknowledged late (a worker lost mid-build gives the volume to another, which may claim it once it is stale) and
bounded in time. Progress is stored on the volume by the service.
"""
from celery import shared_task
from django.db import OperationalError

from .services import archive_volume_build

TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "max_retries": 3,
    "retry_backoff": 10,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "soft_time_limit": 10 * 60,
    "time_limit": 12 * 60,
}


@shared_task(**TASK_OPTIONS)
def build_archive_volume(volume_id):
    return archive_volume_build(volume_id=volume_id)


__all__ = ["build_archive_volume"]
