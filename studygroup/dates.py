"""Bounds of every date a person or an import enters, kept in one place and used by the models' fields.

No date lies before the founding of the People's Republic (1949-10-01). Beyond that, a date is one of:

- a logged date (a session held, a visit made, a task completed): not later than today. A study record
  may reach `STUDY_MAX_FUTURE_DAYS` ahead (upcoming sessions are filed instead);
- a planning date (a filing, a due date, a draw period, a campaign, a plan's year): not later than
  31 December of the year `PLANNING_MAX_YEARS_AHEAD` years from now.

The validators read today and the settings each time they run. Their deconstruction carries no date, so a
migration written today stays valid tomorrow and `makemigrations` never sees a change.
"""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import NotSupportedError, models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

FOUNDING = datetime.date(1949, 10, 1)

TOO_EARLY = _("Enter a date on or after 1 October 1949 (the founding of the People's Republic of China).")


def _check_founding(value):
    if value < FOUNDING:
        raise ValidationError(TOO_EARLY, code="date_too_early")


def latest_planning_date(today=None):
    """31 December of the year PLANNING_MAX_YEARS_AHEAD years from now (never past year 9999)."""
    today = today or timezone.localdate()
    return datetime.date(min(today.year + settings.PLANNING_MAX_YEARS_AHEAD, 9999), 12, 31)


class _Bound:
    """A validator without arguments: equal to any other of its class, as migrations compare them."""

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))


@deconstructible
class LoggedDate(_Bound):
    """Something that happened: from the founding to today (plus `grace_setting` days, if named)."""

    grace_setting = None
    message = _("This date is in the future: enter a date no later than %(limit)s.")

    def latest(self):
        days = getattr(settings, self.grace_setting) if self.grace_setting else 0
        return timezone.localdate() + datetime.timedelta(days=days)

    def __call__(self, value):
        _check_founding(value)
        latest = self.latest()
        if value > latest:
            raise ValidationError(self.message, code="date_in_future", params={"limit": latest.isoformat()})


@deconstructible
class SessionDate(LoggedDate):
    """The days of a study record: logged after the session, up to STUDY_MAX_FUTURE_DAYS ahead."""

    grace_setting = "STUDY_MAX_FUTURE_DAYS"
    message = _(
        "This date is in the future. Log a session after it has happened; upcoming sessions are filed under Filing."
    )


@deconstructible
class PlanningDate(_Bound):
    """Something planned: from the founding to the end of the planning horizon."""

    message = _("Enter a date no later than %(limit)s: plans reach at most %(years)s years ahead.")

    def latest(self):
        return latest_planning_date()

    def __call__(self, value):
        _check_founding(value)
        latest = self.latest()
        if value > latest:
            raise ValidationError(self.message, code="date_too_far_ahead", params={
                "limit": latest.isoformat(), "years": settings.PLANNING_MAX_YEARS_AHEAD,
            })


@deconstructible
class PlanningYear(_Bound):
    """The year of a plan: from 1949 to the last year of the planning horizon."""

    message = _("Enter a year from %(first)s to %(last)s.")

    def __call__(self, value):
        last = latest_planning_date().year
        if not FOUNDING.year <= value <= last:
            raise ValidationError(self.message, code="year_out_of_range", params={"first": FOUNDING.year, "last": last})


def founding_check(name, *fields, optional=()):
    """A CHECK constraint that the fields (and the `optional` ones, when set) are not before the founding.

    The validators above give the message; this keeps raw writes (update(), bulk_create, SQL) out too.
    """
    condition = models.Q()
    for field in fields:
        condition &= models.Q(**{f"{field}__gte": FOUNDING})
    for field in optional:
        condition &= models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__gte": FOUNDING})
    return models.CheckConstraint(condition=condition, name=name)


def date_errors(model, name, value):
    """What the model field's validators say about a value: a list of ValidationErrors, empty when it is fine."""
    field = model._meta.get_field(name)
    try:
        value = field.to_python(value)  # a service may be handed "2021-06-18"
        if value is not None:
            field.run_validators(value)
    except ValidationError as error:
        return error.error_list
    return []


def check_dates(model, **values):
    """Run the model fields' validators on these values; one ValidationError keyed by field name.

    For services that save without full_clean() (bulk writes, partial updates): the same bounds and messages.
    """
    errors = {name: problems for name, value in values.items() if (problems := date_errors(model, name, value))}
    if errors:
        raise ValidationError(errors)


def bound_form_dates(form, model, *names):
    """Give a form's date fields the model fields' bounds.

    The field then shows the model's message before any other check of the form, a plain form (not a
    ModelForm) checks what the model would, and the date picker offers only the allowed days.
    """
    for name in names:
        field = form.fields[name]
        validators = model._meta.get_field(name).validators
        field.validators = [*field.validators, *validators]
        field.widget.attrs.setdefault("min", FOUNDING.isoformat())
        latest = min((v.latest() for v in validators if hasattr(v, "latest")), default=None)
        if latest is not None:
            field.widget.attrs.setdefault("max", latest.isoformat())


class MonthStart(models.Func):
    """The first day of a date's month, in SQL that both databases accept inside a CHECK constraint.

    (TruncMonth would call a Python function Django registers on its own SQLite connections only.)
    """

    arity = 1
    output_field = models.DateField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"MonthStart is written for PostgreSQL and SQLite, not {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "(date_trunc('month', (%(expressions)s)::timestamp))::date"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "date(%(expressions)s, 'start of month')"
        return super().as_sql(compiler, connection, template=template, **extra_context)
