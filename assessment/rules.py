"""The rules engine of the annual assessment (年度目标考核).

Each rule key has a calculator (CALCULATORS, with the rule's default weight, threshold and params)
that measures every committee's own study group in one SQL GROUP BY
and returns {committee id: Measure}. An `AssessmentRule` row (weight, threshold, params, active) turns
a measure into points: weight × min(1, value / threshold).

Rules that read the supervision app (filings, visits, rectifications) come last and are used only
when its models are installed, so the assessment works before and after that app lands. A rule's row
is created with the calculator's defaults the first time the rules are read (services.assessment_rules_ensure),
so a new calculator joins the assessment without a data migration; edited rows are never overwritten.
"""
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from sessions_app.models import GROUP_SESSION_KINDS, Activity, Attendance, AttendanceStatus, PlanTopic

ZERO = Decimal("0")
CENT = Decimal("0.01")
NO_DATA_ZERO = "zero"  # no records: no points
NO_DATA_FULL = "full"  # no records: full points (e.g. nothing to rectify)
NO_DATA_SKIP = "skip"  # no records: the rule does not count; the others are scaled to the full score


@dataclass(frozen=True)
class Measure:
    numerator: int
    denominator: int
    value: Decimal | None  # a share in [0, 1]; None when there is nothing to measure
    details: dict = field(default_factory=dict)


def share(numerator, denominator):
    if not denominator:
        return None
    return min(Decimal(1), Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def supervision_model(name):
    """The supervision app's model, or None while that app has not built it."""
    try:
        return apps.get_model("supervision", name)
    except LookupError:
        return None


def year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# ---------------------------------------------------------------- calculators (one GROUP BY each)


def measure_study_frequency(year, rule, as_of):
    months = int(rule.params.get("months", 12))
    rows = (
        Activity.objects.filter(kind__in=GROUP_SESSION_KINDS, held_on__range=year_bounds(year))
        .values("committee_id")
        .annotate(months=Count("month", distinct=True))
        .order_by()
    )
    return {r["committee_id"]: Measure(r["months"], months, share(r["months"], months)) for r in rows}


def measure_attendance_rate(year, rule, as_of):
    rows = (
        Attendance.objects.filter(activity__held_on__range=year_bounds(year))
        .values("activity__committee_id")
        .annotate(
            total=Count("id"),
            present=Count("id", filter=Q(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE])),
        )
        .order_by()
    )
    return {
        r["activity__committee_id"]: Measure(r["present"], r["total"], share(r["present"], r["total"])) for r in rows
    }


def measure_plan_coverage(year, rule, as_of):
    rows = (
        PlanTopic.objects.filter(plan__year=year)
        .values("plan__committee_id")
        .annotate(
            total=Count("id", distinct=True),
            covered=Count("id", distinct=True, filter=Q(activities__isnull=False)),
        )
        .order_by()
    )
    return {r["plan__committee_id"]: Measure(r["covered"], r["total"], share(r["covered"], r["total"])) for r in rows}


def filing_kinds():
    from supervision.models import FILING_KINDS

    return FILING_KINDS


def metric_counts(keys, year):
    """{committee id: [count per metric key]} for the year, from the registry's own definitions.

    One grouped scan: the metrics must share a source, committee field and date field.
    """
    from reports import metrics as registry

    metrics = [registry.get(key) for key in keys]
    first = metrics[0]
    shape = (first.source, first.committee_field, first.date_field)
    if any((m.source, m.committee_field, m.date_field) != shape for m in metrics):
        raise ValueError(f"metric_counts needs metrics of one source: {keys}")
    start, end = year_bounds(year)
    any_metric = Q()
    for metric in metrics:
        any_metric |= metric.q()
    rows = (
        first.model._default_manager.filter(first.period_q(start, end + datetime.timedelta(days=1)))
        .filter(any_metric)
        .values(cid=F(first.committee_field))
        .annotate(**{f"m{i}": metric.aggregate_expression(filter=metric.q()) for i, metric in enumerate(metrics)})
        .order_by()
    )
    return {r["cid"]: [r[f"m{i}"] for i in range(len(metrics))] for r in rows}


def measure_filing_compliance(year, rule, as_of):
    # The supervision app's own figures (one definition per figure): held as filed / held, filing kinds.
    counts = metric_counts(["sessions_with_filing", "filing_kind_sessions"], year)
    return {cid: Measure(filed, held, share(filed, held)) for cid, (filed, held) in counts.items()}


def measure_audit_ratings(year, rule, as_of):
    from supervision.models import RATING_MAX

    rows = (
        supervision_model("Rating").objects.filter(
            visit__status="submitted", visit__visited_on__range=year_bounds(year)
        )
        .values("visit__committee_id")
        .annotate(total=Sum("score"), ratings=Count("id"), visits=Count("visit_id", distinct=True))
        .order_by()
    )
    # Normalized: the mean rating over the top of the scale (a mean of 4 on 1–5 is 0.8).
    return {
        r["visit__committee_id"]: Measure(
            r["total"], r["ratings"] * RATING_MAX, share(r["total"], r["ratings"] * RATING_MAX),
            {"visits": r["visits"], "mean": str(round(Decimal(r["total"]) / r["ratings"], 2)), "top": RATING_MAX},
        )
        for r in rows
    }


def measure_rectifications(year, rule, as_of):
    # Items raised in the year that are closed or already past due; an open item not yet due is not late.
    # Items of a draft visit are the auditor's notes until it is submitted: they count nowhere.
    rows = (
        supervision_model("Rectification").objects.filter(visit__status="submitted", raised_on__range=year_bounds(year))
        .filter(Q(status="done") | Q(due_on__lt=as_of))
        .values("committee_id")
        .annotate(total=Count("id"), on_time=Count("id", filter=Q(status="done", closed_at__date__lte=F("due_on"))))
        .order_by()
    )
    return {r["committee_id"]: Measure(r["on_time"], r["total"], share(r["on_time"], r["total"])) for r in rows}


# ---------------------------------------------------------------- the registry


@dataclass(frozen=True)
class Calculator:
    key: str
    label: object
    measure: object  # (year, rule, as_of) -> {committee id: Measure}
    explain: object  # lazy format string over numerator, denominator, percent and details
    weight: Decimal = Decimal("10")  # the defaults of its AssessmentRule row, until an administrator edits it
    threshold: Decimal = Decimal("1")
    params: dict = field(default_factory=dict)
    when_no_data: str = NO_DATA_ZERO
    needs: tuple = ()  # supervision models it reads
    metrics: tuple = ()  # registry metrics it reads
    order: int = 0

    @property
    def available(self):
        from reports import metrics as registry

        return all(supervision_model(name) is not None for name in self.needs) and all(
            key in registry.REGISTRY for key in self.metrics
        )


CALCULATORS = {
    c.key: c
    for c in [
        Calculator(
            "study_frequency", _("Study every month"), measure_study_frequency,
            _("Group sessions held in %(numerator)s of %(denominator)s months (%(percent)s%%)."),
            weight=Decimal("25"), params={"months": 12}, order=10,
        ),
        Calculator(
            "attendance_rate", _("Attendance rate"), measure_attendance_rate,
            _("%(numerator)s of %(denominator)s attendance entries present or late (%(percent)s%%)."),
            weight=Decimal("20"), threshold=Decimal("0.9"), order=20,
        ),
        Calculator(
            "plan_coverage", _("Plan topics studied"), measure_plan_coverage,
            _("%(numerator)s of %(denominator)s topics of the year's plan studied (%(percent)s%%)."),
            weight=Decimal("20"), order=30,
        ),
        Calculator(
            "filing_compliance", _("Sessions filed in advance"), measure_filing_compliance,
            _("%(numerator)s of %(denominator)s sessions held had been filed (%(percent)s%%)."),
            weight=Decimal("15"), needs=("Filing",), metrics=("sessions_with_filing", "filing_kind_sessions"),
            order=40,
        ),
        Calculator(
            "audit_ratings", _("Sit-in visit ratings"), measure_audit_ratings,
            _("Mean rating %(mean)s of %(top)s over %(visits)s visits (%(percent)s%%)."),
            weight=Decimal("10"), threshold=Decimal("0.8"), when_no_data=NO_DATA_SKIP, needs=("Visit", "Rating"),
            order=50,
        ),
        Calculator(
            "rectifications_on_time", _("Rectifications closed on time"), measure_rectifications,
            _("%(numerator)s of %(denominator)s rectification items due or closed were closed on time "
              "(%(percent)s%%)."),
            weight=Decimal("10"), when_no_data=NO_DATA_FULL, needs=("Rectification",), order=60,
        ),
    ]
}

NO_DATA_TEXT = {
    NO_DATA_ZERO: _("Nothing to measure this year: no points."),
    NO_DATA_FULL: _("Nothing to measure this year: full points."),
    NO_DATA_SKIP: _("Nothing to measure this year: not counted; the other rules are scaled to the full score."),
}


def no_data_mode(rule):
    calculator = CALCULATORS[rule.key]
    mode = rule.params.get("when_no_data", calculator.when_no_data)
    return mode if mode in NO_DATA_TEXT else NO_DATA_ZERO


def points_for(rule, measure):
    """(points, counted) of one rule for one committee's measure (None: no records)."""
    if measure is None or measure.value is None:
        mode = no_data_mode(rule)
        return (rule.weight if mode == NO_DATA_FULL else ZERO), mode != NO_DATA_SKIP
    ratio = min(Decimal(1), measure.value / rule.threshold)
    return (rule.weight * ratio).quantize(CENT, ROUND_HALF_UP), True


def explain(rule_key, numerator, denominator, value, details, *, mode=NO_DATA_ZERO):
    """The sentence that says how a part was measured (translated in the active language)."""
    if value is None:
        return str(NO_DATA_TEXT.get(mode, NO_DATA_TEXT[NO_DATA_ZERO]))
    percent = (Decimal(value) * 100).quantize(Decimal("0.1"))
    params = {"numerator": numerator, "denominator": denominator, "percent": percent, **(details or {})}
    return str(CALCULATORS[rule_key].explain) % params


def available_rules(rules):
    """The active rules whose calculators exist and whose data source is installed, in order."""
    return [r for r in rules if r.key in CALCULATORS and CALCULATORS[r.key].available]
