"""The attendance list (出勤) in the portal's one list idiom (studygroup/lists.py): one row per member per record
of the committees the user reads, filtered and exported exactly as shown."""
import django_filters
import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees import policy
from studygroup.lists import SMALL_HIDDEN, ListTable, ScopedFilterSet, committee_filter

from .models import ATTENDANCE_KINDS, ActivityKind, Attendance, AttendanceStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def attendance_visible(user):
    return policy.restrict(Attendance.objects.all(), user, policy.READ, field="activity__committee").select_related(
        "activity__committee", "member")


class AttendanceFilter(ScopedFilterSet):
    committee_field = "activity__committee"

    held_from = django_filters.DateFilter(field_name="activity__held_on", lookup_expr="gte", label=_("From"),
                                          widget=DATE)
    held_to = django_filters.DateFilter(field_name="activity__held_on", lookup_expr="lte", label=_("To"),
                                        widget=DATE)
    kind = django_filters.ChoiceFilter(field_name="activity__kind", label=_("kind"),
                                       choices=[(k.value, k.label) for k in ActivityKind if k in ATTENDANCE_KINDS])
    status = django_filters.ChoiceFilter(label=_("attendance"), choices=AttendanceStatus.choices)
    member = django_filters.CharFilter(field_name="member__name", lookup_expr="icontains", label=_("member"),
                                       max_length=60)
    committee = committee_filter()

    class Meta:
        model = Attendance
        fields = []


class AttendanceTable(ListTable):
    held_on = tables.DateColumn(accessor="activity__held_on", format="Y-m-d", verbose_name=_("date held"))
    committee = tables.Column(accessor="activity__committee__name", order_by=("activity__committee__path",),
                              verbose_name=_("committee"), attrs=SMALL_HIDDEN)
    record = tables.Column(accessor="activity__title", verbose_name=_("study record"))
    member = tables.Column(accessor="member__name", verbose_name=_("member"))
    status = tables.Column()
    reason = tables.Column(attrs=SMALL_HIDDEN)
    made_up_on = tables.DateColumn(format="Y-m-d", attrs=SMALL_HIDDEN)

    class Meta(ListTable.Meta):
        model = Attendance
        fields = ("held_on", "committee", "record", "member", "status", "reason", "made_up_on")
        order_by = ("-held_on",)
        empty_text = _("No attendance matches these filters.")
        row_attrs = {"data-attendance": lambda record: record.pk}

    def render_record(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("sessions_app:detail", args=[record.activity_id]), value)

    def value_record(self, value):
        return value

    def render_status(self, record):
        return record.get_status_display()
