"""The outline editor's forms: the title, the paragraphs (a formset, ordered, deletable), the preview's choices.

Every text is checked against the figures that exist now: an unknown placeholder or a bad format is an error at
its field, naming the placeholder, and nothing is saved.
"""
from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from . import outline as grammar
from .forms import MonthField
from .outline_services import MAX_PARAGRAPHS, check_text, clean_text

PLACEHOLDER_HELP = _(
    "Figures in braces, e.g. {study_sessions}, {campaign.<code>.thematic_sessions}; formats: {key:month} for the "
    "month alone, {key:words} for small numbers in words, {key:wan} for ten-thousands, {key:full} (a percentage) "
    "keeps its [part] only at 100% and prints nothing, {key:partial} only below; context: {month}, {year}, "
    "{committee}, {group}, {area}. A part in [square brackets] is left out when its figures are zero."
)


def _checked(text):
    try:
        check_text(text)
    except grammar.OutlineError as error:
        raise forms.ValidationError(str(error), code="placeholder") from error
    return text


class OutlineTitleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, help_text=PLACEHOLDER_HELP)

    def clean_title(self):
        title = clean_text(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Give the bulletin a title."), code="required")
        return _checked(title)


class ParagraphForm(forms.Form):
    text = forms.CharField(
        label=_("Paragraph"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control font-monospace-sm"}),
    )

    def clean_text(self):
        text = clean_text(self.cleaned_data["text"])
        return _checked(text) if text else text


ParagraphFormSet = formset_factory(
    ParagraphForm, extra=2, can_order=True, can_delete=True, max_num=MAX_PARAGRAPHS, validate_max=True,
    absolute_max=MAX_PARAGRAPHS + 5,
)


def paragraph_texts(formset):
    """The kept paragraphs' texts in the order given (deleted and empty ones dropped)."""
    return [f.cleaned_data["text"] for f in formset.ordered_forms if f.cleaned_data.get("text")]


def paragraph_initial(texts):
    return [{"text": text, "ORDER": n + 1} for n, text in enumerate(texts)]


class PreviewForm(forms.Form):
    """Which committee and month the preview prints (query or posted; bad values fall back to defaults)."""

    preview_committee = forms.CharField(label=_("Committee"), required=False, max_length=40)
    preview_month = MonthField(label=_("Month"), required=False)

    def value(self, name):
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data.get(name) or None
