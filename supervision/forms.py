"""Forms: they read and check input; the services write."""
import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from sessions_app.forms import MultipleFileField
from sessions_app.models import Activity
from studygroup.choices import PleaseChoose
from studygroup.dates import bound_form_dates

from .models import FILING_KINDS, RATING_MAX, RATING_MIN, Draw, Filing, Rectification, StrataMode, Visit
from .services import earliest_filing_date

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilingForm(PleaseChoose, forms.ModelForm):
    committee = forms.ModelChoiceField(queryset=Committee.objects.none(), label=_("committee"))

    class Meta:
        model = Filing
        fields = ["committee", "kind", "planned_on", "place", "topic"]
        widgets = {"planned_on": DATE}

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
        if len(committees) == 1:
            self.fields["committee"].initial = committees[0]
            self.fields["committee"].widget = forms.HiddenInput()
        earliest = earliest_filing_date()
        self.fields["planned_on"].widget.attrs["min"] = earliest.isoformat()
        bound_form_dates(self, Filing, "planned_on")  # out of bounds: the model's message, before "N days ahead"
        self.fields["planned_on"].help_text = _("At least %(days)s days ahead.") % {"days": settings.FILING_MIN_DAYS_AHEAD}

    def clean_planned_on(self):
        planned_on = self.cleaned_data["planned_on"]
        earliest = earliest_filing_date()
        if planned_on < earliest:
            raise forms.ValidationError(
                _("File a session at least %(days)s days ahead: the earliest date you can file today is %(date)s."),
                params={"days": settings.FILING_MIN_DAYS_AHEAD, "date": earliest.isoformat()},
            )
        return planned_on


class FilingLinkForm(PleaseChoose, forms.Form):
    activity = forms.ModelChoiceField(queryset=Activity.objects.none(), label=_("session held"))

    def __init__(self, *args, filing, **kwargs):
        super().__init__(*args, **kwargs)
        window = datetime.timedelta(days=60)
        self.fields["activity"].queryset = Activity.objects.filter(
            committee_id=filing.committee_id, kind__in=FILING_KINDS, filing__isnull=True,
            held_on__gte=filing.planned_on - window, held_on__lte=filing.planned_on + window,
        ).order_by("held_on", "id")


class DrawForm(PleaseChoose, forms.Form):
    root = forms.ModelChoiceField(queryset=Committee.objects.none(), label=_("committees under"))
    period_start = forms.DateField(label=_("period from"), widget=DATE)
    period_end = forms.DateField(label=_("period to"), widget=DATE)
    sample_size = forms.IntegerField(label=_("sample size"), min_value=1, max_value=10_000, required=False)
    rate = forms.IntegerField(
        label=_("or a rate (%)"), min_value=1, max_value=100, required=False,
        help_text=_("Leave the sample size empty to draw this share of the filed sessions."),
    )
    strata = forms.ChoiceField(label=_("strata"), choices=StrataMode.choices, initial=StrataMode.NONE)
    seed = forms.IntegerField(
        label=_("seed"), required=False, min_value=0, max_value=2**62,
        help_text=_("Leave empty for a fresh random seed; it is recorded with the draw."),
    )

    def __init__(self, *args, roots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["root"].queryset = roots
        bound_form_dates(self, Draw, "period_start", "period_end")

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", _("The period cannot end before it starts."))
        if not data.get("sample_size") and not data.get("rate"):
            self.add_error("sample_size", _("Give a sample size or a rate."))
        return data


RATING_CHOICES = [(i, str(i)) for i in range(RATING_MIN, RATING_MAX + 1)]


class VisitForm(PleaseChoose, forms.Form):
    visited_on = forms.DateField(label=_("visit date"), widget=DATE)
    observed_count = forms.IntegerField(
        label=_("head count observed"), min_value=0, max_value=100_000, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "form-control form-control-lg"}),
    )
    findings = forms.CharField(label=_("findings"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        bound_form_dates(self, Visit, "visited_on")
        self.items = items
        for item in items:
            self.fields[f"rating_{item.pk}"] = forms.TypedChoiceField(
                label=item.display_label, choices=RATING_CHOICES, coerce=int, required=False, empty_value=None,
                widget=forms.RadioSelect, error_messages={"invalid_choice": _("Rate from 1 to 5.")},
            )

    def rating_fields(self):
        return [self[f"rating_{item.pk}"] for item in self.items]

    def ratings(self):
        return {item.pk: self.cleaned_data.get(f"rating_{item.pk}") for item in self.items}


class RectificationForm(PleaseChoose, forms.Form):
    description = forms.CharField(label=_("what to put right"), max_length=300)
    owner = forms.CharField(label=_("owner"), max_length=60)
    due_on = forms.DateField(label=_("due date"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_form_dates(self, Rectification, "due_on")


RectificationFormSet = forms.formset_factory(RectificationForm, extra=1, max_num=20, validate_max=True)


class RectificationCloseForm(PleaseChoose, forms.Form):
    evidence_note = forms.CharField(
        label=_("evidence"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, and where the evidence is kept."),
    )
    # Checked as a record's evidence is (sessions_app/uploads.py): by content, by size, each error naming the file.
    evidence_files = MultipleFileField(
        label=_("evidence files"), required=False,
        help_text=_("Photos, scans or PDFs showing the item put right; up to 10 MB each."),
    )

