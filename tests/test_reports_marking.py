"""Marking that cannot be bypassed: every way a row that a figure reads can change marks the months it
affects, old and new, in the same transaction (database triggers derived from the registry).

Each of issue 7's seen failures that came from a write path skipping the marks is pinned here."""
import datetime

import pytest
from django.db import connection, transaction

from reports import rollup, triggers
from reports.models import DirtyMonth, MetricValue, MonthStatus
from reports.services import mark_day_turnover
from sessions_app.models import Activity
from supervision.models import Filing, Rectification
from supervision.services import filing_link, visit_save

from .factories import ActivityFactory, CampaignFactory
from .figures_oracle import mismatches
from .supervision_factories import make_auditor, make_filing, make_session, make_visit

MARCH, APRIL, MAY = (datetime.date(2021, m, 1) for m in (3, 4, 5))


def marks():
    return set(DirtyMonth.objects.values_list("month", flat=True))


def settled():
    """Recompute as the worker does; then every stored figure must equal a fresh count."""
    rollup.rollup_dirty()
    assert mismatches() == []
    DirtyMonth.objects.all().delete()


def test_it_installs_every_trigger_the_registry_asks_for(db):
    assert triggers.installed() == triggers.expected()
    assert {"sessions_app.Activity", "supervision.Filing", "supervision.Rectification", "supervision.Visit",
            "assessment.TestSitting", "assessment.TestRound", "committees.Committee", "committees.Campaign",
            "committees.Theme"} <= set(triggers.watches())


def test_it_marks_nothing_when_no_figure_reads_what_changed(tree):
    record = ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 3, 9))
    DirtyMonth.objects.all().delete()
    record.title, record.notes = "新标题", "备注"
    record.save()
    assert marks() == set()


def test_it_marks_both_months_of_a_queryset_update_and_a_raw_statement(tree):
    record = ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 3, 9))
    DirtyMonth.objects.all().delete()
    Activity.objects.filter(pk=record.pk).update(held_on=datetime.date(2021, 4, 2), month=APRIL)
    assert marks() == {MARCH, APRIL}
    DirtyMonth.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE sessions_app_activity SET held_on = %s, month = %s WHERE id = %s",
                       [datetime.date(2021, 5, 3), MAY, record.pk])
    assert marks() == {APRIL, MAY}
    settled()


def test_it_marks_a_bulk_create_and_a_bulk_delete(tree):
    Activity.objects.bulk_create([
        Activity(committee=tree.county_b, kind="collective", held_on=datetime.date(2021, 3, d), month=MARCH, title="学")
        for d in (1, 2, 3)
    ])
    assert marks() == {MARCH}
    settled()
    Activity.objects.filter(committee=tree.county_b).delete()
    assert marks() == {MARCH}
    settled()
    assert not MetricValue.objects.filter(month=MARCH, metric="study_sessions").exists()


def test_it_marks_the_session_month_when_a_filing_is_linked_by_hand(tree):
    """Seen failure 1: `_link` saved with update_fields and marked only the filing's planned month."""
    session = make_session(tree.county_a, held_on=datetime.date(2021, 3, 20))
    filing = make_filing(tree.county_a, planned_on=datetime.date(2021, 4, 2))
    settled()
    filing_link(filing=filing, activity=session)
    assert MARCH in marks()
    settled()
    assert MetricValue.objects.get(committee=tree.county_a, month=MARCH, metric="sessions_with_filing").own == 1


def test_it_marks_the_due_month_of_rectification_items_made_in_bulk(tree, people):
    """Seen failure 2: visit_save creates its items with bulk_create (no signals), due months were never marked."""
    auditor = make_auditor(people.auditor, home=tree.city, may_visit=[tree.city])
    session = make_session(tree.county_a, held_on=datetime.date(2021, 3, 20))
    settled()
    visit_save(
        auditor=auditor, target={"committee": tree.county_a, "kind": session.kind, "filing": None,
                                 "activity": session, "assignment": None},
        visited_on=datetime.date(2021, 3, 20), observed_count=5, findings="", ratings={}, submit=False,
        rectifications=[{"description": "补齐记录", "owner": "张三", "due_on": datetime.date(2021, 5, 10)}],
    )
    assert {MARCH, MAY} <= marks()
    settled()


def test_it_marks_through_relations_a_figure_reads(tree, people):
    """A visit's status decides whether its items count; a campaign's code is part of its figures' keys
    (`campaign.<code>.thematic_sessions`), so a new code rewrites the months of its records."""
    campaign = CampaignFactory()
    ActivityFactory(committee=tree.county_a, kind="thematic", held_on=datetime.date(2021, 3, 9), campaign=campaign)
    auditor = make_auditor(people.auditor, home=tree.city, may_visit=[tree.city])
    visit = make_visit(auditor, tree.county_b, status="draft", visited_on=datetime.date(2021, 4, 9), rectifications=1,
                       due_on=datetime.date(2021, 5, 9))
    settled()
    campaign.code = "renamed"
    campaign.save()
    assert marks() == {MARCH}
    settled()
    campaign.name = "新名称"
    campaign.save()
    assert marks() == set()  # a label is read when shown, never stored
    visit.status = "submitted"
    visit.save()
    assert {APRIL, MAY} <= marks()
    settled()


def test_it_marks_every_month_of_a_committee_moved_in_the_tree(tree):
    ActivityFactory(committee=tree.grassroots_a1, held_on=datetime.date(2021, 3, 9))
    ActivityFactory(committee=tree.grassroots_a1, held_on=datetime.date(2021, 5, 9))
    settled()
    type(tree.grassroots_a1).objects.move(tree.grassroots_a1, tree.county_b, "last-child")
    assert {MARCH, MAY} <= marks()
    settled()
    assert MetricValue.objects.get(committee=tree.county_b, month=MAY, metric="study_sessions").subtree_ytd == 2


def test_it_marks_the_months_of_a_round_moved_to_another_date(tree):
    from assessment.models import TestRound, TestSitting

    from .factories import MemberFactory

    test_round = TestRound.objects.create(
        committee=tree.city, name="测试", held_on=datetime.date(2021, 3, 9), sample_size=1, pass_mark=60,
        max_score=100, seed=1,
    )
    TestSitting.objects.create(round=test_round, member=MemberFactory(committee=tree.county_a),
                               committee=tree.county_a)
    settled()
    test_round.held_on = datetime.date(2021, 5, 9)
    test_round.save()
    assert {MARCH, MAY} <= marks()
    settled()


def test_it_marks_the_months_whose_overdue_figures_change_with_the_date(tree, people):
    today = datetime.date(2021, 5, 3)
    assert mark_day_turnover(today=today) == [APRIL, MAY]
    assert mark_day_turnover(today=today) == []  # already pending: not marked twice


def test_it_keeps_the_marks_of_a_rolled_back_change_out(tree):
    try:
        with transaction.atomic():
            ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 3, 9))
            raise RuntimeError
    except RuntimeError:
        pass
    assert marks() == set()


def test_it_computes_other_years_when_one_year_cannot_be_computed(tree):
    """Seen failure 6: a far-future date made month arithmetic overflow and every later save fail."""
    ActivityFactory(committee=tree.county_a, held_on=datetime.date(2021, 3, 9))
    Filing.objects.bulk_create([Filing(committee=tree.county_a, kind="collective", planned_on=datetime.date(9999, 12, 31),
                                       place="会议室", topic="远期")])
    done = rollup.rollup_dirty()
    assert MARCH in done
    assert MetricValue.objects.filter(month=MARCH, metric="study_sessions", committee=tree.city).exists()
    december = MonthStatus.objects.filter(month=datetime.date(9999, 12, 1)).first()
    assert december is None or december.failures == 0  # computed, or backing off without blocking 2021


def test_it_lists_a_rectification_of_a_draft_nowhere_in_the_figures(tree, people):
    """Seen failure 3 (the figure side): items of a draft visit are not open or overdue items."""
    auditor = make_auditor(people.auditor, home=tree.city, may_visit=[tree.city])
    make_visit(auditor, tree.county_a, status="draft", visited_on=datetime.date(2021, 3, 9), rectifications=2,
               due_on=datetime.date(2021, 4, 9))
    settled()
    assert not MetricValue.objects.filter(metric__in=["open_rectifications", "overdue_rectifications"]).exists()
    assert Rectification.objects.count() == 2


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_it_derives_triggers_for_both_databases(db, vendor):
    statements = triggers.statements(vendor)
    assert len(statements) == len(triggers.expected(vendor)) * (2 if vendor == "postgresql" else 1)
    assert all("reports_dirtymonth" in s for s in statements if "TRIGGER" in s and vendor == "sqlite")
