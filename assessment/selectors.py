"""Reads: who can be drawn, what a user may see, the figures of a round; T13 and T15 through the registry."""
from django.db.models import Count, F, Q, Window
from django.db.models.functions import Rank
from django.utils.translation import gettext as _

from committees.models import Committee, Member
from committees.scope import scope_for
from reports import figures, scoping

from .models import AssessmentScore, PracticalTask, Strata, TestRound, TestSitting

STEPLEN = Committee.steplen


# ---------------------------------------------------------------- knowledge tests


def _stratum_namer(root, strata):
    """A function committee path → stratum key, for the strata mode of a round rooted at `root`."""
    if strata == Strata.LEVEL:
        return lambda path: f"level-{len(path) // STEPLEN}"
    if strata == Strata.COUNTY:
        depth = len(root.path) + STEPLEN
        branches = dict(
            Committee.objects.filter(path__startswith=root.path, depth__lte=root.depth + 1).values_list("path", "code")
        )
        return lambda path: branches[path[:depth]] if len(path) >= depth else branches[root.path]
    return lambda path: "all"


def round_candidates(*, committee, strata):
    """Active members of active committees in the subtree: ({stratum: [member id, …]}, {member id: committee id}).

    Ids are listed in ascending order so the frozen list reads the same however the database returns rows.
    """
    name = _stratum_namer(committee, strata)
    rows = (
        Member.objects.filter(active=True, committee__active=True, committee__path__startswith=committee.path)
        .order_by("id")
        .values_list("id", "committee_id", "committee__path")
    )
    by_stratum, committee_of = {}, {}
    for member_id, committee_id, path in rows:
        by_stratum.setdefault(name(path), []).append(member_id)
        committee_of[member_id] = committee_id
    return by_stratum, committee_of


def rounds_for(user):
    return TestRound.objects.visible_to(user).select_related("committee")


def round_figures(test_round):
    """Person-tests, scored, passed and the pass rate of one round (one query)."""
    figures = test_round.sittings.aggregate(
        person_tests=Count("id"),
        scored=Count("id", filter=Q(score__isnull=False)),
        passed=Count("id", filter=Q(passed=True)),
    )
    figures["pass_rate"] = round(100 * figures["passed"] / figures["scored"], 1) if figures["scored"] else None
    return figures


def round_strata(test_round):
    """Per stratum: candidates, drawn (from the frozen list), scored and passed (one query)."""
    counts = {
        row["stratum"]: row
        for row in test_round.sittings.values("stratum").annotate(
            scored=Count("id", filter=Q(score__isnull=False)), passed=Count("id", filter=Q(passed=True))
        )
    }
    names = _stratum_names(test_round)
    return [
        {
            "stratum": key,
            "label": names.get(key, key),
            "candidates": len(ids),
            "drawn": test_round.allocation.get(key, 0),
            "scored": counts.get(key, {}).get("scored", 0),
            "passed": counts.get(key, {}).get("passed", 0),
        }
        for key, ids in sorted(test_round.candidates.items())
    ]


def _stratum_names(test_round):
    """What a reader calls each stratum: the county's name, "Level 2", "All members"."""
    keys = list(test_round.candidates)
    if test_round.strata == Strata.COUNTY:
        return dict(Committee.objects.filter(code__in=keys).values_list("code", "name"))
    if test_round.strata == Strata.LEVEL:
        return {key: _("Level %(level)s") % {"level": key.removeprefix("level-")} for key in keys}
    return {key: _("All members") for key in keys}


def round_sittings(test_round):
    return (
        TestSitting.objects.filter(round=test_round)
        .select_related("member", "committee")
        .order_by("committee__path", "member__order", "member_id")
    )


# ---------------------------------------------------------------- practical-matter tasks


def practical_tasks_for(user):
    return PracticalTask.objects.visible_to(user).select_related("committee")


# ---------------------------------------------------------------- figures (the registry's, never counted here)

# T13 and T15 as the registry defines them (assessment/metrics.py), year to date as of a month.
TEST_FIGURES = ["test_rounds", "person_tests", "test_scored", "test_pass_rate"]
TASK_FIGURES = ["city_tasks", "county_tasks", "tasks_done", "task_completion_rate", "overdue_tasks"]
HOME_FIGURES = ["test_rounds", "person_tests", "test_pass_rate", "city_tasks", "county_tasks", "task_completion_rate"]


def figures_committee(user, code=None):
    """The committee whose figures a page shows: `code` when the user may read it, else their first root."""
    return readable_committee_or_none(user, code) or scoping.start_committee(user)


def page_figures(user, committee, month, keys):
    """The registry's figures of `committee` as of `month` (reports.figures), as the dashboard shows them to this
    user: each the registry's headline, or the committee's own group's (reports.scoping.uses_own: a reader of that
    committee alone, a secretary, sees only its own group's)."""
    return figures.page_figures(user, committee, month, keys)


# ---------------------------------------------------------------- annual assessment


def assessment_ranking(user, *, year, kind=None):
    """The scores of the committees the user can see, ranked among themselves (rank 1 = best)."""
    scores = AssessmentScore.objects.visible_to(user).filter(year=year)
    if kind:
        scores = scores.filter(committee__kind=kind)
    return scores.select_related("committee").annotate(
        rank=Window(Rank(), order_by=F("points").desc())
    ).order_by("-points", "committee__path")


def assessment_score_for(user, *, year, code):
    from committees.scope import get_object_in_scope

    scores = AssessmentScore.objects.visible_to(user).filter(year=year).select_related("committee")
    return get_object_in_scope(scores, committee__code=code)


def assessment_years(user):
    return list(
        AssessmentScore.objects.visible_to(user).order_by("-year").values_list("year", flat=True).distinct()
    )


def readable_committee_or_none(user, code):
    if not code:
        return None
    return Committee.objects.visible_to(user).filter(code=code).first()


def scope_is_empty(user):
    return scope_for(user).is_empty
