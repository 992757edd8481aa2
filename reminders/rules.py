"""The reminder rules: each finds the causes that hold today and whom each concerns.

A cause is named so that it reminds once: a silent group's cause is the date of its last session (a new session
ends it, and a later silence is a new cause), a filing's, rectification's or plan topic's cause is its id, a
closing month's is the committee and month. The thresholds are the city's settings (REMINDER_*, README).
Each rule is a few aggregate queries, whatever the size of the tree.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from committees.models import Committee, Role, RoleKind
from reports.briefing import silent_committees
from sessions_app.closing import closes_at
from sessions_app.models import Activity, PlanTopic
from supervision.models import Filing, Rectification

from .models import Rule


def _day(day):
    return date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class Reminder:
    rule: str
    cause: str
    user_id: int
    message: str
    url: str = ""


def holders(kind, committee_ids):
    """{committee id: [user ids]} of the active users holding role `kind` on those committees."""
    found = defaultdict(list)
    rows = Role.objects.filter(kind=kind, committee_id__in=committee_ids, user__is_active=True)
    for committee_id, user_id in rows.values_list("committee_id", "user_id").order_by("committee_id", "user_id"):
        found[committee_id].append(user_id)
    return found


def _to(kind, rule, items):
    """Reminders of `rule` to the holders of role `kind` on each item's committee: items are
    (committee_id, cause, message, url)."""
    items = list(items)
    people = holders(kind, {item[0] for item in items})
    for committee_id, cause, message, url in items:
        for user_id in people.get(committee_id, ()):
            yield Reminder(rule, cause, user_id, message, url)


def silent_groups(today, days):
    """Active committees whose own group held no collective study (reading classes included) in the `days` days up
    to today, with `last_study` the date of the last (None: never), in tree order: the dashboard's silent units."""
    return silent_committees(Committee.objects.all(), today, days).order_by("path")


def _silent_message(committee, days):
    if committee.last_study is None:
        return _("%(committee)s has not logged any study-group session yet.") % {"committee": committee.name}
    return _("%(committee)s has held no study-group session for more than %(days)s days (the last was on %(date)s).") % {
        "committee": committee.name, "days": days, "date": _day(committee.last_study),
    }


def _silent_cause(committee):
    return f"{committee.pk}:{committee.last_study or 'never'}"


def silent_group(today, config):
    days = config["silent_days"]
    groups = silent_groups(today, days)
    url = reverse("sessions_app:archive")
    return _to(RoleKind.SECRETARY, Rule.SILENT_GROUP,
               ((c.pk, _silent_cause(c), _silent_message(c, days), url) for c in groups))


def silent_group_escalated(today, config):
    """After `silent_days + escalate_days`, the leaders of the committee above hear of it too."""
    days = config["silent_days"] + config["escalate_days"]
    groups = [c for c in silent_groups(today, days) if c.depth > 1]
    steplen = Committee.steplen
    parents = dict(Committee.objects.filter(path__in={c.path[:-steplen] for c in groups}).values_list("path", "pk"))
    items = []
    for c in groups:
        parent_id = parents.get(c.path[:-steplen])
        if parent_id is not None:
            url = reverse("committees:detail", args=[c.pk])
            items.append((parent_id, _silent_cause(c), _silent_message(c, days), url))
    return _to(RoleKind.LEADER, Rule.SILENT_GROUP_ESCALATED, items)


def filing_not_logged(today, config):
    """A filed session whose day is `filing_grace_days` past and that was never logged."""
    due = today - datetime.timedelta(days=config["filing_grace_days"])
    filings = Filing.objects.unheld(due).filter(committee__active=True).select_related("committee")
    return _to(RoleKind.SECRETARY, Rule.FILING_NOT_LOGGED, (
        (f.committee_id, str(f.pk),
         _("The session filed for %(date)s (%(topic)s) has not been logged yet.") % {
             "date": _day(f.planned_on), "topic": f.topic},
         reverse("supervision:filing", args=[f.pk]))
        for f in filings
    ))


def rectification_overdue(today, config):
    items = Rectification.objects.overdue(today).select_related("committee")
    return _to(RoleKind.SECRETARY, Rule.RECTIFICATION_OVERDUE, (
        (r.committee_id, str(r.pk),
         _("The rectification “%(item)s” of %(committee)s was due on %(date)s and is still open.") % {
             "item": str(r)[:80], "committee": r.committee.name, "date": _day(r.due_on)},
         reverse("supervision:rectification", args=[r.pk]))
        for r in items
    ))


def plan_topic_uncovered(today, config):
    """From month `plan_from_month` on, the topics of this year's approved plans that no session covered yet."""
    if today.month < config["plan_from_month"]:
        return []
    covered = Activity.plan_topics.through.objects.filter(plantopic_id=OuterRef("pk"))
    topics = (
        PlanTopic.objects.filter(plan__year=today.year, plan__committee__active=True)
        .exclude(plan__approved_on__isnull=True).exclude(plan__approved_by="")
        .filter(~Exists(covered)).select_related("plan")
    )
    return _to(RoleKind.SECRETARY, Rule.PLAN_TOPIC_UNCOVERED, (
        (t.plan.committee_id, str(t.pk),
         _("The topic “%(topic)s” of the %(year)s study plan has not been covered by any session yet.") % {
             "topic": t.title, "year": today.year},
         reverse("sessions_app:plan_detail", args=[t.plan_id]))
        for t in topics
    ))


def closing_month(today):
    """The month that closes within the coming days, and the day it closes: last month before the close day."""
    last = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return last, closes_at(last).date()


def month_closing_empty(today, config):
    """`close_warn_days` before a month closes: the groups (with a secretary) that have no record in it."""
    month, closes_on = closing_month(today)
    if not (0 < (closes_on - today).days <= config["close_warn_days"]):
        return []
    has_records = Activity.objects.filter(committee_id=OuterRef("pk"), month=month)
    empty = Committee.objects.filter(active=True, roles__kind=RoleKind.SECRETARY).filter(~Exists(has_records)).distinct()
    return _to(RoleKind.SECRETARY, Rule.MONTH_CLOSING_EMPTY, (
        (c.pk, f"{c.pk}:{month:%Y-%m}",
         _("%(month)s closes on %(date)s and %(committee)s has no record for it yet.") % {
             "month": date_format(month, "YEAR_MONTH_FORMAT"), "date": _day(closes_on), "committee": c.name},
         reverse("sessions_app:archive"))
        for c in empty
    ))


RULES = {
    Rule.SILENT_GROUP: silent_group,
    Rule.SILENT_GROUP_ESCALATED: silent_group_escalated,
    Rule.FILING_NOT_LOGGED: filing_not_logged,
    Rule.RECTIFICATION_OVERDUE: rectification_overdue,
    Rule.PLAN_TOPIC_UNCOVERED: plan_topic_uncovered,
    Rule.MONTH_CLOSING_EMPTY: month_closing_empty,
}


def config():
    return {
        "silent_days": settings.SILENT_DAYS,
        "escalate_days": settings.REMINDER_ESCALATE_DAYS,
        "filing_grace_days": settings.REMINDER_FILING_GRACE_DAYS,
        "plan_from_month": settings.REMINDER_PLAN_FROM_MONTH,
        "close_warn_days": settings.REMINDER_CLOSE_WARN_DAYS,
    }


def enabled_rules():
    wanted = settings.REMINDER_RULES
    return {rule: check for rule, check in RULES.items() if wanted is None or rule in wanted}
