"""One list idiom for every list page: a scoped queryset, a FilterSet, a Table, one pagination partial, and the
CSV/XLSX of exactly what the table shows (the same filter, the same order, the same columns, all pages).

Generalised from the archive (sessions_app/views/archive.py) and its corrections list:

    return render_list(request, "supervision/filings.html", queryset=selectors.filings_for(request.user),
                       filterset_class=FilingFilter, table_class=FilingTable, export_name="filings",
                       export_title=_("Filings"))

- the queryset is already narrowed to the user's scope (committees/scope.py); the filter's committee choices
  are the user's visible committees, and a committee outside them is 404, like a page that does not exist;
- `?export=csv` / `?export=xlsx` answer the table's `as_values()`: every column's `value_<name>` (or its plain
  text), through studygroup/spreadsheets.py, so user-typed cells are formula-safe;
- `?sort=` is the table's ordering (django-tables2), applied to the page and the export alike;
- a table is built from the same few cells: `committee_column()` (the name, sorted in tree order), `LinkColumn`
  (the link to the row's page, a second line on a phone; its export is the text), `badge()` for a status, and
  a field with choices shows its label without a render_ method.
"""
from dataclasses import dataclass

import django_filters
import django_tables2 as tables
from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from committees.models import Committee

from . import spreadsheets
from .audit import log_export

EXPORT_FORMATS = ("csv", "xlsx")
PER_PAGE = 25
TABLE_ATTRS = {"class": "table table-sm table-hover align-middle bg-white"}
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SMALL_HIDDEN = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class ListTable(tables.Table):
    """Base of every list table: the portal's table style and the one pagination partial."""

    class Meta:
        template_name = "partials/list_table.html"
        attrs = TABLE_ATTRS
        empty_text = _("Nothing matches these filters.")
        default = ""  # an empty cell is empty on the page and in the export alike


class LinkColumn(tables.Column):
    """The cell's text as the link to the row's page, `url(record)`. `below(record)` adds a second line shown
    only on a phone, for what the columns hidden there say; `after(record, table)` follows the link (an action
    of the row). The export is the text alone."""

    def __init__(self, url, *, below=None, after=None, link_class="", **kwargs):
        super().__init__(**kwargs)
        self.url, self.below, self.after, self.link_class = url, below, after, link_class

    def render(self, value, record, table):
        css = format_html(' class="{}"', self.link_class) if self.link_class else ""
        after = self.after(record, table) if self.after is not None else ""
        below = "" if self.below is None else format_html(
            '<div class="small text-secondary d-md-none">{}</div>', self.below(record))
        return format_html('<a{} href="{}">{}</a>{}{}', css, self.url(record), value, after, below)

    def value(self, value):
        return value


def committee_column(path="committee", *, link=None, order_by=None, **kwargs):
    """The column of a row's committee (`path` leads from the row to it): its name, sorted in tree order, and
    with `link(record)` the link to the row's page."""
    kwargs.setdefault("verbose_name", _("committee"))
    kwargs.update(accessor=f"{path}__name", order_by=order_by or (f"{path}__path",))
    return tables.Column(**kwargs) if link is None else LinkColumn(link, **kwargs)


def badge(style, text):
    """A status as a coloured badge (Bootstrap's `text-bg-<style>`)."""
    return format_html('<span class="badge text-bg-{}">{}</span>', style, text)


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet built for a user: its `committee` (when declared) offers the user's visible committees and
    narrows to the chosen committee's subtree. Subclasses set `committee_field` when the path is not
    `committee__path`."""

    committee_field = "committee"

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if "committee" in self.filters:
            # A city offers ~800 committees on every list page: the options are (id, name) pairs read as plain
            # values (no model object per option); the chosen one is still checked against the queryset.
            visible = Committee.objects.visible_to(user).order_by("path").only("pk", "name", "path")
            field = self.form.fields["committee"]
            self.filters["committee"].queryset = field.queryset = visible
            if isinstance(field, forms.ModelChoiceField):  # a code filter (CommitteeCodeFilter) offers no options
                empty = [] if field.empty_label is None else [("", field.empty_label)]
                field.widget.choices = empty + list(visible.values_list("pk", "name"))

    def filter_committee(self, queryset, name, committee):
        return queryset.filter(**{f"{self.committee_field}__path__startswith": committee.path})


def date_range(field_name, from_label, to_label):
    """Two filters, from and to a day (both included), with the browser's date picker:
    `due_from, due_to = date_range("due_on", _("Due from"), _("Due by"))`."""
    return tuple(django_filters.DateFilter(field_name=field_name, lookup_expr=lookup, label=label, widget=DATE_INPUT)
                 for lookup, label in (("gte", from_label), ("lte", to_label)))


def committee_filter(**kwargs):
    """The committee filter every scoped list uses (the committee and everything under it)."""
    kwargs.setdefault("label", _("committee"))
    return django_filters.ModelChoiceFilter(queryset=Committee.objects.none(), method="filter_committee", **kwargs)


@dataclass
class ListView:
    filterset: object
    table: object
    query: str  # the query string without page and export, for the pagination and the export links


def build_list(request, *, queryset, table_class, filterset_class=None, filter_kwargs=None, per_page=PER_PAGE,
               table_kwargs=None):
    """Filter, sort and page `queryset` (already scoped) as the request asks. A committee out of scope in the
    filter is 404; any other bad filter value is ignored (left out of cleaned_data)."""
    filterset = None
    if filterset_class is not None:
        filterset = filterset_class(request.GET or None, queryset=queryset, user=request.user,
                                    **(filter_kwargs or {}))
        if filterset.is_bound and "committee" in filterset.errors and request.GET.get("committee"):
            raise Http404
        queryset = filterset.qs
    table = table_class(queryset, request=request, **(table_kwargs or {}))
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    query = request.GET.copy()
    for name in ("page", "export"):
        query.pop(name, None)
    return ListView(filterset=filterset, table=table, query=query.urlencode())


def table_rows(table):
    """The table's header and all its rows (every page) as cell values, read now (while the request's language
    is active: the CSV streams later)."""
    values = table.as_values()
    header = [str(cell) for cell in next(values)]
    return header, [[_cell(value) for value in row] for row in values]


def _cell(value):
    if value is None:
        return ""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def export_response(table, fmt, *, name, title):
    header, lines = table_rows(table)
    filename = f"{name}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        return spreadsheets.csv_response(filename, header, lines)
    return spreadsheets.xlsx_response(filename, str(title), header, lines)


def requested_export(request):
    fmt = request.GET.get("export", "")
    return fmt if fmt in EXPORT_FORMATS else None


def render_list(request, template, *, queryset, table_class, export_name, export_title, filterset_class=None,
                filter_kwargs=None, context=None, per_page=PER_PAGE, table_kwargs=None):
    """The list page, or its CSV/XLSX when `?export=` asks for one."""
    listed = build_list(request, queryset=queryset, table_class=table_class, filterset_class=filterset_class,
                        filter_kwargs=filter_kwargs, per_page=per_page, table_kwargs=table_kwargs)
    fmt = requested_export(request)
    if fmt is not None:
        log_export(request, export_name, fmt)
        return export_response(listed.table, fmt, name=export_name, title=export_title)
    return render(request, template, {
        "filter": listed.filterset, "table": listed.table, "list_query": listed.query, **(context or {}),
    })


class CommitteeCodeFilter(django_filters.CharFilter):
    """?committee=<code>: the committee and everything under it, where the figures of the page already read
    the committee by code. A code the user may not read is 404 (the same as one that does not exist)."""

    def __init__(self, *args, path_field="committee__path", **kwargs):
        kwargs.setdefault("label", _("committee code"))
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.path_field = path_field

    def filter(self, qs, value):
        if not value:
            return qs
        committee = Committee.objects.visible_to(self.parent.user).filter(code=value).first()
        if committee is None:
            raise Http404
        return qs.filter(**{f"{self.path_field}__startswith": committee.path})
