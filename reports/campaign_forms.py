"""The forms of the campaign and theme pages: they read the input's shape; committees/campaigns.py's services
decide the rest (editions, codes, records already tagged) and their messages land at the same fields."""
from django import forms
from django.utils.translation import gettext_lazy as _

from committees.campaigns import managed_committees, may_cover_whole_tree
from committees.models import Campaign
from studygroup.dates import bound_form_dates

DATE_WIDGET = {"type": "date"}
MAX_COMMITTEE_CHOICES = 500  # a phone's list: the user's own committee first, then its subtree by path

CODE_HELP = _(
    "Lower-case letters, digits and hyphens, e.g. study-month-2026. Leave it empty to have one made from the name "
    "and the year. It cannot be changed after the campaign is saved: it is part of the keys of its figures (the "
    "dashboard, the bulletin and stats --json name them by it)."
)
THEME_CODE_HELP = _(
    "Lower-case letters, digits and hyphens, e.g. congress-20. Leave it empty to have one made from the name. It "
    "cannot be changed after the theme is saved: it is part of the keys of its figures."
)
EDITION_HELP = _(
    "Another edition of the same campaign (the same organising committee, and the same name or a code that differs "
    "only by its year, like study-month-2025 and study-month-2026) may not overlap this period."
)


class CommitteeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _OrganisedForm(forms.Form):
    """The organising committee: the user's own or one under it, the user's own first."""

    def _organiser_field(self, user, label):
        managed = managed_committees(user).order_by("path")
        whole_tree = may_cover_whole_tree(user)
        field = CommitteeChoiceField(
            label=label, queryset=managed, required=not whole_tree,
            empty_label=_("The whole tree") if whole_tree else None,
            help_text=_("The campaign covers this committee and every committee under it."),
        )
        shown = list(managed[:MAX_COMMITTEE_CHOICES])
        chosen = self.initial.get("committee")
        if chosen is not None and all(c.pk != getattr(chosen, "pk", chosen) for c in shown):
            shown += list(managed.filter(pk=getattr(chosen, "pk", chosen)))
        top = min((c.depth for c in shown), default=1)
        indent = "\u3000"  # an ideographic space: the tree reads on a phone without markup
        field.widget.choices = ([("", field.empty_label)] if whole_tree else []) + [
            (c.pk, f"{indent * (c.depth - top)}{c.name}") for c in shown
        ]
        return field

    def apply_errors(self, error):
        """A service's ValidationError, at the fields it names (else above the form)."""
        for field, messages in error.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class CampaignForm(_OrganisedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.CharField(label=_("Code"), max_length=40, required=False, help_text=CODE_HELP)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
                              help_text=EDITION_HELP)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["name", "code", "committee", "starts_on", "ends_on", "description"]

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"] = self._organiser_field(user, _("Organised by"))
        self.order_fields(self.field_order)
        if editing:
            del self.fields["code"]
        else:
            self.fields["code"].widget.attrs.update({"autocapitalize": "none", "spellcheck": "false",
                                                     "pattern": "[a-z0-9][a-z0-9-]*"})
        bound_form_dates(self, Campaign, "starts_on", "ends_on")

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().lower()


class ThemeForm(_OrganisedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.CharField(label=_("Code"), max_length=40, required=False, help_text=THEME_CODE_HELP)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"] = self._organiser_field(user, _("Set by"))
        self.fields["committee"].help_text = _("The committee that set the theme: yours or one under it.")
        if editing:
            del self.fields["code"]
        else:
            self.fields["code"].widget.attrs.update({"autocapitalize": "none", "spellcheck": "false"})

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().lower()
