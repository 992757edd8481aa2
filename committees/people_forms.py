"""Forms of people administration. Committee choices are the administered, active committees only: a committee
outside the subtree (or retired) posted by hand is refused at its field, like any choice not offered."""
from django import forms
from django.utils.translation import gettext_lazy as _

from studygroup.fields import ModelMultipleChoiceField

from .models import RoleKind, User

OUTSIDE = _("Choose a committee of the subtree you administer (retired committees are not offered).")


class CommitteeField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": OUTSIDE}

    def label_from_instance(self, committee):
        return f"{committee.name}（{committee.code}）"


class CommitteesField(ModelMultipleChoiceField):
    default_error_messages = {"invalid_choice": OUTSIDE, "invalid_pk_value": OUTSIDE}

    def label_from_instance(self, committee):
        return f"{committee.name}（{committee.code}）"


class RoleForm(forms.Form):
    committee = CommitteeField(label=_("committee"), queryset=None)
    kind = forms.ChoiceField(label=_("role"), choices=RoleKind.choices)

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees


class PersonCreateForm(RoleForm):
    username = forms.CharField(
        label=_("username"), max_length=150, validators=[User.username_validator],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),  # the administrator's own login is not filled in
    )
    full_name = forms.CharField(label=_("full name"), max_length=60)
    email = forms.EmailField(label=_("email address"), required=False)
    password = forms.CharField(
        label=_("initial password"), required=False, strip=False, widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to make a temporary password, shown once, to be changed at first login."),
    )
    must_change_password = forms.BooleanField(
        label=_("must change password at next login"), required=False, initial=True,
    )
    field_order = ["username", "full_name", "email", "password", "must_change_password", "committee", "kind"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("A user with this username already exists."))
        return username


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("full name"), max_length=60)
    email = forms.EmailField(label=_("email address"), required=False)


class AuditorForm(forms.Form):
    user = forms.ModelChoiceField(label=_("user"), queryset=None)
    home_committee = CommitteeField(label=_("home committee"), queryset=None)
    may_visit = CommitteesField(
        label=_("may visit (subtrees)"), queryset=None,
        help_text=_("The auditor may visit these committees and everything under them."),
    )
    workload_limit = forms.IntegerField(label=_("visits per draw period"), min_value=1, max_value=100, initial=5)
    active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, committees, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_committee"].queryset = committees
        self.fields["may_visit"].queryset = committees
        self.fields["may_visit"].widget.attrs["size"] = 8
        if users is None:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = users
