"""Supervision figures in the one metric registry (T12, T14 and the filing/rectification counts).

T14 (coverage: share of depth-2 groups visited at least once in the year) is a share of committees, not a
count of rows, so the registry cannot express it yet; `supervision.selectors.visit_coverage` computes it.
"""
from django.db.models import DateField
from django.db.models.functions import Cast, Now
from django.utils.translation import gettext_lazy as _

from reports.metrics import COUNT, Metric, register

from .models import FILING_KINDS

SUBMITTED = {"status": "submitted"}
TODAY = Cast(Now(), output_field=DateField())

register(
    Metric(
        key="sit_in_visits", label=_("Sit-in visits"), source="supervision.Visit", filters=SUBMITTED,
        aggregate=COUNT, date_field="visited_on", committee_field="committee", unit=_("visits"), tally="T12",
        description=_("Sit-in visits (列席旁听) to study sessions and outreach lectures, by the committee visited."),
        order=120,
    ),
    Metric(
        key="visit_discrepancies", label=_("Head-count discrepancies"), source="supervision.Visit",
        filters={**SUBMITTED, "discrepancy": True}, date_field="visited_on", committee_field="committee",
        unit=_("visits"), description=_("Visits whose observed head count differs from the reported attendance."),
        order=121,
    ),
    Metric(
        key="open_rectifications", label=_("Open rectification items"), source="supervision.Rectification",
        filters={"status": "open"}, date_field="raised_on", committee_field="committee", unit=_("items"),
        description=_("Rectification items raised at visits and not yet closed, by the month of the visit."),
        order=122,
    ),
    Metric(
        key="overdue_rectifications", label=_("Overdue rectification items"), source="supervision.Rectification",
        filters={"status": "open", "due_on__lt": TODAY}, date_field="due_on", committee_field="committee",
        unit=_("items"), description=_("Open rectification items past their due date, by the month they fell due."),
        order=123,
    ),
    Metric(
        key="filed_sessions", label=_("Filed sessions"), source="supervision.Filing", date_field="planned_on",
        committee_field="committee", unit=_("sessions"),
        description=_("Sessions filed in advance (学习报备), by their planned date."), order=124,
    ),
    Metric(
        key="filed_sessions_held", label=_("Filed sessions held"), source="supervision.Filing",
        filters={"activity__isnull": False}, date_field="planned_on", committee_field="committee",
        unit=_("sessions"), description=_("Filed sessions that were then logged as held."), order=125,
    ),
    Metric(
        key="sessions_without_filing", label=_("Sessions held without filing"), source="sessions_app.Activity",
        filters={"kind__in": list(FILING_KINDS), "filing__isnull": True}, date_field="held_on",
        committee_field="committee", unit=_("sessions"),
        description=_("Study sessions and outreach lectures logged with no filing linked to them."), order=126,
    ),
)
