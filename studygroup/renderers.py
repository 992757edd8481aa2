"""The form renderer (settings.FORM_RENDERER): Django's, with <select> written in Python.

Django renders a select through a template per option; a filter form whose committee select lists a city's
800 committees spent ~100 ms there on every list page (issue 12, `make load`). `render_select` writes the same
markup as Django's `select.html` and `select_option.html` (escaping included) without the template engine;
any other widget, or a select whose options use another template, goes through the templates as before.
"""
import html

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs):
    """As django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{escape(value)}"')
    return "".join(parts)


def _text(value):
    """conditional_escape without its lazy-string check: a select writes hundreds of these per page."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _option(option):
    attrs = option["attrs"]
    return (f'<option value="{html.escape(str(option["value"]))}"{_attrs(attrs) if attrs else ""}>'
            f'{_text(option["label"])}</option>')


def render_select(widget):
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(f"\n  {_option(option)}\n" for option in group_choices)  # the option template ends in a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def _plain_options(widget):
    return all(option["template_name"] == OPTION for _, group, _ in widget["optgroups"] for option in group)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name == SELECT and widget is not None and _plain_options(widget):
            return render_select(widget)
        return super().render(template_name, context, request=request)
