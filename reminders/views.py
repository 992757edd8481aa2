from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import SubscriptionForm, subscribable
from .models import BulletinSubscription


def _leads_something(user):
    if not subscribable(user).exists():
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request):
    """The user's bulletin subscriptions: the bulletin of each comes by e-mail after every month closes."""
    _leads_something(request.user)
    form = SubscriptionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_create(user=request.user, committee=form.cleaned_data["committee"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Subscribed: the bulletin will come by e-mail after each month closes."))
            return redirect("reminders:subscriptions")
    rows = BulletinSubscription.objects.filter(user=request.user).select_related("committee")
    return render(request, "reminders/subscriptions.html", {"form": form, "subscriptions": rows})


@login_required
@require_POST
def subscription_delete(request, pk):
    if not services.subscription_delete(user=request.user, subscription_id=pk):
        raise Http404
    messages.success(request, _("Unsubscribed."))
    return redirect("reminders:subscriptions")
