"""Beat's reminder and bulletin tasks: small, idempotent (the unique keys make a second run send nothing)."""
from celery import shared_task

from . import services

TASK_OPTIONS = {"max_retries": 3, "default_retry_delay": 300, "time_limit": 15 * 60, "soft_time_limit": 14 * 60}


@shared_task(**TASK_OPTIONS)
def send_reminders():
    return services.reminders_send()


@shared_task(**TASK_OPTIONS)
def send_bulletins():
    """Every morning: make the last closed month's deliveries and send each in a task of its own."""
    ids = services.deliveries_due()
    for delivery_id in ids:
        send_bulletin.delay(delivery_id)
    return len(ids)


@shared_task(bind=True, **TASK_OPTIONS)
def send_bulletin(self, delivery_id):
    try:
        return services.delivery_send(delivery_id=delivery_id)
    except OSError as exc:  # the mail server is unreachable: the claim was released, try again later
        raise self.retry(exc=exc)
