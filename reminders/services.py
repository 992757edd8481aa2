"""Writes of the reminders app: send what the rules find (once per cause), keep subscriptions, deliver bulletins."""
import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from committees import policy
from sessions_app.closing import closes_at, last_closed_month
from supervision.services import notify

from . import rules
from .models import BulletinDelivery, BulletinSubscription, ReminderSent

log = logging.getLogger(__name__)


def reminders_send(*, today=None):
    """Check every enabled rule and remind each concerned user once per cause (in the portal, and by e-mail
    where the user has an address). Returns the number of reminders sent."""
    today = today or timezone.localdate()
    config = rules.config()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for check in rules.enabled_rules().values():
            for reminder in check(today, config):
                sent += _send_once(reminder)
    return sent


def _send_once(reminder):
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                rule=reminder.rule, cause=reminder.cause, user_id=reminder.user_id, message=reminder.message[:300],
            )
            notify(users=[_user(reminder.user_id)], message=reminder.message, url=reminder.url)
    except IntegrityError:  # this cause already reminded this user
        return 0
    return 1


def _user(user_id):
    return get_user_model().objects.get(pk=user_id)


# ---------------------------------------------------------------- subscriptions


def subscription_create(*, user, committee):
    """Subscribe `user` to `committee`'s monthly bulletin: only a committee whose subtree the user reads."""
    from reports.scoping import reads_subtree

    if not policy.may(user, policy.READ, committee) or not reads_subtree(user, committee):
        raise ValidationError({"committee": _("You can subscribe only to the bulletin of a committee you lead.")})
    subscription, _created = BulletinSubscription.objects.get_or_create(user=user, committee=committee)
    return subscription


def subscription_delete(*, user, subscription_id):
    return BulletinSubscription.objects.filter(user=user, pk=subscription_id).delete()[0]


# ---------------------------------------------------------------- bulletin deliveries


def deliveries_due(*, now=None):
    """Make the delivery of the last closed month for every subscription made before that month closed
    (once: unique per subscription and month) and return the ids of those not sent yet."""
    now = now or timezone.now()
    month = last_closed_month(now=now)
    subscriptions = BulletinSubscription.objects.filter(created_at__lte=closes_at(month), user__is_active=True)
    BulletinDelivery.objects.bulk_create(
        [BulletinDelivery(subscription=s, month=month) for s in subscriptions], ignore_conflicts=True,
    )
    return list(
        BulletinDelivery.objects.filter(month=month, sent_at__isnull=True, skipped="").values_list("pk", flat=True)
    )


CLAIM_TIMEOUT = datetime.timedelta(minutes=15)  # a claim older than this was a worker that died mid-send


def delivery_send(*, delivery_id, now=None):
    """Build the bulletin under the subscriber's own scope and e-mail it, once. Returns "sent", "skipped",
    "waiting" (the month's figures are still being updated) or "" (nothing to do)."""
    from reports import freshness

    now = now or timezone.now()
    delivery = BulletinDelivery.objects.select_related("subscription__user", "subscription__committee").filter(
        pk=delivery_id, sent_at__isnull=True, skipped="").first()
    if delivery is None:
        return ""
    if freshness.pending(delivery.month):
        return "waiting"  # the next run sends it, from current figures
    claimed = BulletinDelivery.objects.filter(pk=delivery_id, sent_at__isnull=True).filter(
        _claimable(now)).update(claimed_at=now)
    if not claimed:
        return ""
    user, committee = delivery.subscription.user, delivery.subscription.committee
    reason = _why_not(user, committee)
    if reason:
        BulletinDelivery.objects.filter(pk=delivery_id).update(skipped=reason)
        return "skipped"
    try:
        _email(user, committee, delivery.month)
    except OSError:
        BulletinDelivery.objects.filter(pk=delivery_id).update(claimed_at=None)
        raise
    BulletinDelivery.objects.filter(pk=delivery_id).update(sent_at=timezone.now())
    return "sent"


def _claimable(now):
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)


def _why_not(user, committee):
    from reports.scoping import reads_subtree

    if not user.email:
        return "no e-mail address"
    if not policy.may(user, policy.READ, committee) or not reads_subtree(user, committee):
        return "the subscriber no longer leads this committee"
    return ""


def bulletin_document(committee, month):
    """The bulletin a leader reads for the month: its latest published version, else the current text."""
    from reports import bulletin, outline_publish

    versions = outline_publish.versions(committee, month)
    if versions:
        return outline_publish.document_from(versions[0])
    return bulletin.build(committee, month, subtree_readable=True)


def _email(user, committee, month):
    from reports import exports

    with translation.override(settings.LANGUAGE_CODE):
        document = bulletin_document(committee, month)
        subject = str(document.title)[:120]
        body = _("The bulletin of %(committee)s for %(month)s is attached.") % {
            "committee": committee.name, "month": f"{month:%Y-%m}"}
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])
    message.attach(f"bulletin-{committee.code}-{month:%Y-%m}.docx", exports.bulletin_docx(document), exports.DOCX_TYPE)
    message.send()
