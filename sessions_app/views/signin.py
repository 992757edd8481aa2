"""QR sign-in (sessions_app/signin.py): the secretary's code page with the live list, and the member's page."""
import datetime

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from committees import policy

from .. import signin
from ..selectors import record_for_writing
from ..signin_models import SignInWindow

DEVICE_COOKIE = "sg_signin_{}"  # a signed cookie per code: the id of the member this phone signed in


class StartForm(forms.Form):
    starts_at = forms.TimeField(label=gettext_lazy("Session starts at"), widget=forms.TimeInput(
        attrs={"type": "time"}, format="%H:%M"))

    def starts_at_today(self):
        day = timezone.localdate()
        return timezone.make_aware(datetime.datetime.combine(day, self.cleaned_data["starts_at"]))


class MemberForm(forms.Form):
    member = forms.TypedChoiceField(label=gettext_lazy("Your name"), coerce=int)
    remote = forms.BooleanField(label=gettext_lazy("I am attending online"), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", _("Please choose"))] + [(m.id, m.name) for m in members]


@login_required
@require_http_methods(["GET", "POST"])
def signin_show(request, pk):
    policy.require(request.user, policy.WRITE)
    activity = record_for_writing(request.user, pk)
    window = SignInWindow.objects.filter(activity=activity).first()
    now = timezone.localtime()
    form = StartForm(request.POST or None, initial={"starts_at": now.strftime("%H:%M")})
    if request.method == "POST":
        if request.POST.get("action") == "close":
            signin.window_close(activity=activity)
            messages.success(request, _("Sign-in closed."))
            return redirect("sessions_app:detail", pk=activity.pk)
        if form.is_valid():
            try:
                signin.window_open(user=request.user, activity=activity, starts_at=form.starts_at_today())
            except ValidationError as error:
                form.add_error("starts_at" if hasattr(error, "error_dict") else None, error)
            else:
                return redirect("sessions_app:signin", pk=activity.pk)
    context = {"activity": activity, "window": window, "form": form, "offered": signin.offers_sign_in(activity)}
    if window is not None:
        url = request.build_absolute_uri(reverse("sessions_app:signin_member", args=[window.token]))
        context.update(url=url, qr=segno.make(url, error="m").svg_inline(scale=6, border=2),
                       state=signin.state(window), signed=signin.signed_in(window))
    return render(request, "sessions_app/signin_show.html", context)


@login_required
@require_GET
def signin_status(request, pk):
    """The live list of the secretary's page, polled by static/js/signin.js."""
    policy.require(request.user, policy.WRITE)
    activity = record_for_writing(request.user, pk)
    window = SignInWindow.objects.filter(activity=activity).first()
    rows = signin.signed_in(window) if window else []
    return JsonResponse({
        "count": len(rows),
        "signed": [{"name": s.member.name, "time": timezone.localtime(s.signed_at).strftime("%H:%M"),
                    "late": s.late, "remote": s.remote} for s in rows],
    })


def _signed_member_id(request, cookie):
    """The member this phone signed in with this code (a signed cookie), or None."""
    value = request.get_signed_cookie(cookie, default="", salt="signin")
    return int(value) if value.isdigit() else None


@require_http_methods(["GET", "POST"])
def signin_member(request, token):
    """A member's own page: no account; the code decides the session and the time."""
    window = SignInWindow.objects.select_related("activity__committee").filter(token=token).first()
    if window is None:
        return render(request, "sessions_app/signin_member.html", {"refused": _(
            "This sign-in code is not valid: it was replaced by a new one or the sign-in has closed. "
            "Scan the code shown at the session.")}, status=404)
    state = signin.state(window)
    context = {"window": window, "activity": window.activity, "state": state}
    if state != "open":
        context["refused"] = (
            _("Sign-in opens at %(time)s.") % {"time": timezone.localtime(window.opens_at).strftime("%H:%M")}
            if state == "early" else _("The sign-in time of this session is over."))
        return render(request, "sessions_app/signin_member.html", context, status=200 if state == "early" else 410)
    cookie = DEVICE_COOKIE.format(window.pk)
    already = window.sign_ins.filter(member_id=_signed_member_id(request, cookie)).select_related("member").first()
    if already is not None:
        context.update(done=already.member.name, late=already.late)
        return render(request, "sessions_app/signin_member.html", context)
    form = MemberForm(request.POST or None, members=signin.roster(window))
    if request.method == "POST" and form.is_valid():
        try:
            signed = signin.sign_in(window=window, member_id=form.cleaned_data["member"],
                                    remote=form.cleaned_data["remote"])
        except ValidationError as error:
            form.add_error("member" if hasattr(error, "error_dict") else None, error)
        else:
            context["done"] = signed.member.name
            context["late"] = signed.late
            response = render(request, "sessions_app/signin_member.html", context)
            max_age = max(int((window.closes_at - timezone.now()).total_seconds()), 60)
            response.set_signed_cookie(cookie, str(signed.member_id), salt="signin", max_age=max_age, httponly=True,
                                       samesite="Lax", secure=request.is_secure())
            return response
    context["form"] = form
    return render(request, "sessions_app/signin_member.html", context)
