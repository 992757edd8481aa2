"""A key no database can hold, posted to a multiple choice (a forged form, an API payload found by schemathesis),
is an invalid choice at its field: never an OverflowError or a database error, never a 500."""
import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from committees.models import Committee
from sessions_app.models import Activity
from studygroup.fields import ModelMultipleChoiceField

HUGE = 2**70


@pytest.mark.parametrize("posted", [[str(HUGE)], [str(-HUGE)], ["1", str(HUGE)]])
def test_a_key_too_large_for_any_database_is_an_invalid_choice(tree, posted):
    field = ModelMultipleChoiceField(Committee.objects.all())
    with pytest.raises(Exception) as raised:
        field.clean(posted)
    assert raised.type.__name__ == "ValidationError" and raised.value.code == "invalid_choice"


def test_a_key_in_range_is_still_chosen(tree):
    field = ModelMultipleChoiceField(Committee.objects.all())
    assert list(field.clean([str(tree.county_a.pk)])) == [tree.county_a]


def test_the_api_answers_400_at_the_field_for_such_a_plan_topic(people):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people.secretary_a)
    held_on = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    body = {"kind": "collective", "held_on": held_on, "title": "学习", "plan_topics": [HUGE]}
    answer = client.post("/api/v1/records/", body, format="json")
    assert answer.status_code == 400 and "plan_topics" in answer.json()
    assert not Activity.objects.exists()
