"""The random draw: reproducible from its stored seed and candidates, proportional over strata, never a
conflicted auditor, within workload limits; a draw larger than the candidates saves nothing."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from supervision import draw as drawing
from supervision import services
from supervision.models import Assignment, Draw, Notification

from .supervision_factories import make_auditor, make_filing

# ------------------------------------------------------------------ pure functions (hypothesis)

# A small tree of paths: root 0001; children 00010001..; grandchildren 000100010001..
PATHS = ["0001"] + [f"0001{c:04d}" for c in range(1, 5)] + [f"0001{c:04d}{g:04d}" for c in range(1, 5) for g in range(1, 4)]

candidate_lists = st.lists(
    st.tuples(st.integers(1, 10_000), st.sampled_from(PATHS)), min_size=1, max_size=40, unique_by=lambda t: t[0]
)


def as_candidates(rows, mode):
    return [drawing.Candidate(fid, PATHS.index(p) + 1, p, drawing.stratum_key(p, mode)) for fid, p in rows]


@settings(max_examples=60, deadline=None)
@given(rows=candidate_lists, mode=st.sampled_from(["none", "level", "county"]), seed=st.integers(0, 2**48), data=st.data())
def test_it_reproduces_the_draw_from_seed_and_candidates_in_any_order(rows, mode, seed, data):
    candidates = as_candidates(rows, mode)
    size = data.draw(st.integers(1, len(candidates)))
    first = drawing.draw_sample(candidates, size, seed)
    shuffled = data.draw(st.permutations(candidates))
    assert drawing.draw_sample(shuffled, size, seed) == first
    assert len(first) == size and len(set(first)) == size
    assert set(first) <= {c.filing_id for c in candidates}


@settings(max_examples=60, deadline=None)
@given(rows=candidate_lists, mode=st.sampled_from(["level", "county"]), seed=st.integers(0, 2**48), data=st.data())
def test_it_draws_each_stratum_in_proportion(rows, mode, seed, data):
    candidates = as_candidates(rows, mode)
    size = data.draw(st.integers(1, len(candidates)))
    drawn = set(drawing.draw_sample(candidates, size, seed))
    sizes = {}
    for c in candidates:
        sizes[c.stratum] = sizes.get(c.stratum, 0) + 1
    for stratum, n in sizes.items():
        got = sum(1 for c in candidates if c.stratum == stratum and c.filing_id in drawn)
        assert abs(got - size * n / len(candidates)) < 1  # floor or ceiling of its fair share


slot_lists = st.lists(
    st.tuples(st.sampled_from(PATHS), st.lists(st.sampled_from(PATHS), min_size=1, max_size=3), st.integers(0, 6),
              st.sets(st.integers(1, len(PATHS)), max_size=3)),
    min_size=1, max_size=8,
)


@settings(max_examples=80, deadline=None)
@given(rows=candidate_lists, pool=slot_lists, seed=st.integers(0, 2**48), data=st.data())
def test_it_never_assigns_a_conflicted_or_overloaded_auditor(rows, pool, seed, data):
    candidates = as_candidates(rows, "none")
    size = data.draw(st.integers(1, len(candidates)))
    drawn = drawing.draw_sample(candidates, size, seed)
    slots = [drawing.Slot(i + 1, home, tuple(visits), cap, frozenset(prev)) for i, (home, visits, cap, prev) in enumerate(pool)]
    try:
        assigned = drawing.assign(candidates, drawn, slots)
    except drawing.DrawError:
        return  # no fit: the service refuses the whole draw
    by_id = {c.filing_id: c for c in candidates}
    slot_by_id = {s.id: s for s in slots}
    assert sorted(assigned) == drawn
    for filing_id, auditor_id in assigned.items():
        path, slot = by_id[filing_id].path, slot_by_id[auditor_id]
        assert not (path.startswith(slot.home) or slot.home.startswith(path))
        assert any(path.startswith(v) for v in slot.visits)
    for slot in slots:
        assert list(assigned.values()).count(slot.id) <= slot.capacity
    assert drawing.assign(candidates, drawn, slots) == assigned  # deterministic


def test_it_rotates_away_from_last_draws_committee_when_it_can():
    c = [drawing.Candidate(1, 7, "00010001", "")]
    slots = [drawing.Slot(1, "00010002", ("0001",), 5, frozenset({7})), drawing.Slot(2, "00010003", ("0001",), 5, frozenset())]
    assert drawing.assign(c, [1], slots) == {1: 2}
    slots = [drawing.Slot(1, "00010002", ("0001",), 5, frozenset({7}))]
    assert drawing.assign(c, [1], slots) == {1: 1}  # unavoidable: the only auditor goes again


def test_it_balances_load():
    c = [drawing.Candidate(i, 7, "00010001", "") for i in range(1, 7)]
    slots = [drawing.Slot(a, f"0001000{a + 1}", ("0001",), 10, frozenset()) for a in (1, 2, 3)]
    assigned = drawing.assign(c, list(range(1, 7)), slots)
    assert sorted(list(assigned.values()).count(a) for a in (1, 2, 3)) == [2, 2, 2]


# ------------------------------------------------------------------ the service and the pages


@pytest.fixture
def filed(tree, people):
    """Ten filings in county A's subtree and in county B next week; auditors from B (fred) and A (dora)."""
    day = datetime.date.today() + datetime.timedelta(days=7)
    filings = [make_filing(tree.county_a if i % 2 else tree.grassroots_a1, planned_on=day) for i in range(6)]
    filings += [make_filing(tree.county_b, planned_on=day) for _ in range(4)]
    fred = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city], limit=6)
    dora = make_auditor(people.leader_a, home=tree.county_a, may_visit=[tree.city], limit=6)
    return day, filings, fred, dora


def test_it_stores_a_draw_that_verifies_and_assigns_without_conflict(filed, tree, people):
    day, filings, fred, dora = filed
    draw = services.draw_create(user=people.admin, root=tree.city, period_start=day, period_end=day, strata="county", size=8, seed=42)
    assert len(draw.candidates) == 10 and len(draw.result) == 8 and draw.seed == 42
    for row in Assignment.objects.filter(draw=draw).select_related("filing__committee", "auditor__home_committee"):
        assert not (row.filing.committee.is_within(row.auditor.home_committee)
                    or row.auditor.home_committee.is_within(row.filing.committee))
    assert services.draw_verify(draw=draw)
    assert Notification.objects.filter(user=people.auditor).exists()
    assert Notification.objects.filter(user=people.secretary_a).exists() or Notification.objects.filter(user=people.secretary_b).exists()
    # the same seed over the same frozen candidates gives the same sample
    again = drawing.draw_sample(services.candidates_from_json(draw.candidates), 8, 42)
    assert again == draw.result


def test_it_detects_a_tampered_result(filed, tree, people):
    day, *_ = filed
    draw = services.draw_create(user=people.admin, root=tree.city, period_start=day, period_end=day, strata="none", size=3, seed=7)
    unused = next(c[0] for c in draw.candidates if c[0] not in draw.result)
    Draw.objects.filter(pk=draw.pk).update(result=sorted(draw.result[1:] + [unused]))
    draw.refresh_from_db()
    assert not services.draw_verify(draw=draw)


@pytest.mark.parametrize("size", [11, 100])
def test_it_refuses_a_draw_larger_than_the_candidates_saving_nothing(filed, tree, people, size):
    day, *_ = filed
    with pytest.raises(ValidationError) as exc:
        services.draw_create(user=people.admin, root=tree.city, period_start=day, period_end=day, strata="none", size=size)
    assert "sample_size" in exc.value.message_dict
    assert Draw.objects.count() == 0 and Assignment.objects.count() == 0 and Notification.objects.count() == 0


def test_it_refuses_a_draw_the_pool_cannot_cover(filed, tree, people):
    day, filings, fred, dora = filed
    fred.workload_limit = 1
    fred.save()
    dora.workload_limit = 1
    dora.save()
    with pytest.raises(ValidationError):
        services.draw_create(user=people.admin, root=tree.city, period_start=day, period_end=day, strata="none", size=5)
    assert Draw.objects.count() == 0 and Assignment.objects.count() == 0


def test_it_respects_workload_carried_from_earlier_draws(filed, tree, people):
    day, filings, fred, dora = filed
    services.draw_create(user=people.admin, root=tree.city, period_start=day, period_end=day, strata="none", size=10, seed=1)
    counts = {a: Assignment.objects.filter(auditor=a).count() for a in (fred, dora)}
    assert counts[fred] <= 6 and counts[dora] <= 6
    with pytest.raises(ValidationError):  # 12 slots, 10 taken: a second draw of 3 does not fit
        services.draw_create(user=people.admin, root=tree.city, period_start=day, period_end=day, strata="none", size=3)


def test_it_shows_a_clear_error_on_the_form_and_saves_nothing(client, filed, people):
    day, *_ = filed
    client.force_login(people.leader_city)
    response = client.post(reverse("supervision:draw_create"), {
        "root": people.leader_city.roles.get().committee_id, "period_start": day, "period_end": day,
        "sample_size": 50, "strata": "none",
    })
    assert response.status_code == 200
    assert "sample_size" in response.context["form"].errors
    assert Draw.objects.count() == 0


def test_it_draws_and_verifies_through_the_pages(client, filed, people):
    day, *_ = filed
    client.force_login(people.leader_city)
    response = client.post(reverse("supervision:draw_create"), {
        "root": people.leader_city.roles.get().committee_id, "period_start": day, "period_end": day,
        "rate": 50, "strata": "level", "seed": 123,
    })
    draw = Draw.objects.get()
    assert response.status_code == 302 and draw.sample_size == 5 and draw.seed == 123
    response = client.post(reverse("supervision:draw_verify", args=[draw.pk]), follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "success" for m in response.context["messages"])
    client.force_login(people.leader_b)
    assert client.get(reverse("supervision:draw", args=[draw.pk])).status_code == 404
    assert client.post(reverse("supervision:draw_verify", args=[draw.pk])).status_code == 404


def test_it_emails_notified_users_on_commit_once(filed, tree, people, django_capture_on_commit_callbacks, mailoutbox):
    from supervision.tasks import send_notification_email

    day, *_ = filed
    people.auditor.email = "fred@example.org"
    people.auditor.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.draw_create(user=people.admin, root=tree.city, period_start=day, period_end=day, strata="none", size=6, seed=3)
    assert [m.to for m in mailoutbox] == [["fred@example.org"]] * len(mailoutbox) and mailoutbox
    sent = len(mailoutbox)
    for notification in Notification.objects.filter(user=people.auditor):
        send_notification_email(notification.pk)  # a repeated task sends nothing twice
    assert len(mailoutbox) == sent
    assert Notification.objects.filter(user=people.auditor, emailed_at__isnull=True).count() == 0
