"""The supervision lists (filings, visits, rectification items) in the portal's one list idiom (studygroup/lists.py):
a FilterSet and a Table each; the CSV/XLSX are the table's own columns (value_* give a cell's text)."""
import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees import policy
from studygroup.lists import (
    SMALL_HIDDEN,
    LinkColumn,
    ListTable,
    ScopedFilterSet,
    badge,
    committee_column,
    committee_filter,
    date_range,
)

from .models import FILING_KIND_CHOICES, Filing, Rectification, RectificationStatus, Visit

FILING_STATUSES = [("upcoming", _("Upcoming")), ("held", _("Held")), ("unheld", _("Never held"))]
RECTIFICATION_STATUSES = [*RectificationStatus.choices, ("overdue", _("Overdue"))]
YES = [("1", _("Yes"))]


class FilingFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=FILING_STATUSES, method="filter_status")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=FILING_KIND_CHOICES)
    planned_from, planned_to = date_range("planned_on", _("From"), _("To"))
    committee = committee_filter()

    class Meta:
        model = Filing
        fields = []

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "upcoming":
            return queryset.filter(planned_on__gte=today)
        if value == "held":
            return queryset.filter(activity__isnull=False)
        return queryset.unheld(today)


class FilingTable(ListTable):
    planned_on = tables.DateColumn(format="Y-m-d")
    committee = committee_column(attrs=SMALL_HIDDEN)
    kind = tables.Column()
    topic = LinkColumn(lambda filing: reverse("supervision:filing", args=[filing.pk]),
                       below=lambda filing: filing.committee.name)
    place = tables.Column(attrs=SMALL_HIDDEN)
    state = tables.Column(verbose_name=_("status"), empty_values=(), orderable=False)

    class Meta(ListTable.Meta):
        model = Filing
        fields = ("planned_on", "committee", "kind", "topic", "place", "state")
        order_by = ("-planned_on",)
        empty_text = _("No filings.")
        row_attrs = {"data-filing": lambda record: record.pk}

    def value_state(self, record):
        if record.activity_id:
            return str(_("Held"))
        return str(_("Never held") if record.planned_on < timezone.localdate() else _("Upcoming"))

    def render_state(self, record):
        style = "success" if record.activity_id else (
            "warning" if record.planned_on < timezone.localdate() else "secondary")
        state = badge(style, self.value_state(record))
        if record.activity_id or record.planned_on > timezone.localdate() or not self._may_link(record):
            return state
        return format_html('{} <a class="btn btn-sm btn-outline-primary ms-1" href="{}">{}</a>', state,
                           reverse("supervision:filing_link", args=[record.pk]), _("Link the session held"))

    def _may_link(self, record):
        return policy.may(self.request.user, policy.WRITE, record.committee)


class VisitFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=FILING_KIND_CHOICES)
    visited_from, visited_to = date_range("visited_on", _("From"), _("To"))
    committee = committee_filter()
    discrepancy = django_filters.ChoiceFilter(label=_("Head-count discrepancies"), choices=YES,
                                              method="filter_discrepancy")
    findings = django_filters.ChoiceFilter(label=_("With findings"), choices=YES, method="filter_findings")
    mine = django_filters.ChoiceFilter(label=_("Mine"), choices=YES, method="filter_mine")

    class Meta:
        model = Visit
        fields = []

    def filter_discrepancy(self, queryset, name, value):
        return queryset.filter(discrepancy=True)

    def filter_findings(self, queryset, name, value):
        return queryset.exclude(findings="")

    def filter_mine(self, queryset, name, value):
        return queryset.filter(auditor__user=self.user)


class VisitTable(ListTable):
    visited_on = tables.DateColumn(format="Y-m-d")
    committee = committee_column(link=lambda visit: reverse(
        "supervision:visit_edit" if visit.is_draft else "supervision:visit", args=[visit.pk]))
    kind = tables.Column(attrs=SMALL_HIDDEN)
    auditor = tables.Column(accessor="auditor__user", order_by=("auditor__user__username",), attrs=SMALL_HIDDEN)
    observed_count = tables.Column(attrs=SMALL_HIDDEN)
    reported_count = tables.Column(attrs=SMALL_HIDDEN)
    discrepancy = tables.Column()
    status = tables.Column()

    class Meta(ListTable.Meta):
        model = Visit
        fields = ("visited_on", "committee", "kind", "auditor", "observed_count", "reported_count", "discrepancy",
                  "status")
        order_by = ("-visited_on",)
        empty_text = _("No visits.")
        row_attrs = {"data-visit": lambda record: record.pk}

    def render_auditor(self, value):
        return str(value)

    def value_discrepancy(self, value):
        return str(_("Yes") if value else _("No"))

    def render_discrepancy(self, value):
        if not value:
            return self.value_discrepancy(value)
        return badge("danger", _("Discrepancy"))


class RectificationFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=RECTIFICATION_STATUSES, method="filter_status")
    due_from, due_to = date_range("due_on", _("Due from"), _("Due by"))
    committee = committee_filter()

    class Meta:
        model = Rectification
        fields = []

    def filter_status(self, queryset, name, value):
        if value == "overdue":
            return queryset.overdue(timezone.localdate())
        return queryset.filter(status=value)


class RectificationTable(ListTable):
    raised_on = tables.DateColumn(format="Y-m-d", attrs=SMALL_HIDDEN)
    committee = committee_column(attrs=SMALL_HIDDEN)
    description = LinkColumn(lambda item: reverse("supervision:rectification", args=[item.pk]),
                             below=lambda item: f"{item.committee.name} · {item.owner}")
    owner = tables.Column(attrs=SMALL_HIDDEN)
    due_on = tables.DateColumn(format="Y-m-d")
    status = tables.Column()

    class Meta(ListTable.Meta):
        model = Rectification
        fields = ("raised_on", "committee", "description", "owner", "due_on", "status")
        order_by = ("due_on",)
        empty_text = _("No rectification items.")
        row_attrs = {"data-rectification": lambda record: record.pk}

    def value_status(self, record):
        if record.status == RectificationStatus.OPEN and record.due_on < timezone.localdate():
            return str(_("Overdue"))
        return str(record.get_status_display())

    def render_status(self, record):
        text = self.value_status(record)
        style = "success" if record.status == RectificationStatus.DONE else (
            "danger" if text == str(_("Overdue")) else "warning")
        return badge(style, text)
