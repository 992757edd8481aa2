"""Supervision figures in the one metric registry (T12, T14 and the filing/rectification counts).

Drafts never count: a visit counts once submitted, and so do the rectification items raised at it (a draft's
items are the auditor's notes until then). T14 is a Coverage: the share of the depth-2 groups (counties,
districts, city departments) whose OWN group had a submitted visit in the year to date (reports.figures).
"""
from django.db.models import DateField
from django.db.models.functions import Cast, Now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports import metrics as registry
from reports.metrics import COUNT, Metric, register

from .models import FILING_KINDS

# The unit (次), in the registry's own context: a bare "sessions" is django.contrib.sessions' 会话.
SESSIONS = pgettext_lazy("unit", "sessions")

# The Activity metric shares the study metrics' scan of Activity by its indexed month column, where supported.
ACTIVITY_MONTH = {"month_field": "month"} if "month_field" in Metric.__dataclass_fields__ else {}

SUBMITTED = {"status": "submitted"}
OF_SUBMITTED_VISIT = {"visit__status": "submitted"}  # a rectification item counts once its visit is submitted
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
        key="visits_with_findings", label=_("Visits with findings"), source="supervision.Visit",
        filters={**SUBMITTED, "findings__gt": ""}, date_field="visited_on", committee_field="committee",
        unit=_("visits"), description=_("Submitted visits whose auditor wrote findings."), order=121,
    ),
    Metric(
        key="open_rectifications", label=_("Open rectification items"), source="supervision.Rectification",
        filters={**OF_SUBMITTED_VISIT, "status": "open"}, date_field="raised_on", committee_field="committee",
        unit=_("items"),
        description=_("Rectification items raised at submitted visits and not yet closed, by the month of the visit."),
        order=122,
    ),
    Metric(
        key="overdue_rectifications", label=_("Overdue rectification items"), source="supervision.Rectification",
        filters={**OF_SUBMITTED_VISIT, "status": "open", "due_on__lt": TODAY}, date_field="due_on",
        committee_field="committee", unit=_("items"),
        description=_("Open rectification items of submitted visits past their due date, by the month they fell due."),
        order=123,
    ),
    Metric(
        key="filed_sessions", label=_("Filed sessions"), source="supervision.Filing", date_field="planned_on",
        filters={"planned_on__isnull": False},  # never empty: the rollup ORs the filters of one source
        committee_field="committee", unit=SESSIONS,
        description=_("Sessions filed in advance (学习报备), by their planned date."), order=124,
    ),
    Metric(
        key="held_filings", label=_("Filed sessions held"), source="supervision.Filing",
        filters={"activity__isnull": False}, date_field="planned_on", committee_field="committee",
        unit=SESSIONS, description=_("Filed sessions linked to the session held, by their planned date."),
        order=124,
    ),
    Metric(
        key="unheld_filings", label=_("Filed sessions never held"), source="supervision.Filing",
        filters={"activity__isnull": True, "planned_on__lt": TODAY}, date_field="planned_on",
        committee_field="committee", unit=SESSIONS,
        description=_("Filed sessions whose day has passed with no session logged for them."), order=125,
    ),
    Metric(
        key="sessions_with_filing", label=_("Sessions held as filed"), source="sessions_app.Activity",
        filters={"kind__in": list(FILING_KINDS), "filing__isnull": False}, date_field="held_on",
        committee_field="committee", unit=SESSIONS,
        description=_("Study sessions and outreach lectures logged and linked to their filing."), order=126,
        **ACTIVITY_MONTH,
    ),
    Metric(
        key="sessions_without_filing", label=_("Sessions held without filing"), source="sessions_app.Activity",
        filters={"kind__in": list(FILING_KINDS), "filing__isnull": True}, date_field="held_on",
        committee_field="committee", unit=SESSIONS,
        description=_("Study sessions and outreach lectures logged with no filing linked to them."), order=126,
        **ACTIVITY_MONTH,
    ),
    Metric(
        key="filing_kind_sessions", label=_("Sessions held (filing kinds)"), source="sessions_app.Activity",
        filters={"kind__in": list(FILING_KINDS)}, date_field="held_on", committee_field="committee",
        unit=SESSIONS, description=_("Study sessions and outreach lectures logged, filed or not."), order=126,
        **ACTIVITY_MONTH,
    ),
)

if hasattr(registry, "Ratio"):
    register(registry.Ratio(
        key="filing_compliance", label=_("Filing compliance"), numerator="sessions_with_filing",
        denominator="filing_kind_sessions", order=127,
        description=_("Share of the sessions held that had been filed in advance."),
    ))

# T14 (全覆盖): the county-level and city-department groups themselves (depth 2), each visited at least once in
# the year to date. A visit to a grassroots committee under a county does not cover the county's own group.
register(registry.Coverage(
    key="visit_coverage", label=_("Sit-in visit coverage of county-level and department groups"),
    metric="sit_in_visits", depth=2, tally="T14", order=111,
    description=_("Share of the county, district and city-department groups in the subtree whose own group had at "
                  "least one submitted sit-in visit in the year to date."),
))
