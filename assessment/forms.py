"""Forms of the assessment pages. Choices of committees always come from the scope layer."""
from decimal import Decimal

from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, CommitteeKind
from committees.scope import scope_for
from studygroup.dates import bound_form_dates

from .models import MAX_SAMPLE, AssessmentRule, PracticalTask, TaskLevel, TaskStatus, TestRound

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SELECT_LIMIT = 300  # more committees than this and a code field replaces the drop-down


def committee_field(queryset, *, label, help_text=""):
    """A drop-down of the committees, or (on a large tree) a field that takes a committee code."""
    if queryset.count() <= SELECT_LIMIT:
        return forms.ModelChoiceField(queryset=queryset, label=label, help_text=help_text)
    return forms.ModelChoiceField(
        queryset=queryset, to_field_name="code", label=label, widget=forms.TextInput,
        help_text=_("Type the committee's code, e.g. qqhr."),
        error_messages={"invalid_choice": _("No committee you may choose has this code.")},
    )


class TestRoundForm(forms.ModelForm):
    seed = forms.CharField(
        label=_("seed"), max_length=64, required=False,
        help_text=_("Leave empty for a fresh random seed. The seed is published with the draw."),
    )

    class Meta:
        model = TestRound
        fields = ["name", "held_on", "committee", "strata", "sample_size", "sample_rate", "pass_mark", "max_score"]
        widgets = {"held_on": DATE}
        help_texts = {
            "sample_size": _("How many members to draw …"),
            "sample_rate": _("… or which share of the members (%)."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A round covers a whole subtree: offer the upper levels of the tree.
        committees = Committee.objects.visible_to(user).filter(depth__lte=2)
        self.fields["committee"] = committee_field(committees, label=_("committee (scope of the draw)"))
        self.fields["sample_size"].widget.attrs.update({"min": 1, "max": MAX_SAMPLE})
        bound_form_dates(self, TestRound, "held_on")  # the model is checked by the service: show its bounds here
        self.order_fields(["name", "held_on", "committee", "strata", "sample_size", "sample_rate", "pass_mark",
                           "max_score", "seed"])

    def clean(self):
        data = super().clean()
        if data.get("sample_size") is None and data.get("sample_rate") is None and not self.has_error("sample_size"):
            self.add_error("sample_size", _("Give a sample size or a sample rate."))
        elif data.get("sample_size") is not None and data.get("sample_rate") is not None:
            self.add_error("sample_rate", _("Give a sample size or a sample rate, not both."))
        return data

    def _post_clean(self):
        pass  # the service validates and saves the round with its draw


class ScoreSheetForm(forms.Form):
    file = forms.FileField(
        label=_("Score sheet (XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_TYPE}"}),
        help_text=_("Columns: member id, name, committee code, score. Download the round's sheet to fill it in."),
    )


class ScoresForm(forms.Form):
    """One score field per sitting on the page, named score-<sitting id>."""

    def __init__(self, *args, sittings, test_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.sittings = sittings
        for sitting in sittings:
            self.fields[f"score-{sitting.id}"] = forms.DecimalField(
                label=sitting.member.name, required=False, min_value=Decimal("0"), max_value=test_round.max_score,
                max_digits=5, decimal_places=1, initial=sitting.score,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal", "class": "form-control-sm"}),
            )

    def rows(self):
        return [(sitting, self[f"score-{sitting.id}"]) for sitting in self.sittings]

    def scores(self):
        return {sitting.id: self.cleaned_data.get(f"score-{sitting.id}") for sitting in self.sittings}


class PracticalTaskForm(forms.ModelForm):
    class Meta:
        model = PracticalTask
        fields = ["committee", "title", "description", "due_on", "status", "completed_on"]
        widgets = {"due_on": DATE, "completed_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["committee"]  # a task stays with the committee that took it on
        else:
            writable = scope_for(user).writable_committees().order_by("path")
            self.fields["committee"] = committee_field(writable, label=_("committee"))
            if writable.count() == 1:
                self.fields["committee"].initial = writable.first()
        bound_form_dates(self, PracticalTask, "due_on", "completed_on")  # the service checks them again

    def clean(self):
        data = super().clean()
        missing_date = data.get("status") == TaskStatus.DONE and not data.get("completed_on")
        if missing_date and not self.has_error("completed_on"):
            self.add_error("completed_on", _("Give the date the task was completed."))
        return data

    def _post_clean(self):
        pass  # the service validates and saves


class TaskFilterForm(forms.Form):
    """The task list's filters; a bad value is dropped, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("level"), required=False, choices=[("", _("All levels")), *TaskLevel.choices])
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("All statuses")), *TaskStatus.choices]
    )
    year = forms.IntegerField(label=_("year due"), required=False, min_value=2000, max_value=2100)
    committee = forms.CharField(label=_("committee code"), required=False, max_length=40)

    def values(self):
        self.is_valid()  # cleaned_data keeps the valid fields either way
        return self.cleaned_data


class RankingFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", _("All kinds")), *CommitteeKind.choices])


class RuleForm(forms.ModelForm):
    class Meta:
        model = AssessmentRule
        fields = ["label", "weight", "threshold", "params", "active", "order"]
        widgets = {"params": forms.Textarea(attrs={"rows": 1, "class": "font-monospace"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["label"] = str(self.instance.display_label)  # the default label in the reader's language

    def clean_label(self):
        label = self.cleaned_data["label"]
        # An unchanged default label stays the source string, so it keeps following the reader's language.
        return self.instance.label if self.instance.pk and label == str(self.instance.display_label) else label

    def clean_params(self):
        params = self.cleaned_data.get("params")
        if params in (None, ""):
            return {}
        if not isinstance(params, dict):
            raise forms.ValidationError(_("Write the parameters as a JSON object, e.g. {\"months\": 12}."))
        mode = params.get("when_no_data")
        if mode is not None and mode not in ("zero", "full", "skip"):
            raise forms.ValidationError(_("when_no_data is one of zero, full or skip."))
        return params


RuleFormSet = modelformset_factory(AssessmentRule, form=RuleForm, extra=0, can_delete=False)
