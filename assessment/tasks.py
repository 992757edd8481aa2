"""Celery task of the annual assessment: takes a year, calls the service, retries on database errors.

Idempotent (the year's scores are replaced in one transaction under a row lock), acknowledged late (a
worker lost mid-task leaves the message to another), a few bounded retries, a time limit.
"""
from celery import shared_task
from django.db import OperationalError

from .services import assessment_compute as compute


@shared_task(
    name="assessment.assessment_compute",
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=10,
    retry_backoff_max=300,
    retry_jitter=True,
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def assessment_compute(year):
    run = compute(year=int(year))
    return {"year": run.year, "committees": run.committee_count}
