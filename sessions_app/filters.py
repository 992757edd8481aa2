"""The archive's filters. The committee choices come from the scope layer; bad values are ignored."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import Campaign, Committee, Theme

from .models import Activity, ActivityKind, Correction, CorrectionAction

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_FIELDS = ("title", "materials", "notes", "speaker", "site", "author", "led_by", "meeting_name", "inviting_body")


class ActivityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    kind = django_filters.MultipleChoiceFilter(
        label=_("kind"), choices=ActivityKind.choices, widget=forms.CheckboxSelectMultiple
    )
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("From"), widget=DATE)
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("To"), widget=DATE)
    month = django_filters.DateFilter(
        field_name="month", label=_("month"), input_formats=["%Y-%m", "%Y-%m-%d"], widget=forms.HiddenInput
    )
    campaign = django_filters.ModelChoiceFilter(label=_("campaign"), queryset=Campaign.objects.all())
    theme = django_filters.ModelChoiceFilter(label=_("theme"), queryset=Theme.objects.all())
    committee = django_filters.ModelChoiceFilter(
        label=_("committee"), queryset=Committee.objects.none(), method="filter_committee"
    )
    own = django_filters.BooleanFilter(
        label=_("Only the committee's own group (not those under it)"), method="filter_own",
        widget=forms.CheckboxInput,
    )
    late = django_filters.BooleanFilter(
        field_name="is_late", label=_("Only late entries"), method="filter_late", widget=forms.CheckboxInput
    )

    class Meta:
        model = Activity
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["committee"].queryset = Committee.objects.visible_to(user)
        self.form.fields["committee"].queryset = Committee.objects.visible_to(user)

    def filter_text(self, queryset, name, value):
        words = value.split()[:8]
        for word in words:
            queryset = queryset.filter(_any_text_field(word))
        return queryset

    def filter_committee(self, queryset, name, committee):
        # The committee and everything under it, unless "own" narrows to the committee itself.
        if self.form.cleaned_data.get("own"):
            return queryset.filter(committee=committee)
        return queryset.filter(committee__path__startswith=committee.path)

    def filter_own(self, queryset, name, value):
        return queryset  # applied together with the committee filter

    def filter_late(self, queryset, name, value):
        return queryset.filter(is_late=True) if value else queryset


def _any_text_field(word):
    query = Q()
    for field in TEXT_FIELDS:
        query |= Q(**{f"{field}__icontains": word})
    return query


class CorrectionFilter(django_filters.FilterSet):
    """The corrections list: by month (the record's month before or after a move), committee subtree, action."""

    month = django_filters.DateFilter(
        label=_("month"), method="filter_month", input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    committee = django_filters.ModelChoiceFilter(
        label=_("committee"), queryset=Committee.objects.none(), method="filter_committee"
    )
    action = django_filters.ChoiceFilter(label=_("action"), choices=CorrectionAction.choices)

    class Meta:
        model = Correction
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["committee"].queryset = Committee.objects.visible_to(user)
        self.form.fields["committee"].queryset = Committee.objects.visible_to(user).order_by("path")

    def filter_month(self, queryset, name, value):
        month = value.replace(day=1)
        return queryset.filter(Q(month=month) | Q(new_month=month))

    def filter_committee(self, queryset, name, committee):
        return queryset.filter(committee__path__startswith=committee.path)
