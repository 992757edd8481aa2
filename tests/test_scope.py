import pytest

from committees.models import Committee
from committees.scope import scope_for
from sessions_app.models import Activity

from .factories import ActivityFactory


@pytest.fixture
def records(tree):
    return {name: ActivityFactory(committee=getattr(tree, name)) for name in ("city", "county_a", "county_b", "grassroots_a1")}


def visible(user):
    return set(Activity.objects.visible_to(user).values_list("committee__code", flat=True))


def test_it_gives_a_leader_the_whole_subtree(people, records):
    assert visible(people.leader_a) == {"county-a", "county-a-g1"}
    assert visible(people.leader_city) == {"city", "county-a", "county-b", "county-a-g1"}


def test_it_gives_a_secretary_only_their_committee(people, records):
    assert visible(people.secretary_a) == {"county-a"}
    assert set(Activity.objects.writable_by(people.secretary_a).values_list("committee__code", flat=True)) == {"county-a"}


def test_it_gives_an_outsider_and_a_sibling_nothing_across(people, records):
    assert visible(people.outsider) == set()
    assert "county-a" not in visible(people.leader_b)


def test_it_gives_an_admin_everything(people, records):
    assert visible(people.admin) == {"city", "county-a", "county-b", "county-a-g1"}


def test_it_narrows_committees_the_same_way(people, tree):
    codes = set(Committee.objects.visible_to(people.leader_a).values_list("code", flat=True))
    assert codes == {"county-a", "county-a-g1"}
    assert scope_for(people.leader_a).can_read_committee(tree.grassroots_a1)
    assert not scope_for(people.leader_a).can_read_committee(tree.county_b)
