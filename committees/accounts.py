"""Accounts people can use: login lockout, password change and reset, a profile page, a forced change.

Django's own auth views do the work; this module adds what the portal needs around them.
"""
from axes.backends import AxesStandaloneBackend
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import User


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come from a request.

    The login page and the admin login always pass the request. Calls without one (the test client's
    login(), scripts) have no client address to throttle by, and axes would raise instead of answering.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def support(request):
    """Whom to ask when stuck: shown on the login, lockout and reset pages."""
    return {"support_contact": settings.SUPPORT_CONTACT or gettext_lazy("the Propaganda Department's system administrator")}


# --- a forced change at next login -------------------------------------------------------------

TEMPORARY_PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I


def user_password_reset_temporary(*, user: User) -> str:
    """Give the user a temporary password they must change at their next login; return it."""
    password = get_random_string(12, TEMPORARY_PASSWORD_CHARS)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


def user_password_changed(*, user: User) -> None:
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


class MustChangePasswordMiddleware:
    """Keep a user with a temporary password on the password change page until they change it."""

    ALLOWED_URL_NAMES = ("password_change", "password_change_done", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.ALLOWED_URL_NAMES}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                messages.warning(request, _("Your password was reset by an administrator: choose your own password to continue."))
                return redirect("password_change")
        return self.get_response(request)


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=form.user)
        return response


# --- the profile page --------------------------------------------------------------------------


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email"]
        help_texts = {"email": gettext_lazy("Password reset links are sent to this address.")}


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("profile")
    return render(request, "registration/profile.html", {"form": form})
