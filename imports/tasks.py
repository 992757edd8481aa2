"""The big import's task: takes the user's id and the upload's token, calls the service, retries a few times on
database errors (each try is one transaction: all or nothing, and a try after a committed one imports nothing).

Acknowledged late (a worker lost mid-import gives the file to another) and bounded in time; the progress and the
outcome are written beside the upload for the import's page (imports/storage.py)."""
from celery import shared_task
from django.db import OperationalError
from django.utils import translation

from .services import import_job_run


@shared_task(acks_late=True, autoretry_for=(OperationalError,), max_retries=3, retry_backoff=10, retry_backoff_max=120,
             retry_jitter=True, soft_time_limit=20 * 60, time_limit=22 * 60)
def import_run(user_id, token, kind_code, language=None):
    # The outcome and the refused rows' reasons are written now and read later: in the language of who asked.
    with translation.override(language or translation.get_language()):
        return import_job_run(user_id=user_id, token=token, kind_code=kind_code)


@shared_task(acks_late=True, time_limit=10 * 60)
def forget_stale_uploads():
    """Beat's daily clean-up (the same as `manage.py imports_forget`)."""
    from .services import imports_forget

    return imports_forget()


__all__ = ["forget_stale_uploads", "import_run"]
