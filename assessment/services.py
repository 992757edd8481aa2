"""Writes: draw a test round, enter and import scores, keep practical-matter tasks, compute the assessment."""
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from committees.models import Committee
from studygroup.dates import date_errors
from studygroup.history import history_in_sql, stamp, stamped

from . import draw
from .models import (
    AssessmentPart,
    AssessmentRule,
    AssessmentRun,
    AssessmentScore,
    PracticalTask,
    Strata,
    TestRound,
    TestSitting,
    task_level_for,
)
from .rules import CALCULATORS, available_rules, explain, no_data_mode, points_for
from .selectors import round_candidates
from .sheets import check_score, read_score_sheet

# ---------------------------------------------------------------- knowledge tests


def _check_round_fields(*, held_on, sample_size, sample_rate, pass_mark, max_score):
    errors = {}
    if problems := date_errors(TestRound, "held_on", held_on):
        errors["held_on"] = problems
    if sample_size is None and sample_rate is None:
        errors["sample_size"] = _("Give a sample size or a sample rate.")
    elif sample_size is not None and sample_rate is not None:
        errors["sample_rate"] = _("Give a sample size or a sample rate, not both.")
    if pass_mark is not None and max_score is not None and pass_mark > max_score:
        errors["pass_mark"] = _("The pass mark cannot be above full marks.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_create(
    *, name, held_on, committee, strata=Strata.NONE, sample_size=None, sample_rate=None,
    pass_mark=Decimal("60"), max_score=Decimal("100"), seed=None, user=None,
):
    """Freeze the candidates, draw the sample with the seed, save the round and one sitting per member drawn.

    A sample larger than the candidates is refused with nothing saved.
    """
    _check_round_fields(
        held_on=held_on, sample_size=sample_size, sample_rate=sample_rate, pass_mark=pass_mark, max_score=max_score
    )
    seed = seed or secrets.token_hex(8)
    candidates, committee_of = round_candidates(committee=committee, strata=strata)
    available = len(committee_of)
    wanted = draw.sample_size_for(size=sample_size, rate=sample_rate, available=available)
    try:
        drawn, shares = draw.draw_sample(candidates, wanted, seed)
    except draw.SampleTooLarge as too_large:
        field = "sample_size" if sample_size is not None else "sample_rate"
        raise ValidationError({field: _(
            "The sample (%(wanted)s) is larger than the %(available)s active members who can be drawn under "
            "%(committee)s."
        ) % {"wanted": too_large.wanted, "available": too_large.available, "committee": committee.name}})
    test_round = TestRound(
        name=name, held_on=held_on, committee=committee, strata=strata, sample_size=sample_size,
        sample_rate=sample_rate, pass_mark=pass_mark, max_score=max_score, seed=seed, candidates=candidates,
        allocation=shares, candidate_count=available, drawn_count=wanted, created_by=user,
        sample_digest=draw.sample_digest(i for ids in drawn.values() for i in ids),
    )
    test_round.full_clean(exclude=["candidates", "allocation", "sample_digest"])
    when = stamp()
    stamped(test_round, user, when).save()
    bulk_create_with_history(
        [
            TestSitting(round=test_round, member_id=member_id, committee_id=committee_of[member_id], stratum=key)
            for key, ids in drawn.items()
            for member_id in ids
        ],
        TestSitting, batch_size=2000, default_user=user, default_date=when,
    )
    _figures_changed(test_round.held_on)
    return test_round


def round_verify(test_round):
    """Re-run the draw from the stored seed and candidate list; compare with the stored sittings.

    Returns (matches, {"expected": digest, "stored": digest, "missing": [...], "extra": [...]}).
    """
    drawn, _shares = draw.draw_sample(test_round.candidates, test_round.drawn_count, test_round.seed)
    expected = {i for ids in drawn.values() for i in ids}
    stored = set(test_round.sittings.values_list("member_id", flat=True))
    report = {
        "expected": draw.sample_digest(expected),
        "recorded": test_round.sample_digest,
        "stored": draw.sample_digest(stored),
        "missing": sorted(expected - stored),
        "extra": sorted(stored - expected),
    }
    matches = expected == stored and report["expected"] == test_round.sample_digest
    return matches, report


SCORE_CHUNK = 2000


def _apply_scores(test_round, scores, user):
    """scores: {sitting id: Decimal or None}. One UPDATE per distinct score (marks repeat a lot), not per row;
    then the history of the sittings whose score changed, copied by the database in one statement per chunk,
    with one time and user, so the round's history shows the entry as one line. (bulk_update_with_history
    builds every row in Python and updates through a CASE per row: 12× slower for 5,000 sittings.)"""
    now = stamp()
    changed = _scores_changed(test_round, scores)
    by_score = {}
    for sitting_id, score in scores.items():
        by_score.setdefault(score, []).append(sitting_id)
    saved = 0
    for score, ids in by_score.items():
        passed = None if score is None else score >= test_round.pass_mark
        for start in range(0, len(ids), SCORE_CHUNK):
            saved += TestSitting.objects.filter(round=test_round, id__in=ids[start:start + SCORE_CHUNK]).update(
                score=score, passed=passed, scored_at=None if score is None else now
            )
    for start in range(0, len(changed), SCORE_CHUNK):
        history_in_sql(TestSitting.objects.filter(id__in=changed[start:start + SCORE_CHUNK]), user=user, when=now)
    _figures_changed(test_round.held_on)
    return saved


def _scores_changed(test_round, scores):
    """The ids of the round's sittings among `scores` whose score the entry changes."""
    ids = list(scores)
    changed = []
    for start in range(0, len(ids), SCORE_CHUNK):
        stored = TestSitting.objects.filter(round=test_round, id__in=ids[start:start + SCORE_CHUNK])
        changed += [pk for pk, score in stored.values_list("id", "score") if score != scores[pk]]
    return sorted(changed)


def _figures_changed(day):
    """Bulk writes send no signals: tell the rollup which month's figures changed."""
    try:
        from reports.services import dirty_mark
    except ImportError:  # the reports app without its rollup yet: nothing to refresh
        return
    dirty_mark(months=[day])


@transaction.atomic
def round_scores_enter(*, test_round, scores, user=None):
    """Enter scores typed on the page: {sitting id: Decimal or None}. Any bad score: nothing is saved."""
    known = set(test_round.sittings.filter(id__in=list(scores)).values_list("id", flat=True))
    errors = {}
    for sitting_id, score in scores.items():
        message = _("not drawn in this round") if sitting_id not in known else check_score(test_round, score)
        if message:
            errors[sitting_id] = message
    if errors:
        raise ValidationError(errors)
    return _apply_scores(test_round, scores, user)


@transaction.atomic
def round_scores_import(*, test_round, file, user=None):
    """Import scores from an XLSX sheet, all or nothing: any bad row and no score is saved.

    Raises ValidationError with one message per bad row ("row 7: score 130 is above 100").
    """
    scores = read_score_sheet(test_round, file)
    return _apply_scores(test_round, scores, user)


# ---------------------------------------------------------------- practical-matter tasks


def _save_task(task, fields, user):
    for name, value in fields.items():
        setattr(task, name, value)
    if task.status != "done":
        task.completed_on = None  # a reopened task loses its completion date rather than failing the form
    task.level = task_level_for(task.committee)
    task.full_clean()
    stamped(task, user, stamp()).save()
    return task


@transaction.atomic
def practical_task_create(*, committee, title, due_on, status="planned", completed_on=None, description="", user=None):
    task = PracticalTask(committee=committee, created_by=user)
    return _save_task(task, {
        "title": title, "description": description, "due_on": due_on, "status": status, "completed_on": completed_on,
    }, user)


@transaction.atomic
def practical_task_update(*, task, user=None, **fields):
    allowed = {"title", "description", "due_on", "status", "completed_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"practical_task_update: cannot set {sorted(unknown)}")
    return _save_task(task, fields, user)


# ---------------------------------------------------------------- the annual assessment


def _rule_measures(rules, year, as_of):
    return {rule.key: CALCULATORS[rule.key].measure(year, rule, as_of) for rule in rules}


def _score_rows(committee_id, rules, measures):
    """(points, full score, [part fields]) of one committee: the rules' points, skipped rules scaled away."""
    parts, counted_points, counted_weight = [], Decimal(0), Decimal(0)
    for rule in rules:
        measure = measures[rule.key].get(committee_id)
        points, counted = points_for(rule, measure)
        if counted:
            counted_points += points
            counted_weight += rule.weight
        value = measure.value if measure else None
        numerator, denominator = (measure.numerator, measure.denominator) if measure else (0, 0)
        extra = measure.details if measure else {}
        mode = no_data_mode(rule)
        parts.append({
            "rule": rule, "numerator": numerator, "denominator": denominator, "value": value, "weight": rule.weight,
            "points": points, "counted": counted, "details": {"extra": extra, "mode": mode},
            "explanation": explain(rule.key, numerator, denominator, value, extra, mode=mode)[:300],
        })
    full = sum((rule.weight for rule in rules), Decimal(0))
    total = counted_points if counted_weight in (0, full) else counted_points * full / counted_weight
    return total.quantize(Decimal("0.01")), full, parts


def assessment_rules_ensure():
    """Create the row of every known rule that has none yet, with its calculator's defaults.

    Existing rows (and an administrator's edits to them) are left alone; a rule is switched off with
    `active`, not by deleting it.
    """
    from django.utils.translation import override

    existing = set(AssessmentRule.objects.values_list("key", flat=True))
    missing = [c for key, c in CALCULATORS.items() if key not in existing]
    if not missing:
        return
    with override(None):  # labels stored as their source strings; display_label translates them
        AssessmentRule.objects.bulk_create(
            [AssessmentRule(key=c.key, label=str(c.label), weight=c.weight, threshold=c.threshold,
                            params=dict(c.params), order=c.order) for c in missing],
            ignore_conflicts=True,  # a concurrent call created it first: fine
        )
    created = AssessmentRule.objects.filter(key__in=[c.key for c in missing])
    AssessmentRule.history.bulk_history_create(list(created), default_date=stamp())


@transaction.atomic
def assessment_rules_save(*, user, formset):
    """Save the rules an administrator changed on the rules page (a valid formset), one history line each."""
    when = stamp()
    rules = formset.save(commit=False)
    for rule in rules:
        stamped(rule, user, when).save()
    return rules


CHUNK = 2000  # committees scored per batch: memory stays flat on a national tree


@transaction.atomic
def assessment_compute(*, year, as_of=None):
    """Score every active committee for `year` from the active rules; replaces that year's scores.

    Idempotent: running it twice leaves the same rows. Each rule is one GROUP BY over all committees;
    the year's run row is locked so two computations of one year never interleave.
    """
    as_of = as_of or timezone.localdate()
    assessment_rules_ensure()
    AssessmentRun.objects.get_or_create(year=year)
    run = AssessmentRun.objects.select_for_update().get(year=year)
    rules = available_rules(AssessmentRule.objects.filter(active=True).order_by("order", "id"))
    measures = _rule_measures(rules, year, as_of)
    now = timezone.now()
    AssessmentScore.objects.filter(year=year).delete()
    committee_ids = list(Committee.objects.filter(active=True).order_by("path").values_list("id", flat=True))
    # Explanations are stored in the default language (exports, admin); pages rebuild them in the reader's.
    with translation.override(settings.LANGUAGE_CODE):
        for start in range(0, len(committee_ids), CHUNK):
            _save_scores(committee_ids[start:start + CHUNK], year, rules, measures, now)
    run.computed_at, run.committee_count = now, len(committee_ids)
    run.save(update_fields=["computed_at", "committee_count"])
    return run


def _save_scores(committee_ids, year, rules, measures, now):
    scores, part_rows = [], []
    for committee_id in committee_ids:
        total, full, parts = _score_rows(committee_id, rules, measures)
        scores.append(AssessmentScore(committee_id=committee_id, year=year, points=total, max_points=full,
                                      computed_at=now))
        part_rows.append(parts)
    AssessmentScore.objects.bulk_create(scores)
    AssessmentPart.objects.bulk_create(
        [AssessmentPart(score=score, **fields) for score, parts in zip(scores, part_rows) for fields in parts]
    )
