"""{% table_rows table %}: a django-tables2 table's body rows, written in Python.

The same markup as the `table.tbody` block of django-tables2's bootstrap5 template (row attributes, each cell's
`td` attributes computed for its record, the cell localized as that template does, the empty text), without a
template render per cell: a list of 25 rows × 7 columns spent most of its time there (issue 12, `make load`).
Registered as the `studygroup_tables` library (settings.TEMPLATES); used by templates/django_tables2/studygroup.html.
"""
from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


def _cell(column, cell):
    if column.localize is None:
        return conditional_escape(localize(cell))
    return conditional_escape(str(localize(cell, use_l10n=bool(column.localize))))


@register.simple_tag
def table_rows(table):
    rows = []
    for row in table.paginated_rows:
        # BoundRow.items() sets the column's current record before each cell: td attributes may depend on it.
        cells = "".join(f"<td {column.attrs['td'].as_html()}>{_cell(column, cell)}</td>" for column, cell in row.items())
        rows.append(f"\n<tr {row.attrs.as_html()}>{cells}</tr>")
    if not rows and table.empty_text:
        rows.append(f'\n<tr><td colspan="{len(table.columns)}">{conditional_escape(table.empty_text)}</td></tr>')
    return mark_safe("".join(rows))
