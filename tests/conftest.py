"""Shared fixtures: a small committee tree and one user for every position in the scope matrix.

    city (市委)
    ├── county_a (县委 A) ── grassroots_a1
    └── county_b (县委 B, the sibling)
"""
import os
import shutil
from types import SimpleNamespace

import pytest

from committees.models import CommitteeKind, RoleKind

from .factories import MemberFactory, make_committee, user_with_role

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition, why):
    """Skip locally when a real component is missing; in CI a missing component is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {why}")
    pytest.skip(why)


@pytest.fixture
def tree(db):
    city = make_committee(code="city", name="市委", kind=CommitteeKind.CITY)
    county_a = make_committee(city, code="county-a", name="甲县委", kind=CommitteeKind.COUNTY)
    county_b = make_committee(city, code="county-b", name="乙县委", kind=CommitteeKind.COUNTY)
    grassroots_a1 = make_committee(county_a, code="county-a-g1", name="甲县一镇党委", kind=CommitteeKind.GRASSROOTS)
    for committee in (city, county_a, county_b, grassroots_a1):
        committee.refresh_from_db()
    return SimpleNamespace(city=city, county_a=county_a, county_b=county_b, grassroots_a1=grassroots_a1)


@pytest.fixture
def members_a(tree):
    return [MemberFactory(committee=tree.county_a) for _ in range(4)]


@pytest.fixture
def people(tree):
    """alice is secretary of county A; the others are the positions of the scope matrix."""
    return SimpleNamespace(
        secretary_a=user_with_role(tree.county_a, RoleKind.SECRETARY, username="alice"),
        secretary_b=user_with_role(tree.county_b, RoleKind.SECRETARY, username="bella"),
        leader_city=user_with_role(tree.city, RoleKind.LEADER, username="carl"),
        leader_a=user_with_role(tree.county_a, RoleKind.LEADER, username="dora"),
        leader_b=user_with_role(tree.county_b, RoleKind.LEADER, username="eric"),
        auditor=user_with_role(tree.city, RoleKind.AUDITOR, username="fred"),
        outsider=user_with_role(None, RoleKind.LEADER, username="olga"),
        admin=user_with_role(tree.city, RoleKind.ADMIN, username="root", is_superuser=True),
    )


@pytest.fixture
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    require(path is not None, "Debian's chromium is not installed (apt-get install chromium)")
    return path
