"""The form renderer writes <select> in Python: the markup must be exactly what Django's templates write."""
from django import forms
from django.forms.renderers import DjangoTemplates
from hypothesis import given, settings
from hypothesis import strategies as st

from committees.models import Committee
from studygroup.renderers import FormRenderer

TEXT = st.text(alphabet=st.sampled_from(list("ab<>&\"' 中文，；")), max_size=6)
CHOICE = st.tuples(TEXT, TEXT)
CHOICES = st.lists(st.one_of(CHOICE, st.tuples(TEXT.filter(bool), st.lists(CHOICE, max_size=3))), max_size=6)


def both(widget, name, value, attrs=None):
    return (widget.render(name, value, attrs=attrs, renderer=DjangoTemplates()),
            widget.render(name, value, attrs=attrs, renderer=FormRenderer()))


@settings(max_examples=150, deadline=None)
@given(choices=CHOICES, value=st.one_of(st.none(), TEXT, st.lists(TEXT, max_size=3)), multiple=st.booleans(),
       name=TEXT, required=st.booleans(), disabled=st.booleans())
def test_a_select_is_written_as_django_writes_it(choices, value, multiple, name, required, disabled):
    widget = (forms.SelectMultiple if multiple else forms.Select)(choices=choices, attrs={"class": "form-select"})
    attrs = {"id": f"id_{name}", "required": required, "disabled": disabled}
    django_markup, ours = both(widget, name, value, attrs)
    assert ours == django_markup


def test_a_model_select_in_a_form_is_written_as_django_writes_it(db):
    Committee.objects.add_root({"code": "c1", "name": "市委<&>", "kind": "city"})

    class Pick(forms.Form):
        committee = forms.ModelChoiceField(Committee.objects.all(), required=False)
        status = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙")], initial="b")

    form = Pick(data={"committee": str(Committee.objects.get().pk)})
    ours = str(form["committee"]) + str(form["status"])
    form.renderer = DjangoTemplates()
    assert ours == str(form["committee"]) + str(form["status"])
    assert "市委&lt;&amp;&gt;" in ours and "selected" in ours


def test_a_select_whose_options_use_another_template_goes_through_the_templates():
    class Special(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Special(choices=[("a", "甲")])
    django_markup, ours = both(widget, "x", "a")
    assert ours == django_markup


def test_lazy_and_safe_labels_are_written_as_django_writes_them():
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    widget = forms.Select(choices=[("a", gettext_lazy("Mine")), ("b", mark_safe("<b>甲</b>")), (3, "乙 & <丙>")])
    django_markup, ours = both(widget, "x", "b")
    assert ours == django_markup and "<b>甲</b>" in ours and "&amp; &lt;丙&gt;" in ours
