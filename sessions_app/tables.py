"""The archive's table; every column reads from the row or its select_related neighbours (no per-row query)."""
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .corrections import as_text, labelled
from .models import Activity, ActivityKind, Correction
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
        return ActivityKind(record.kind).label  # get_kind_display() rebuilds a dict of the choices for every row

    def render_figure(self, record):
        return key_figure(record)

    def render_is_late(self, record):
        if not record.is_late:
            return ""
        return format_html('<span class="badge text-bg-warning" title="{}">{}</span>',
                           _("Entered after the month closed"), _("Late entry"))


class CorrectionTable(tables.Table):
    """The corrections list; its CSV/XLSX are exactly these columns (value_* give the text of a cell)."""

    made_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("corrected at"))
    committee_name = tables.Column(verbose_name=_("committee"), order_by=("committee__path",), attrs=SMALL_HIDDEN)
    record_title = tables.Column(verbose_name=_("study record"))
    month = tables.Column(verbose_name=_("month"))
    action = tables.Column(attrs=SMALL_HIDDEN)
    reason = tables.Column(orderable=False)
    changes = tables.Column(verbose_name=_("changes"), orderable=False, attrs=SMALL_HIDDEN)
    made_by = tables.Column(verbose_name=_("corrected by"), empty_values=(), order_by=("made_by__username",),
                            attrs=SMALL_HIDDEN)

    class Meta:
        model = Correction
        fields = ("made_at", "committee_name", "record_title", "month", "action", "reason", "changes", "made_by")
        order_by = ("-made_at",)
        attrs = {"class": "table table-sm table-hover align-middle bg-white"}
        empty_text = _("No corrections match these filters.")
        row_attrs = {"data-correction": lambda record: record.pk}

    def render_record_title(self, value, record):
        if record.record_id:
            link = format_html('<a href="{}">{}</a>', reverse("sessions_app:detail", args=[record.record_id]), value)
        else:
            link = format_html('{} <span class="badge text-bg-secondary">{}</span>', value, _("deleted"))
        # On a phone the hidden columns' facts come under the title.
        return format_html(
            '{}<div class="small text-secondary">{} · №{}<span class="d-md-none"> · {} · {} · {}</span></div>',
            link, record.get_record_kind_display(), record.record_number, record.committee_name,
            record.get_action_display(), self.value_made_by(record),
        )

    def value_record_title(self, value, record):
        return f"{value}（{record.get_record_kind_display()}，№{record.record_number}）"

    def render_month(self, record):
        return self.value_month(record)

    def value_month(self, record):
        text = f"{record.month:%Y-%m}"
        return f"{text} → {record.new_month:%Y-%m}" if record.new_month else text

    def render_action(self, record):
        return record.get_action_display()

    def value_action(self, record):
        return str(record.get_action_display())

    def render_changes(self, record):
        changes = labelled(record.changes)
        if not changes:
            return "—"
        items = format_html_join("", "<li>{}：<del class='text-secondary'>{}</del> → <ins>{}</ins></li>", changes)
        listed = format_html('<ul class="small mb-0 ps-3">{}</ul>', items)
        if len(changes) <= 4:
            return listed
        return format_html('<details><summary class="small">{}</summary>{}</details>',
                           _("%(count)s changes") % {"count": len(changes)}, listed)

    def value_changes(self, record):
        return as_text(record.changes)

    def render_made_by(self, record):
        return self.value_made_by(record)

    def value_made_by(self, record):
        return str(record.made_by) if record.made_by else ""
