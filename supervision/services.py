"""Writes in supervision: each validates, saves atomically, and enqueues what must follow on commit."""
import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from committees.models import Role, RoleKind
from studygroup.dates import check_dates, date_errors
from studygroup.history import stamp, stamped

from . import draw as drawing
from .models import (
    FILING_KINDS,
    Assignment,
    Auditor,
    ChecklistItem,
    Draw,
    Filing,
    Notification,
    Rating,
    Rectification,
    RectificationEvidence,
    RectificationStatus,
    Visit,
    VisitStatus,
)
from .selectors import reported_attendance


def headcount_tolerance():
    """How many people the observed head count may differ from the reported attendance before it is flagged."""
    return getattr(settings, "VISIT_HEADCOUNT_TOLERANCE", 2)


# ---------------------------------------------------------------- filings


def earliest_filing_date(today=None):
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=settings.FILING_MIN_DAYS_AHEAD)


def filing_create(*, user, committee, kind, planned_on, place, topic, today=None):
    check_dates(Filing, planned_on=planned_on)
    earliest = earliest_filing_date(today)
    if planned_on < earliest:
        raise ValidationError({"planned_on": _(
            "File a session at least %(days)s days ahead: the earliest date you can file today is %(date)s."
        ) % {"days": settings.FILING_MIN_DAYS_AHEAD, "date": earliest.isoformat()}})
    if kind not in FILING_KINDS:
        raise ValidationError({"kind": _("This kind of record is not filed in advance.")})
    filing = Filing(committee=committee, kind=kind, planned_on=planned_on, place=place, topic=topic, filed_by=user)
    stamped(filing, user, stamp()).save()
    return filing


@transaction.atomic
def filing_match_activity(*, activity):
    """Link a newly logged session to its filing (same committee, kind and date), if one waits for it."""
    if activity.kind not in FILING_KINDS or Filing.objects.filter(activity=activity).exists():
        return None
    filing = (
        Filing.objects.select_for_update()
        .filter(committee_id=activity.committee_id, kind=activity.kind, planned_on=activity.held_on, activity__isnull=True)
        .order_by("id")
        .first()
    )
    if filing is None:
        return None
    # Matched as the session is saved: the history names whoever saved it (the record's services say who).
    _link(filing, activity, getattr(activity, "_history_user", None))
    return filing


@transaction.atomic
def filing_link(*, filing, activity, user=None):
    """The manual link, for a session held on another day than filed."""
    if activity.committee_id != filing.committee_id:
        raise ValidationError({"activity": _("Pick a session of the same committee.")})
    if filing.activity_id:
        raise ValidationError({"activity": _("This filing is already linked to a session.")})
    if Filing.objects.filter(activity=activity).exists():
        raise ValidationError({"activity": _("That session is already linked to another filing.")})
    _link(filing, activity, user)
    return filing


def _link(filing, activity, user):
    when = stamp()
    filing.activity = activity
    stamped(filing, user, when).save(update_fields=["activity"])
    # Visits recorded on the filing before the session was logged now get the reported attendance.
    for visit in Visit.objects.filter(filing=filing, activity__isnull=True):
        visit.activity = activity
        _refresh_reported(visit)
        stamped(visit, user, when).save(update_fields=["activity", "reported_count", "discrepancy"])


# ---------------------------------------------------------------- notifications


def notify(*, users, message, url=""):
    rows = Notification.objects.bulk_create(Notification(user=u, message=message[:300], url=url) for u in users)
    ids = [n.pk for n in rows if n.user.email]
    if ids:
        from .tasks import send_notification_email

        transaction.on_commit(lambda: [send_notification_email.delay(i) for i in ids])
    return rows


def notifications_mark_read(*, user, ids=None):
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# ---------------------------------------------------------------- draws


def _candidates(root, start, end, strata):
    # A draw covers the groups *under* the organising committee: its own group is supervised from above
    # (and no auditor of its pool is free of conflict with it).
    rows = (
        Filing.objects.filter(committee__path__startswith=root.path, planned_on__gte=start, planned_on__lte=end)
        .exclude(committee=root)
        .order_by("id")
        .values_list("id", "committee_id", "committee__path")
    )
    return [drawing.Candidate(fid, cid, path, drawing.stratum_key(path, strata)) for fid, cid, path in rows]


def _pool(start, end):
    """The active auditors with what they already carry in the period and where they went in their last draw."""
    auditors = list(Auditor.objects.filter(active=True).select_related("home_committee").prefetch_related("may_visit"))
    carried = dict(
        Assignment.objects.filter(filing__planned_on__gte=start, filing__planned_on__lte=end)
        .values("auditor").annotate(n=Count("pk")).values_list("auditor", "n")
    )
    last_draw = dict(Assignment.objects.values("auditor").annotate(d=Max("draw")).values_list("auditor", "d"))
    previous = {}
    pairs = Assignment.objects.filter(draw_id__in=set(last_draw.values())).values_list("auditor", "draw", "filing__committee")
    for auditor_id, draw_id, committee_id in pairs:
        if last_draw.get(auditor_id) == draw_id:
            previous.setdefault(auditor_id, set()).add(committee_id)
    return [
        drawing.Slot(
            a.id, a.home_committee.path, tuple(sorted(c.path for c in a.may_visit.all())),
            max(0, a.workload_limit - carried.get(a.id, 0)), frozenset(previous.get(a.id, ())),
        )
        for a in auditors
    ]


def _slot_json(slot):
    return {"id": slot.id, "home": slot.home, "visits": list(slot.visits), "capacity": slot.capacity,
            "previous": sorted(slot.previous)}


def candidates_from_json(rows):
    return [drawing.Candidate(*row) for row in rows]


def slots_from_json(rows):
    return [drawing.Slot(r["id"], r["home"], tuple(r["visits"]), r["capacity"], frozenset(r["previous"])) for r in rows]


@transaction.atomic
def draw_create(*, user, root, period_start, period_end, strata, size=None, rate=None, seed=None):
    check_dates(Draw, period_start=period_start, period_end=period_end)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    candidates = _candidates(root, period_start, period_end, strata)
    wanted = drawing.sample_size_for(len(candidates), size=size, rate=rate)
    if not candidates:
        raise ValidationError({"period_start": _("No sessions were filed under this committee in the period.")})
    if wanted > len(candidates):
        raise ValidationError({"sample_size": _(
            "The sample (%(wanted)s) is larger than the %(total)s filed sessions in the period."
        ) % {"wanted": wanted, "total": len(candidates)}})
    if wanted < 1:
        raise ValidationError({"sample_size": _("Give a sample size or a rate.")})
    seed = secrets.randbits(48) if seed is None else seed
    drawn = drawing.draw_sample(candidates, wanted, seed)
    pool = _pool(period_start, period_end)
    try:
        assigned = drawing.assign(candidates, drawn, pool)
    except drawing.DrawError as exc:
        filing = Filing.objects.select_related("committee").get(pk=exc.args[0])
        raise ValidationError({"sample_size": _(
            "No auditor free of conflict and within their workload can visit %(committee)s (%(date)s). "
            "Draw fewer sessions or add auditors to the pool."
        ) % {"committee": filing.committee.name, "date": filing.planned_on.isoformat()}}) from None
    draw = Draw.objects.create(
        root=root, period_start=period_start, period_end=period_end, sample_size=wanted, strata=strata, seed=seed,
        candidates=[[c.filing_id, c.committee_id, c.path, c.stratum] for c in candidates],
        pool=[_slot_json(s) for s in pool], result=drawn, assignments={str(k): v for k, v in assigned.items()},
        created_by=user,
    )
    Assignment.objects.bulk_create(Assignment(draw=draw, filing_id=f, auditor_id=a) for f, a in assigned.items())
    _notify_draw(draw)
    return draw


def _notify_draw(draw):
    rows = draw.assignment_rows.select_related("filing__committee", "auditor__user")
    secretaries = {}
    for role in Role.objects.filter(kind=RoleKind.SECRETARY, committee_id__in=[r.filing.committee_id for r in rows]).select_related("user"):
        secretaries.setdefault(role.committee_id, []).append(role.user)
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            filing = row.filing
            facts = {"committee": filing.committee.name, "date": filing.planned_on.isoformat(), "topic": filing.topic}
            notify(users=[row.auditor.user], url=reverse("supervision:visit_start", args=[row.pk]), message=gettext(
                "You are assigned to sit in on %(committee)s on %(date)s: %(topic)s."
            ) % facts)
            notify(users=secretaries.get(filing.committee_id, []), url=reverse("supervision:filings"), message=gettext(
                "Your session filed for %(date)s (%(topic)s) was drawn for a sit-in visit."
            ) % facts)


def draw_verify(*, draw):
    """Re-run the draw from its stored candidates, seed and pool; True when it gives the stored result."""
    candidates = candidates_from_json(draw.candidates)
    drawn = drawing.draw_sample(candidates, draw.sample_size, draw.seed)
    assigned = drawing.assign(candidates, drawn, slots_from_json(draw.pool))
    stored_rows = {str(f): a for f, a in draw.assignment_rows.values_list("filing_id", "auditor_id")}
    return (
        drawn == draw.result
        and {str(k): v for k, v in assigned.items()} == draw.assignments
        and stored_rows == draw.assignments
    )


# ---------------------------------------------------------------- visits


def _refresh_reported(visit):
    visit.reported_count = reported_attendance(visit.activity)
    visit.discrepancy = (
        visit.observed_count is not None and visit.reported_count is not None
        and abs(visit.observed_count - visit.reported_count) > headcount_tolerance()
    )


def _validate_visit(*, visited_on, observed_count, ratings, rectifications, submit, items):
    errors = {}
    if problems := date_errors(Visit, "visited_on", visited_on):
        errors["visited_on"] = problems
    for item_id, score in ratings.items():
        if score is not None and not (1 <= score <= 5):
            errors[f"rating_{item_id}"] = _("Rate from 1 to 5.")
    for i, rect in enumerate(rectifications):
        if problems := date_errors(Rectification, "due_on", rect["due_on"]):
            errors[f"rect-{i}-due_on"] = problems
        elif rect["due_on"] < visited_on:
            errors[f"rect-{i}-due_on"] = _("The due date cannot be before the visit.")
    if submit:
        if observed_count is None:
            errors["observed_count"] = _("Count the people present before you submit.")
        for item in items:
            if ratings.get(item.pk) is None:
                errors.setdefault(f"rating_{item.pk}", _("Rate every line of the checklist before you submit."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def visit_save(
    *, auditor, target, visited_on, observed_count, findings, ratings, rectifications, submit, visit=None, user=None,
):
    """Create or update a draft visit with its ratings and rectification items; `submit` makes it final.

    target: {"committee", "kind", "filing", "activity", "assignment"} from the visit's starting point.
    ratings: {checklist item id: score or None}; rectifications: [{"description", "owner", "due_on"}].
    Only what changed is written, and every history row of the save carries one time and the user (by
    default the auditor's), so the visit's history shows the save as one line.
    """
    items = list(ChecklistItem.objects.filter(active=True))
    _validate_visit(visited_on=visited_on, observed_count=observed_count, ratings=ratings,
                    rectifications=rectifications, submit=submit, items=items)
    if visit is not None and not visit.is_draft:
        raise ValidationError(_("This visit was submitted and can no longer be changed."))
    visit = visit or Visit(auditor=auditor, **target)
    visit.visited_on = visited_on
    visit.observed_count = observed_count
    visit.findings = findings
    _refresh_reported(visit)
    user = user or auditor.user
    when = stamp()
    if submit:
        visit.status = VisitStatus.SUBMITTED
        visit.submitted_at = when
    stamped(visit, user, when).save()
    _ratings_save(visit, ratings, user, when)
    _rectifications_save(visit, rectifications, user, when)
    if submit:
        _notify_visit(visit)
    return visit


def _ratings_save(visit, ratings, user, when):
    """Each checklist line's rating: changed in place, added, or removed when cleared."""
    existing = {r.item_id: r for r in visit.ratings.all()}
    new = []
    for item_id, score in ratings.items():
        rating = existing.pop(item_id, None)
        if rating is None:
            if score is not None:
                new.append(Rating(visit=visit, item_id=item_id, score=score))
        elif score is None:
            stamped(rating, user, when).delete()
        elif rating.score != score:
            rating.score = score
            stamped(rating, user, when).save(update_fields=["score"])
    for rating in existing.values():  # a line taken off the checklist since: its rating goes, as the form shows
        stamped(rating, user, when).delete()
    if new:
        bulk_create_with_history(new, Rating, default_user=user, default_date=when)


def _rectifications_save(visit, rows, user, when):
    """The form posts every item anew (they have no ids): keep the items posted unchanged, delete the ones no
    longer posted, add the new ones."""
    def facts(values):
        return (values["description"], values["owner"], values["due_on"])

    kept = {}
    for rect in visit.rectifications.all():
        kept.setdefault(facts(vars(rect)), []).append(rect)
    new = []
    for row in rows:
        same = kept.get(facts(row))
        if same:
            same.pop()
        else:
            new.append(Rectification(visit=visit, committee_id=visit.committee_id, raised_on=visit.visited_on, **row))
    for rect in (r for rects in kept.values() for r in rects):
        stamped(rect, user, when).delete()
    for rect in visit.rectifications.exclude(raised_on=visit.visited_on):  # the visit moved: so do its items
        rect.raised_on = visit.visited_on
        stamped(rect, user, when).save(update_fields=["raised_on"])
    if new:
        bulk_create_with_history(new, Rectification, default_user=user, default_date=when)


def _notify_visit(visit):
    secretaries = [r.user for r in Role.objects.filter(kind=RoleKind.SECRETARY, committee=visit.committee).select_related("user")]
    with translation.override(settings.LANGUAGE_CODE):
        notify(users=secretaries, url=reverse("supervision:visit", args=[visit.pk]), message=gettext(
            "A sit-in visit on %(date)s was recorded for your committee with %(n)s rectification item(s)."
        ) % {"date": visit.visited_on.isoformat(), "n": visit.rectifications.count()})


@transaction.atomic
@transaction.atomic
def rectification_close(*, rectification, user, evidence_note, files=()):
    """Close an item with what was done and, optionally, files as evidence ([(upload, checked content type)],
    as the form's checked file field gives them). The item and its files are saved together or not at all."""
    locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if locked.status == RectificationStatus.DONE:
        raise ValidationError({"evidence_note": _("This item is already closed.")})
    if not evidence_note.strip():
        raise ValidationError({"evidence_note": _("Say what was done, or where the evidence is.")})
    rectification.status = RectificationStatus.DONE
    rectification.evidence_note = evidence_note.strip()
    rectification.closed_at = timezone.now()
    rectification.closed_by = user
    stamped(rectification, user, stamp()).save(update_fields=["status", "evidence_note", "closed_at", "closed_by"])
    for upload, content_type in files:
        RectificationEvidence.from_upload(upload, content_type, uploaded_by=user, rectification=rectification).save()
    return rectification
