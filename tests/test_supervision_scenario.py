"""The supervision half of the qiqihar-2021 scenario: T12 = 1,215 visits, T14 = every depth-2 group visited."""
import datetime
import io
import random

import pytest
from django.db.models import Q

from demo.supervision_2021 import extend_qiqihar_2021
from demo.tree import build_tree
from reports import figures
from reports import metrics as registry
from reports.rollup import rollup_months
from sessions_app.models import Activity, ActivityKind
from supervision import services
from supervision.models import Draw, Filing, Rectification, Visit

KINDS = [ActivityKind.COLLECTIVE, ActivityKind.THEMATIC, ActivityKind.READING_CLASS, ActivityKind.OUTREACH_LECTURE]


@pytest.fixture
def city_2021(db):
    tree = build_tree()
    rng = random.Random(5)
    rows = []
    for committee in tree.values():
        for _ in range(12 if committee.depth < 3 else 3):
            day = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randrange(365))
            kind = rng.choice(KINDS)
            rows.append(Activity(committee=committee, kind=kind, held_on=day, month=day.replace(day=1), title="学习",
                                 audience_count=40 if kind == ActivityKind.OUTREACH_LECTURE else None))
    Activity.objects.bulk_create(rows)
    return tree


def test_it_builds_t12_and_t14(city_2021):
    out = io.StringIO()
    extend_qiqihar_2021(city_2021, out)
    visits = Visit.objects.filter(status="submitted", visited_on__year=2021)
    assert visits.count() == 1_215
    assert not visits.filter(activity__isnull=False).exclude(activity__kind__in=[k.value for k in KINDS]).exists()
    root = city_2021["qqhr"]
    rollup_months([datetime.date(2021, 12, 1)])
    coverage = registry.COVERAGES["visit_coverage"]
    visited, total = figures.coverage_counts(coverage, root, datetime.date(2021, 12, 1))
    assert total == sum(1 for c in city_2021.values() if c.depth == 2) and visited == total
    assert figures.uncovered_groups(coverage, root, datetime.date(2021, 12, 1)) == []
    # 全覆盖 of the groups themselves: every depth-2 group's own group had a submitted visit.
    assert {c.pk for c in city_2021.values() if c.depth == 2} <= set(visits.values_list("committee_id", flat=True))
    for visit in visits.select_related("committee", "auditor__home_committee").iterator():
        assert not (visit.committee.path.startswith(visit.auditor.home_committee.path)
                    or visit.auditor.home_committee.path.startswith(visit.committee.path))
    rects = Rectification.objects.all()
    assert rects.count() > 0 and rects.filter(status="done").count() > 0.8 * rects.count()
    assert not rects.filter(Q(status="done") & Q(closed_at__isnull=True)).exists()
    assert Filing.objects.filter(activity__isnull=False).count() > 0.8 * Activity.objects.filter(kind__in=KINDS).count()
    assert services.draw_verify(draw=Draw.objects.get())
    assert "1,215 sit-in visits" in out.getvalue()
