"""A logged session finds its filing as it is saved (the secretary does nothing extra)."""
from django.db.models.signals import post_save
from django.dispatch import receiver

from sessions_app.models import Activity


@receiver(post_save, sender=Activity, dispatch_uid="supervision_match_filing")
def match_filing(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    from .services import filing_match_activity

    filing_match_activity(activity=instance)
