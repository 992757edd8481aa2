"""The assessment half of the qiqihar-2021 scenario reproduces T13 and T15."""
import io

from django.db.models import Count, Q

from assessment.models import PracticalTask, TestRound, TestSitting
from assessment.services import round_verify
from demo.assessment_2021 import extend_qiqihar_2021
from demo.tree import build_tree


def test_it_builds_two_rounds_of_9000_person_tests_and_the_tasks_of_t15(db):
    tree = build_tree()
    out = io.StringIO()
    extend_qiqihar_2021(tree, out)

    assert TestRound.objects.filter(held_on__year=2021).count() == 2
    assert TestSitting.objects.filter(round__held_on__year=2021).count() == 9_000
    assert not TestSitting.objects.filter(score__isnull=True).exists()
    tasks = PracticalTask.objects.filter(due_on__year=2021).aggregate(
        city=Count("id", filter=Q(level="city")), county=Count("id", filter=Q(level="county")),
        done=Count("id", filter=Q(status="done")), total=Count("id"),
    )
    assert tasks == {"city": 220, "county": 2_039, "done": 2_259, "total": 2_259}
    assert "9,000 person-tests" in out.getvalue()
    for test_round in TestRound.objects.all():
        assert round_verify(test_round)[0]
