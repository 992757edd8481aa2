"""The API's filters: date range, kind, campaign, theme (by code) and a committee's subtree (by code, among the
committees the caller may read: another one is an invalid choice, the same as one that does not exist)."""
import django_filters
from django.utils.translation import gettext_lazy as _

from assessment.models import PracticalTask, TaskStatus
from committees.models import Campaign, Committee, Member, Theme
from sessions_app.models import Activity, ActivityKind
from supervision.models import FILING_KIND_CHOICES, Filing, Rectification, RectificationStatus, Visit

from .access import readable


def readable_committees(request):
    if request is None:
        return Committee.objects.none()
    return readable(request.user, "committees")


class SubtreeFilterSet(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(
        label=_("committee (code): it and everything under it"), queryset=readable_committees, to_field_name="code",
        method="filter_subtree",
    )

    def filter_subtree(self, queryset, name, committee):
        return queryset.filter(committee__path__startswith=committee.path)


def date_range(field_name):
    return (
        django_filters.DateFilter(field_name=field_name, lookup_expr="gte", label=_("From (YYYY-MM-DD)")),
        django_filters.DateFilter(field_name=field_name, lookup_expr="lte", label=_("To (YYYY-MM-DD)")),
    )


class RecordFilter(SubtreeFilterSet):
    date_from, date_to = date_range("held_on")
    kind = django_filters.MultipleChoiceFilter(label=_("kind"), choices=ActivityKind.choices)
    campaign = django_filters.ModelChoiceFilter(
        label=_("campaign (code)"), queryset=Campaign.objects.all(), to_field_name="code"
    )
    theme = django_filters.ModelChoiceFilter(label=_("theme (code)"), queryset=Theme.objects.all(), to_field_name="code")

    class Meta:
        model = Activity
        fields = []


class MemberFilter(SubtreeFilterSet):
    active = django_filters.BooleanFilter(label=_("on the roster today"))

    class Meta:
        model = Member
        fields = []


class CommitteeFilter(django_filters.FilterSet):
    within = django_filters.ModelChoiceFilter(
        label=_("committee (code): it and everything under it"), queryset=readable_committees, to_field_name="code",
        field_name="code", method="filter_within",
    )

    class Meta:
        model = Committee
        fields = []

    def filter_within(self, queryset, name, value: str):  # the hint names the parameter's type in the schema
        return queryset.filter(path__startswith=value.path)


class FilingFilter(SubtreeFilterSet):
    date_from, date_to = date_range("planned_on")
    kind = django_filters.MultipleChoiceFilter(label=_("kind"), choices=FILING_KIND_CHOICES)

    class Meta:
        model = Filing
        fields = []


class VisitFilter(SubtreeFilterSet):
    date_from, date_to = date_range("visited_on")
    kind = django_filters.MultipleChoiceFilter(label=_("kind"), choices=FILING_KIND_CHOICES)

    class Meta:
        model = Visit
        fields = []


class RectificationFilter(SubtreeFilterSet):
    date_from, date_to = date_range("due_on")
    status = django_filters.ChoiceFilter(label=_("status"), choices=RectificationStatus.choices)

    class Meta:
        model = Rectification
        fields = []


class TaskFilter(SubtreeFilterSet):
    date_from, date_to = date_range("due_on")
    status = django_filters.ChoiceFilter(label=_("status"), choices=TaskStatus.choices)

    class Meta:
        model = PracticalTask
        fields = []
