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


def subtree_filterset(model, dated, **choices):
    """The filters of a list of `model` rows: a committee's subtree, a date range on `dated`, and `choices`."""
    date_from, date_to = date_range(dated)
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(f"{model.__name__}Filter", (SubtreeFilterSet,), {
        "date_from": date_from, "date_to": date_to, **choices, "Meta": meta,
    })


def kinds(choices):
    # One column of the row itself: no join repeats a row, so no DISTINCT (django-filter's default), which would
    # make the count and the page compare every column of every row they read.
    return django_filters.MultipleChoiceFilter(label=_("kind"), choices=choices, distinct=False)


def status(choices):
    return django_filters.ChoiceFilter(label=_("status"), choices=choices)


RecordFilter = subtree_filterset(
    Activity, "held_on", kind=kinds(ActivityKind.choices),
    campaign=django_filters.ModelChoiceFilter(
        label=_("campaign (code)"), queryset=Campaign.objects.all(), to_field_name="code",
    ),
    theme=django_filters.ModelChoiceFilter(label=_("theme (code)"), queryset=Theme.objects.all(), to_field_name="code"),
)


FilingFilter = subtree_filterset(Filing, "planned_on", kind=kinds(FILING_KIND_CHOICES))
VisitFilter = subtree_filterset(Visit, "visited_on", kind=kinds(FILING_KIND_CHOICES))
RectificationFilter = subtree_filterset(Rectification, "due_on", status=status(RectificationStatus.choices))
TaskFilter = subtree_filterset(PracticalTask, "due_on", status=status(TaskStatus.choices))
