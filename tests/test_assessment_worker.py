"""The annual assessment through a REAL Celery worker on Redis, against the test database.

Skipped locally without REDIS_URL and PostgreSQL; in CI a missing component fails.
Run locally: DATABASE_URL=postgres://…/sg_x REDIS_URL=redis://127.0.0.1:6379/6 pytest -m worker
"""
import datetime
from decimal import Decimal

import pytest

from assessment.models import AssessmentPart, AssessmentScore
from assessment.tasks import assessment_compute
from sessions_app.models import Activity

from .test_reports_worker import RESULT_TIMEOUT, worker  # noqa: F401  (the worker fixture)

pytestmark = pytest.mark.worker


def test_it_computes_a_year_in_a_real_worker_and_again_to_the_same_rows(tree, worker):  # noqa: F811
    Activity.objects.bulk_create([
        Activity(committee=tree.county_a, kind="collective", held_on=datetime.date(2021, m, 3),
                 month=datetime.date(2021, m, 1), title="学习")
        for m in (1, 2, 3)
    ])
    first = assessment_compute.apply_async(args=[2021], queue=worker).get(timeout=RESULT_TIMEOUT)
    assert first == {"year": 2021, "committees": 4}
    part = AssessmentPart.objects.get(score__committee=tree.county_a, rule__key="study_frequency")
    assert (part.numerator, part.denominator, part.points) == (3, 12, Decimal("6.25"))  # 25 × 3/12
    rows = list(AssessmentScore.objects.order_by("committee_id").values_list("committee_id", "points"))
    again = assessment_compute.apply_async(args=[2021], queue=worker).get(timeout=RESULT_TIMEOUT)
    assert again == first
    assert list(AssessmentScore.objects.order_by("committee_id").values_list("committee_id", "points")) == rows
