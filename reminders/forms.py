from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from committees.scope import scope_for


def subscribable(user):
    """The committees whose bulletin the user may subscribe to, kept short: those they lead and those right under."""
    scope = scope_for(user)
    led = [c for c in scope.roots if scope.is_admin or any(c.path.startswith(p) for p in scope.subtree_paths)]
    if not led:
        return Committee.objects.none()
    q = Q(pk__in=[c.pk for c in led])
    for c in led:
        q |= Q(path__startswith=c.path, depth=c.depth + 1)
    return Committee.objects.filter(q, active=True).order_by("path")


class SubscriptionForm(forms.Form):
    committee = forms.ModelChoiceField(Committee.objects.none(), label=_("Committee"), empty_label=_("Please choose"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = subscribable(user)
