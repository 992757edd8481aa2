"""Query-string forms of the leader's pages. Bad input is ignored (the default is used), never a 500."""
import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
PERIOD_MONTH = "month"
PERIOD_YTD = "ytd"


def parse_month(value):
    """'2021-12' → date(2021, 12, 1); anything else → None."""
    match = MONTH_RE.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


class MonthField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(_("Give the month as YYYY-MM, for example 2021-12."), code="invalid")
        return month


class DashboardForm(forms.Form):
    committee = forms.CharField(label=_("Committee"), required=False, max_length=40)
    month = MonthField(label=_("Month"), required=False)
    metric = forms.CharField(label=_("Figure"), required=False, max_length=60)
    campaign = forms.CharField(label=_("Campaign"), required=False, max_length=40)
    theme = forms.CharField(label=_("Theme"), required=False, max_length=40)

    def value(self, name):
        """The cleaned value, or None when missing or invalid (the page then uses its default)."""
        if not self.is_bound:
            return None
        self.is_valid()
        if name in self.errors:
            return None
        return self.cleaned_data.get(name) or None


class DrilldownForm(DashboardForm):
    period = forms.ChoiceField(
        label=_("Period"), required=False,
        choices=[(PERIOD_MONTH, _("Month")), (PERIOD_YTD, _("Year to date"))],
    )
