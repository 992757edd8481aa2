"""Celery tasks: they load by id, claim the work with a conditional update, and retry a bounded number of times."""
from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


@shared_task(bind=True, max_retries=3, default_retry_delay=60, time_limit=60, soft_time_limit=50)
def send_notification_email(self, notification_id):
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at or not notification.user.email:
        return
    # Claim first, so that two workers never send the same message twice.
    if not Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now()):
        return
    try:
        send_mail(
            subject=notification.message[:78], message=notification.message,
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[notification.user.email],
        )
    except OSError as exc:  # SMTP unreachable: release the claim and try again later
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise self.retry(exc=exc)
