"""The random draw and the assignment of auditors, as pure functions of stored data.

Everything here reads only the frozen candidate list, the seed and the pool snapshot stored on a Draw, so
`verify` can re-run a draw years later and get the same answer.
"""
import math
import random
from dataclasses import dataclass

from studygroup.sampling import allocate

from .scoping import has_conflict


class DrawError(ValueError):
    """The draw cannot be made as asked; nothing is saved."""


@dataclass(frozen=True)
class Candidate:
    filing_id: int
    committee_id: int
    path: str
    stratum: str


@dataclass
class Slot:
    """One auditor as the draw sees them."""

    id: int
    home: str  # home committee path
    visits: tuple  # subtree paths they may visit
    capacity: int  # workload limit minus what they already carry in the period
    previous: frozenset  # committee ids they were sent to in their last draw (rotation)


def stratum_key(path, mode, steplen=4):
    if mode == "level":
        return f"{len(path) // steplen:02d}"
    if mode == "county":
        return path[: 2 * steplen]  # the depth-2 ancestor (the root itself keeps its own path)
    return ""


def draw_sample(candidates, size, seed):
    """The drawn filing ids, sorted. Candidates are taken in canonical order (by filing id)."""
    ordered = sorted(candidates, key=lambda c: c.filing_id)
    if size < 1:
        raise DrawError("empty")
    if size > len(ordered):
        raise DrawError("too_large")
    rng = random.Random(seed)
    strata = {}
    for c in ordered:
        strata.setdefault(c.stratum, []).append(c)
    counts = allocate({key: len(rows) for key, rows in strata.items()}, size)
    drawn = []
    for key in sorted(strata):
        drawn.extend(c.filing_id for c in rng.sample(strata[key], counts[key]))
    return sorted(drawn)


def eligible(slot, candidate):
    return (
        slot.capacity > 0
        and not has_conflict(slot.home, candidate.path)
        and any(candidate.path.startswith(v) for v in slot.visits)
    )


def assign(candidates, drawn_ids, slots):
    """{filing_id: auditor_id}: balanced load, no conflict of interest, within workload limits.

    Items with the fewest eligible auditors go first so that a tight pool still fits; among eligible
    auditors the one not sent to this committee last time, then the least loaded, then the lowest id wins.
    """
    by_id = {c.filing_id: c for c in candidates}
    slots = [Slot(s.id, s.home, tuple(s.visits), s.capacity, frozenset(s.previous)) for s in slots]
    load = {s.id: 0 for s in slots}
    items = [by_id[i] for i in sorted(drawn_ids)]
    items.sort(key=lambda c: (sum(1 for s in slots if eligible(s, c)), c.filing_id))
    result = {}
    for c in items:
        options = [s for s in slots if eligible(s, c)]
        if not options:
            raise DrawError(c.filing_id)
        best = min(options, key=lambda s: (c.committee_id in s.previous, load[s.id], s.id))
        best.capacity -= 1
        load[best.id] += 1
        result[c.filing_id] = best.id
    return result


def sample_size_for(total, *, size=None, rate=None):
    """A fixed size, or a rate (0–1] of the candidates rounded up."""
    if size:
        return size
    return math.ceil(total * rate) if rate else 0
