from django import forms
from django.utils.translation import gettext_lazy as _

from studygroup.dates import FOUNDING


class VolumeRequestForm(forms.Form):
    """The committee by its code (looked up in the user's scope by the view: out of scope is 404) and the year."""

    committee = forms.CharField(label=_("Committee"), max_length=40)
    year = forms.IntegerField(label=_("Year"), min_value=FOUNDING.year, max_value=9999)
