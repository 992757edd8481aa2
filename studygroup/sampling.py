"""Stratified sampling shared by the supervision draw and the knowledge-test draw."""
import math
from fractions import Fraction


def allocate(sizes, n):
    """{stratum: population} → {stratum: sample}, proportional and summing exactly to n.

    Largest remainder, in exact fractions; ties go to the stratum whose key sorts first. Each stratum
    gets at most its population (n must not exceed the total).
    """
    total = sum(sizes.values())
    if n > total:
        raise ValueError(f"sample of {n} from {total} candidates")
    quotas = {key: Fraction(size * n, total) for key, size in sizes.items()}
    shares = {key: math.floor(q) for key, q in quotas.items()}
    left = n - sum(shares.values())
    by_remainder = sorted(sizes, key=lambda key: (-(quotas[key] - shares[key]), key))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares
