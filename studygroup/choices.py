"""Empty choices read “请选择” (Please choose) across the portal's forms, never Django's “---------”.

`PleaseChoose` is a form mixin: after the form's own __init__ it relabels the empty choice of every
single-choice field (a ModelChoiceField's `empty_label`, a ChoiceField's blank entry from a model field's
`blank=True` choices). Multiple-choice fields have no empty choice and are left alone.
"""
from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

PLEASE_CHOOSE = _("Please choose")
DASHES = BLANK_CHOICE_DASH[0][1]


def please_choose(fields):
    """Relabel the empty choice of each field in `fields` (a form's fields dict)."""
    for field in fields.values():
        if isinstance(field, forms.ModelMultipleChoiceField) or isinstance(field, forms.MultipleChoiceField):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = PLEASE_CHOOSE
                field.widget.choices = field.choices  # the widget copied the old iterator
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] in ("", None) and str(choices[0][1]) == DASHES:
                field.choices = [("", PLEASE_CHOOSE), *choices[1:]]


class PleaseChoose:
    """Form mixin: empty choices read “请选择”. List it before forms.Form / forms.ModelForm."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        please_choose(self.fields)


class PleaseChooseAdmin:
    """ModelAdmin mixin: the admin's action menu and its forms' empty choices read “请选择” too."""

    def get_action_choices(self, request, default_choices=None):
        return super().get_action_choices(request, [("", PLEASE_CHOOSE)])

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            please_choose({db_field.name: field})
        return field
