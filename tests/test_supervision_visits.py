"""Recording a sit-in visit: head count beside reported attendance, ratings, findings, rectification items;
bad input changes nothing and keeps what was typed; outside the assignment is 404."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.models import Notification, Rating, Rectification, Visit

from .supervision_factories import checklist_ids, make_assignment, make_auditor, make_filing, make_session


@pytest.fixture
def setup(tree, people):
    """fred audits from county B and may visit the whole city; county A filed and held a session (5 present)."""
    auditor = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    filing = make_filing(tree.county_a)
    activity = make_session(tree.county_a, present=5, absent=1)  # matched to the filing as it is saved
    filing.refresh_from_db()
    assert filing.activity == activity
    assignment = make_assignment(filing, auditor)
    return auditor, activity, filing, assignment


def post_data(**overrides):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "visited_on": yesterday.isoformat(), "observed_count": "9", "findings": "研讨不够深入",
        "rect-TOTAL_FORMS": "1", "rect-INITIAL_FORMS": "0", "rect-MIN_NUM_FORMS": "0", "rect-MAX_NUM_FORMS": "20",
        "rect-0-description": "补齐学习记录", "rect-0-owner": "李秘书",
        "rect-0-due_on": (yesterday + datetime.timedelta(days=14)).isoformat(), "submit": "1",
    }
    data.update({f"rating_{pk}": "4" for pk in checklist_ids()})
    data.update(overrides)
    return data


def test_it_records_a_visit_with_discrepancy_ratings_and_rectification(client, setup, people):
    auditor, activity, filing, assignment = setup
    client.force_login(people.auditor)
    url = reverse("supervision:visit_start", args=[assignment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, post_data())
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert visit.status == "submitted" and visit.assignment == assignment and visit.activity == activity
    assert (visit.observed_count, visit.reported_count, visit.discrepancy) == (9, 5, True)
    assert Rating.objects.filter(visit=visit).count() == len(checklist_ids())
    assert Rectification.objects.get().committee == activity.committee
    assert Notification.objects.filter(user=people.secretary_a).exists()
    assert client.get(url).status_code == 302  # the assignment now leads to the visit


def test_it_does_not_flag_a_head_count_within_tolerance(client, setup, people):
    auditor, activity, filing, assignment = setup
    client.force_login(people.auditor)
    client.post(reverse("supervision:visit_start", args=[assignment.pk]), post_data(observed_count="6"))
    assert Visit.objects.get().discrepancy is False


@pytest.mark.parametrize("field, value, error_field", [
    ("rating_{first}", "7", "rating_{first}"),
    ("rating_{first}", "0", "rating_{first}"),
    ("rect-0-due_on", "2000-01-01", "due_on"),
    ("observed_count", "-3", "observed_count"),
    ("visited_on", "2999-01-01", "visited_on"),
])
def test_it_rejects_bad_input_changing_nothing_and_keeping_what_was_typed(client, setup, people, field, value, error_field):
    auditor, activity, filing, assignment = setup
    first = checklist_ids()[0]
    client.force_login(people.auditor)
    response = client.post(
        reverse("supervision:visit_start", args=[assignment.pk]), post_data(**{field.format(first=first): value})
    )
    assert response.status_code == 200
    assert Visit.objects.count() == 0 and Rating.objects.count() == 0 and Rectification.objects.count() == 0
    html = response.content.decode()
    assert "研讨不够深入" in html and "补齐学习记录" in html and "李秘书" in html
    assert "is-invalid" in html or "invalid-feedback" in html
    form = response.context["form"]
    errors = dict(form.errors)
    for row in response.context["formset"].forms:
        errors.update(row.errors)
    assert error_field.format(first=first) in errors


def test_it_requires_every_rating_to_submit_but_saves_a_partial_draft(client, setup, people):
    auditor, activity, filing, assignment = setup
    first = checklist_ids()[0]
    client.force_login(people.auditor)
    url = reverse("supervision:visit_start", args=[assignment.pk])
    data = post_data(**{f"rating_{first}": ""})
    assert client.post(url, data).status_code == 200
    assert Visit.objects.count() == 0
    data.pop("submit")
    data["draft"] = "1"
    assert client.post(url, data).status_code == 302
    visit = Visit.objects.get()
    assert visit.status == "draft"
    edit = reverse("supervision:visit_edit", args=[visit.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, post_data())
    visit.refresh_from_db()
    assert visit.status == "submitted" and Rectification.objects.count() == 1
    assert client.get(edit).status_code == 404  # submitted visits are final


def test_it_hides_drafts_from_the_secretary(client, setup, people):
    auditor, activity, filing, assignment = setup
    client.force_login(people.auditor)
    data = post_data()
    data.pop("submit")
    client.post(reverse("supervision:visit_start", args=[assignment.pk]), data)
    visit = Visit.objects.get()
    client.force_login(people.secretary_a)
    assert client.get(reverse("supervision:visit", args=[visit.pk])).status_code == 404
    assert client.get(reverse("supervision:rectifications")).context["table"].paginator.count == 0


def test_it_gives_404_for_a_missing_or_unassigned_session(client, setup, tree, people):
    auditor, activity, filing, assignment = setup
    client.force_login(people.auditor)
    assert client.get(reverse("supervision:visit_start", args=[assignment.pk + 999])).status_code == 404
    assert client.get(reverse("supervision:visit_start_activity", args=[activity.pk + 999])).status_code == 404
    # a session of the auditor's own committee (county B) is a conflict of interest: not found
    own = make_session(tree.county_b)
    assert client.get(reverse("supervision:visit_start_activity", args=[own.pk])).status_code == 404
    assert client.post(reverse("supervision:visit_start_activity", args=[own.pk]), post_data()).status_code == 404
    # another auditor's assignment
    other = make_auditor(people.leader_b, home=tree.county_b, may_visit=[tree.city])
    theirs = make_assignment(make_filing(tree.grassroots_a1), other)
    assert client.get(reverse("supervision:visit_start", args=[theirs.pk])).status_code == 404
    assert Visit.objects.count() == 0


def test_it_lets_an_auditor_visit_a_logged_session_in_their_subtrees(client, setup, tree, people):
    auditor, activity, filing, assignment = setup
    session = make_session(tree.grassroots_a1, present=3, absent=0)
    client.force_login(people.auditor)
    response = client.post(reverse("supervision:visit_start_activity", args=[session.pk]), post_data(observed_count="3"))
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.committee == tree.grassroots_a1 and visit.discrepancy is False and visit.assignment is None


def test_it_closes_a_rectification_with_evidence(client, setup, people):
    auditor, activity, filing, assignment = setup
    client.force_login(people.auditor)
    client.post(reverse("supervision:visit_start", args=[assignment.pk]), post_data())
    rect = Rectification.objects.get()
    url = reverse("supervision:rectification_close", args=[rect.pk])
    client.force_login(people.secretary_b)
    assert client.post(url, {"evidence_note": "已补齐"}).status_code == 404
    client.force_login(people.secretary_a)
    assert client.post(url, {"evidence_note": "  "}).status_code == 200
    rect.refresh_from_db()
    assert rect.status == "open"
    assert client.post(url, {"evidence_note": "已补齐记录"}).status_code == 302
    rect.refresh_from_db()
    assert rect.status == "done" and rect.closed_at and rect.closed_by == people.secretary_a
    assert client.post(url, {"evidence_note": "again"}).status_code == 404


def test_it_lists_notifications_with_an_unread_badge_and_marks_them_read(client, setup, people):
    auditor, activity, filing, assignment = setup
    client.force_login(people.auditor)
    client.post(reverse("supervision:visit_start", args=[assignment.pk]), post_data())
    client.force_login(people.secretary_a)
    assert 'data-testid="unread-badge"' in client.get(reverse("supervision:filings")).content.decode()
    # Seen is read (issue 10): the list shows them as new once, and the badge is gone.
    response = client.get(reverse("supervision:notifications"))
    assert response.context["new_ids"] and 'data-testid="unread-badge"' not in response.content.decode()
    assert not Notification.objects.filter(user=people.secretary_a, read_at__isnull=True).exists()
    assert client.post(reverse("supervision:notifications")).status_code == 302  # "mark all as read" still works
    assert 'data-testid="unread-badge"' not in client.get(reverse("supervision:filings")).content.decode()
    client.force_login(people.secretary_b)  # nobody else's notifications
    assert client.get(reverse("supervision:notifications")).context["page"].paginator.count == 0
