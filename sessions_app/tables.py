"""The archive's table; every column reads from the row or its select_related neighbours (no per-row query)."""
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Activity
from .presentation import key_figure

SMALL_HIDDEN = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class ActivityTable(tables.Table):
    held_on = tables.DateColumn(format="Y-m-d", verbose_name=_("date held"))
    committee = tables.Column(accessor="committee__name", order_by=("committee__path",), attrs=SMALL_HIDDEN)
    kind = tables.Column()
    title = tables.Column(verbose_name=_("topic"))
    figure = tables.Column(verbose_name=_("Key figure"), empty_values=(), orderable=False, attrs=SMALL_HIDDEN)
    is_late = tables.Column(verbose_name=_("Late entry"), empty_values=(), orderable=True)

    class Meta:
        model = Activity
        fields = ("held_on", "committee", "kind", "title", "figure", "is_late")
        order_by = ("-held_on",)
        attrs = {"class": "table table-sm table-hover align-middle bg-white"}
        empty_text = _("No records match these filters.")
        row_attrs = {"data-record": lambda record: record.pk}

    def render_title(self, value, record):
        url = reverse("sessions_app:detail", args=[record.pk])
        return format_html('<a href="{}">{}</a><div class="small text-secondary d-md-none">{}</div>', url, value,
                           record.committee.name)

    def render_kind(self, record):
        return record.get_kind_display()

    def render_figure(self, record):
        return key_figure(record)

    def render_is_late(self, record):
        if not record.is_late:
            return ""
        return format_html('<span class="badge text-bg-warning" title="{}">{}</span>',
                           _("Entered after the month closed"), _("Late entry"))
