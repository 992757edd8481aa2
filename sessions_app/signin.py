"""QR sign-in at the venue (扫码签到): open a session's code, and a member's own sign-in through it.

The secretary shows a code for a session held today; it is valid from `SIGNIN_OPENS_BEFORE_MINUTES` before the
start until `SIGNIN_WINDOW_MINUTES` after it, for that session only. A member opens it on their phone, picks their
name from the roster of the session's date and confirms: their attendance row becomes present, or late after
`SIGNIN_LATE_MINUTES`; attending online is kept with the sign-in. No member account is needed. One phone signs
in one member per code (a signed cookie), a member signs in once, and showing a new code retires the old one.
"""
import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import members_for
from .models import ATTENDANCE_KINDS, Attendance, AttendanceStatus
from .signin_models import SignIn, SignInWindow


def offers_sign_in(activity):
    """A code is for a session of today that keeps attendance."""
    return activity.kind in ATTENDANCE_KINDS and activity.held_on == timezone.localdate()


def window_open(*, user, activity, starts_at, now=None):
    """Show (or show anew) the code of `activity`, starting at `starts_at`; a new token retires the old one."""
    now = now or timezone.now()
    if not offers_sign_in(activity):
        raise ValidationError(_("QR sign-in is for a session held today that keeps attendance."))
    closes_at = starts_at + datetime.timedelta(minutes=settings.SIGNIN_WINDOW_MINUTES)
    if closes_at <= now:
        raise ValidationError({"starts_at": _("The sign-in time of a session that started at this time is over.")})
    window, _created = SignInWindow.objects.update_or_create(activity=activity, defaults={
        "token": secrets.token_urlsafe(24), "starts_at": starts_at, "closes_at": closes_at, "created_by": user,
        "opens_at": starts_at - datetime.timedelta(minutes=settings.SIGNIN_OPENS_BEFORE_MINUTES),
    })
    return window


def window_close(*, activity):
    """Stop the sign-in now: the code signs nobody in any more (those signed in stay)."""
    return SignInWindow.objects.filter(activity=activity).delete()[0]


def state(window, now=None):
    """"early", "open" or "over"."""
    now = now or timezone.now()
    if now < window.opens_at:
        return "early"
    return "open" if now <= window.closes_at else "over"


def roster(window):
    """The members who may still sign in: the roster of the session's date, minus those signed in."""
    activity = window.activity
    signed = set(window.sign_ins.values_list("member_id", flat=True))
    return [m for m in members_for(activity.committee, on=activity.held_on).values() if m.id not in signed]


def sign_in(*, window, member_id, remote, now=None):
    """A member signs in: their attendance row is set present (late after the grace minutes)."""
    now = now or timezone.now()
    if state(window, now) != "open":
        raise ValidationError(_("This sign-in code is not valid now."))
    member = next((m for m in roster(window) if m.id == member_id), None)
    if member is None:
        raise ValidationError({"member": _("Choose your name from the list: it is signed in already or not on the roster.")})
    late = now > window.starts_at + datetime.timedelta(minutes=settings.SIGNIN_LATE_MINUTES)
    try:
        with transaction.atomic():
            signed = SignIn.objects.create(window=window, member=member, late=late, remote=remote)
            status = AttendanceStatus.LATE if late else AttendanceStatus.PRESENT
            Attendance.objects.update_or_create(
                activity=window.activity, member=member, defaults={"status": status, "reason": ""},
            )
    except IntegrityError:  # signed in a moment ago from another phone
        raise ValidationError({"member": _("%(name)s has signed in already.") % {"name": member.name}}) from None
    return signed


def signed_in(window):
    return list(window.sign_ins.select_related("member"))
