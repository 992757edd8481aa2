"""QR sign-in at the venue (扫码签到): a session's sign-in window and who signed in through it.

Imported at the end of models.py (Django finds an app's models there)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from committees.models import Member

from .models import Activity


class SignInWindow(models.Model):
    """The code a secretary shows at a session: valid from `opens_at` to `closes_at` for this session only.
    Showing a new code replaces the token, so a photo of the old one signs nobody in."""

    activity = models.OneToOneField(
        Activity, on_delete=models.CASCADE, related_name="sign_in_window", verbose_name=_("study record")
    )
    token = models.CharField(_("code"), max_length=64, unique=True)
    starts_at = models.DateTimeField(_("session starts at"))  # a sign-in after it (and the grace minutes) is late
    opens_at = models.DateTimeField(_("sign-in opens at"))
    closes_at = models.DateTimeField(_("sign-in closes at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("shown by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="sign_in_window_order"),
        ]

    def __str__(self):
        return f"{self.activity} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class SignIn(models.Model):
    """A member's own sign-in, kept beside the attendance row it set (present or late)."""

    window = models.ForeignKey(SignInWindow, on_delete=models.CASCADE, related_name="sign_ins", verbose_name=_("sign-in code"))
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    signed_at = models.DateTimeField(_("signed in at"), auto_now_add=True)
    late = models.BooleanField(_("late"), default=False)
    remote = models.BooleanField(_("attended online"), default=False)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["window", "member"], name="sign_in_once_per_member")]

    def __str__(self):
        return f"{self.member} {self.signed_at:%H:%M}"
