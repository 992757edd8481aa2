"""The random draw of a knowledge-test round, written so that anyone can re-run it.

Algorithm ``sha256-rank-v1``, with nothing but the stored seed and candidate list:

1. Allocate the sample over strata in proportion to their sizes (largest remainder; ties go to the
   stratum whose key sorts first).
2. Within each stratum, rank every candidate by ``sha256("<seed>:<member id>")`` (hex digest) and take
   the first k of that order.

No generator state or library version is involved, so a spreadsheet, a shell one-liner or another
language reproduces the same sample from the published seed and list.
"""
import hashlib
import math
from fractions import Fraction

from studygroup import sampling


class SampleTooLarge(ValueError):
    def __init__(self, wanted, available):
        super().__init__(f"sample of {wanted} from {available} candidates")
        self.wanted = wanted
        self.available = available


def rank_key(seed, member_id):
    return hashlib.sha256(f"{seed}:{member_id}".encode()).hexdigest()


def sample_size_for(*, size=None, rate=None, available):
    """The sample size a round asks for: a fixed size, or a percentage rate rounded up (at least 1)."""
    if size is not None:
        return int(size)
    return max(1, math.ceil(Fraction(str(rate)) * available / 100))


def allocate(sizes, n):
    """{stratum: population} → {stratum: sample}, proportional, summing exactly to n."""
    total = sum(sizes.values())
    if n > total:
        raise SampleTooLarge(n, total)
    return sampling.allocate(sizes, n)


def draw_sample(candidates, n, seed):
    """candidates: {stratum: [member id, …]} → ({stratum: sorted drawn ids}, {stratum: k})."""
    shares = allocate({key: len(ids) for key, ids in candidates.items()}, n)
    drawn = {}
    for key, ids in candidates.items():
        ranked = sorted(ids, key=lambda member_id: rank_key(seed, member_id))
        drawn[key] = sorted(ranked[: shares[key]])
    return drawn, shares


def sample_digest(member_ids):
    """A fingerprint of a sample, independent of order and strata."""
    return hashlib.sha256(",".join(str(i) for i in sorted(member_ids)).encode()).hexdigest()
