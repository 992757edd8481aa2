"""The assessment lists (practical-matter tasks, knowledge-test rounds, a round's scores, the annual ranking) in the
portal's one list idiom (studygroup/lists.py): a FilterSet and a Table each; CSV/XLSX are the table's columns."""
import django_filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committees import policy
from committees.models import CommitteeKind
from studygroup.lists import (
    SMALL_HIDDEN,
    CommitteeCodeFilter,
    LinkColumn,
    ListTable,
    ScopedFilterSet,
    badge,
    committee_column,
)

from .models import AssessmentScore, PracticalTask, TaskLevel, TaskStatus, TestRound, TestSitting

STATUS_BADGES = {TaskStatus.DONE: "success", TaskStatus.IN_PROGRESS: "primary"}


class TaskFilter(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=100)
    level = django_filters.ChoiceFilter(label=_("level"), choices=TaskLevel.choices, empty_label=_("All levels"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=TaskStatus.choices,
                                         empty_label=_("All statuses"))
    year = django_filters.NumberFilter(field_name="due_on", lookup_expr="year", label=_("year due"),
                                       min_value=2000, max_value=2100)
    committee = CommitteeCodeFilter()

    class Meta:
        model = PracticalTask
        fields = []

    def filter_text(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


def _edit_link(task, table):
    if not policy.may(table.request.user, policy.WRITE, task.committee):
        return ""
    return format_html(' · <a class="small" href="{}">{}</a>', reverse("assessment:task_edit", args=[task.pk]),
                       _("Edit"))


class TaskTable(ListTable):
    title = LinkColumn(lambda task: reverse("assessment:task_detail", args=[task.pk]), link_class="fw-semibold",
                       after=_edit_link, below=lambda task: task.committee.name)
    committee = committee_column(attrs=SMALL_HIDDEN)
    level = tables.Column(attrs=SMALL_HIDDEN)
    due_on = tables.DateColumn(format="Y-m-d")
    status = tables.Column()
    completed_on = tables.DateColumn(format="Y-m-d", attrs=SMALL_HIDDEN)

    class Meta(ListTable.Meta):
        model = PracticalTask
        fields = ("title", "committee", "level", "due_on", "status", "completed_on")
        order_by = ("-due_on",)
        empty_text = _("No practical-matter tasks here.")
        row_attrs = {"data-task": lambda record: record.pk}

    def value_status(self, record):
        return str(record.get_status_display())

    def render_status(self, record):
        return badge(STATUS_BADGES.get(record.status, "secondary"), record.get_status_display())


class RoundFilter(ScopedFilterSet):
    year = django_filters.NumberFilter(field_name="held_on", lookup_expr="year", label=_("year"),
                                       min_value=2000, max_value=2100)
    committee = CommitteeCodeFilter()

    class Meta:
        model = TestRound
        fields = []


class RoundTable(ListTable):
    held_on = tables.DateColumn(format="Y-m-d")
    name = LinkColumn(lambda test_round: reverse("assessment:round_detail", args=[test_round.pk]))
    committee = committee_column(attrs=SMALL_HIDDEN)
    drawn_count = tables.Column()
    candidate_count = tables.Column(attrs=SMALL_HIDDEN)
    strata = tables.Column(attrs=SMALL_HIDDEN)

    class Meta(ListTable.Meta):
        model = TestRound
        fields = ("held_on", "name", "committee", "drawn_count", "candidate_count", "strata")
        order_by = ("-held_on",)
        empty_text = _("No knowledge-test rounds yet.")
        row_attrs = {"data-round": lambda record: record.pk}


class SittingFilter(ScopedFilterSet):
    scored = django_filters.ChoiceFilter(label=_("score"), method="filter_scored", choices=[
        ("yes", _("Scored")), ("no", _("Not scored yet")), ("failed", _("below the pass mark"))])
    committee = CommitteeCodeFilter()

    class Meta:
        model = TestSitting
        fields = []

    def filter_scored(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(score__isnull=False)
        if value == "no":
            return queryset.filter(score__isnull=True)
        return queryset.filter(passed=False)


class SittingTable(ListTable):
    member_id = tables.Column(verbose_name=_("member id"), attrs={"td": {"class": "font-monospace"}})
    member = tables.Column(accessor="member__name", verbose_name=_("name"), order_by=("member__name",))
    committee = committee_column(order_by=("committee__path", "member__order"))
    stratum = tables.Column(attrs=SMALL_HIDDEN)
    score = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    passed = tables.Column()

    class Meta(ListTable.Meta):
        model = TestSitting
        fields = ("member_id", "member", "committee", "stratum", "score", "passed")
        empty_text = _("No members drawn.")
        row_attrs = {"data-sitting": lambda record: record.pk}

    def value_passed(self, record):
        if record.passed is None:
            return ""
        return str(_("Yes") if record.passed else _("No"))

    def render_passed(self, record):
        if record.passed is False:
            return badge("warning", _("below the pass mark"))
        return self.value_passed(record)


class RankingFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(field_name="committee__kind", label=_("kind"), choices=CommitteeKind.choices,
                                       empty_label=_("All kinds"))

    class Meta:
        model = AssessmentScore
        fields = []


class RankingTable(ListTable):
    rank = tables.Column(verbose_name=_("rank"), order_by=("-points", "committee__path"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    committee = committee_column(link=lambda score: reverse("assessment:score", args=[score.year, score.committee.code]))
    kind = tables.Column(accessor="committee__kind", verbose_name=_("kind"), attrs=SMALL_HIDDEN)
    points = tables.Column(attrs={"td": {"class": "text-end fw-semibold"}, "th": {"class": "text-end"}})
    max_points = tables.Column(attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})

    class Meta(ListTable.Meta):
        model = AssessmentScore
        fields = ("rank", "committee", "kind", "points", "max_points")
        empty_text = _("No scores for this year yet.")
        row_attrs = {"data-committee": lambda record: record.committee.code}
