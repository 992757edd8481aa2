"""The REST API (/api/v1/): thin views over the pages' scope (api/access.py), forms and services (api/records.py)
and the figures' registry (the reader behind `manage.py stats --json`)."""
import json

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from assessment.models import PracticalTask
from committees.models import Committee, Member
from committees.scope import get_object_in_scope
from reports.figures import figures_for
from reports.management.commands.stats import Command as StatsCommand
from reports.months import parse_month
from reports.scoping import start_committee, uses_own
from sessions_app.forms import CorrectionReasonForm
from sessions_app.models import Activity
from sessions_app.services import activity_delete
from supervision.models import Filing, Rectification, Visit

from . import filters, serializers
from .access import readable, reads_subtree, require_writer, writable_records
from .errors import form_errors
from .reading import with_rows
from .records import Invalid, already_created, record_create, record_update


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
def not_found(request):
    raise NotFound()


# A list and a detail of one resource in the caller's scope (api/access.py `readable`), in `ordering`. (Comments, not
# docstrings, on the views and serializers: drf-spectacular publishes a class's docstring, inherited ones too.)
class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    resource = None
    ordering = ("id",)

    def get_queryset(self):
        return self.shape(readable(self.request.user, self.resource))

    def shape(self, queryset):
        return queryset.select_related("committee").order_by(*self.ordering)

    def get_object(self):
        return get_object_in_scope(self.get_queryset(), pk=self.kwargs["pk"])


def scoped_viewset(resource, model, serializer, filterset, ordering):
    """The read-only viewset of `resource`: its rows (api/access.py), what it shows, its filters, its order."""
    return type(f"{model.__name__}ViewSet", (ScopedReadOnlyViewSet,), {
        "queryset": model.objects.none(),  # the schema's model; rows come from get_queryset()
        "resource": resource, "serializer_class": serializer, "filterset_class": filterset, "ordering": ordering,
    })


@extend_schema_view(list=extend_schema(summary="Committees of the caller's subtree"),
                    retrieve=extend_schema(summary="One committee"))
class CommitteeViewSet(ScopedReadOnlyViewSet):
    # Committees in tree order, each with the code of the committee above (one subquery, not a query a row).
    queryset = Committee.objects.none()  # the schema's model; rows come from get_queryset()
    resource = "committees"
    serializer_class = serializers.CommitteeSerializer
    filterset_class = filters.CommitteeFilter

    def shape(self, queryset):
        parent = Committee.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Committee.steplen))
        return queryset.annotate(parent_code=Subquery(parent.values("code")[:1])).order_by("path")


MemberViewSet = extend_schema_view(
    list=extend_schema(summary="Study-group members (the roster) in the caller's scope"),
    retrieve=extend_schema(summary="One member"),
)(scoped_viewset("members", Member, serializers.MemberSerializer, filters.MemberFilter,
                 ("committee__path", "order", "id")))
FilingViewSet = scoped_viewset("filings", Filing, serializers.FilingSerializer, filters.FilingFilter,
                               ("planned_on", "id"))
VisitViewSet = scoped_viewset("visits", Visit, serializers.VisitSerializer, filters.VisitFilter,
                              ("-visited_on", "-id"))
RectificationViewSet = scoped_viewset("rectifications", Rectification, serializers.RectificationSerializer,
                                      filters.RectificationFilter, ("due_on", "id"))
TaskViewSet = scoped_viewset("tasks", PracticalTask, serializers.TaskSerializer, filters.TaskFilter,
                             ("due_on", "id"))


REASON = OpenApiParameter(
    "reason", OpenApiTypes.STR, description="Required when the record's month is closed: the deletion is a correction.",
)


@extend_schema_view(
    list=extend_schema(summary="Study records of every kind, with attendance"),
    retrieve=extend_schema(summary="One study record"),
    create=extend_schema(summary="Log a record (as the record page does)", request=serializers.RecordWriteSerializer,
                         responses={201: serializers.RecordSerializer, 200: serializers.RecordSerializer}),
    update=extend_schema(summary="Change a record", request=serializers.RecordWriteSerializer),
    partial_update=extend_schema(summary="Change some facts of a record", request=serializers.RecordWriteSerializer),
    destroy=extend_schema(summary="Delete a record", parameters=[REASON]),
)
class RecordViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                    viewsets.ReadOnlyModelViewSet):
    queryset = Activity.objects.none()  # the schema's model; rows come from get_queryset()
    serializer_class = serializers.RecordSerializer
    filterset_class = filters.RecordFilter

    def get_queryset(self):
        return readable(self.request.user, "records").select_related("committee").order_by("-month", "-held_on", "-id")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else with_rows(page)

    def get_object(self):
        if self.action == "retrieve":
            return with_rows([get_object_in_scope(self.get_queryset(), pk=self.kwargs["pk"])])[0]
        require_writer(self.request.user)
        return get_object_in_scope(writable_records(self.request.user).select_related("committee"), pk=self.kwargs["pk"])

    def _payload(self):
        if not isinstance(self.request.data, dict):
            raise ValidationError({"non_field_errors": [_("Send the record as a JSON object.")]})
        return self.request.data

    def _shown(self, activity, code=status.HTTP_200_OK):
        activity = get_object_in_scope(readable(self.request.user, "records").select_related("committee"), pk=activity.pk)
        return Response(self.get_serializer(with_rows([activity])[0]).data, status=code)

    def create(self, request, *args, **kwargs):
        require_writer(request.user)
        payload = self._payload()
        existing = already_created(request.user, payload)
        if existing is not None:
            return self._shown(existing)
        try:
            activity = record_create(user=request.user, payload=payload)
        except Invalid as error:
            raise ValidationError(error.errors)
        return self._shown(activity, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        activity = self.get_object()
        try:
            activity = record_update(user=request.user, activity=activity, payload=self._payload())
        except Invalid as error:
            raise ValidationError(error.errors)
        return self._shown(activity)

    def destroy(self, request, *args, **kwargs):
        activity = self.get_object()
        reason = request.query_params.get("reason")
        if reason is None and isinstance(request.data, dict):
            reason = request.data.get("reason")
        form = CorrectionReasonForm({"reason": reason if isinstance(reason, str) else ""}, required=activity.month_closed)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        activity_delete(user=request.user, activity=activity, reason=form.cleaned_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


MONTH = OpenApiParameter("month", OpenApiTypes.STR, required=True, description="YYYY-MM", pattern=r"^\d{4}-\d{2}$")
COMMITTEE = OpenApiParameter(
    "committee", OpenApiTypes.STR, description="committee code (default: the first committee of the caller's roles)",
)


class StatisticsView(APIView):
    """The figures of `manage.py stats --json` for a committee and a month, year to date, read from the registry's
    stored values: for a reader of the committee's subtree (leader, auditor, administrator) exactly those; for a
    reader of the committee alone (its secretary) its own group's (`own_group`: true), as on the dashboard."""

    @extend_schema(summary="Figures of a committee's subtree for a month", parameters=[MONTH, COMMITTEE],
                   responses=serializers.StatisticsSerializer)
    def get(self, request):
        try:
            month = parse_month(request.query_params.get("month", ""))
        except (ValueError, OverflowError):
            raise ValidationError({"month": [_("Give the month as YYYY-MM, e.g. 2021-12.")]})
        code = request.query_params.get("committee")
        if code:
            committee = get_object_in_scope(readable(request.user, "committees"), code=code)
        else:
            committee = start_committee(request.user)
        figures = figures_for(committee, month)
        data = json.loads(StatsCommand()._json(committee, month, figures))
        subtree_readable = reads_subtree(request.user, committee)
        if not subtree_readable:
            data["figures"] = own_group_figures(figures, subtree_readable)
            data["own_group"] = True
        return Response(data)


def own_group_figures(figures, subtree_readable):
    """For a reader of the committee alone (its secretary): each figure as `reports.scoping.uses_own` chooses it for
    that reader (the one choice the pages make too): the committee's own group's, as the dashboard shows them, never
    sums over committees below; coverages (which speak of those committees) are left out."""
    return {
        f.key: {"value": f.shown(uses_own(f.definition, subtree_readable=subtree_readable)).value,
                "label": str(f.label), "tally": f.tally}
        for f in figures.items if f.own_value is not None or f.is_ratio
    }
