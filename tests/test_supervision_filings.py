"""Filing (学习报备): N days ahead or a clear error at the date; sessions find their filing as they are saved;
the manual link; leaders see sessions held without filing and filings never held."""
import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from reports.rollup import rollup_months
from sessions_app.models import ActivityKind
from supervision.models import Filing

from .factories import ActivityFactory
from .supervision_factories import make_filing

TODAY = timezone.localdate


def filing_post(committee, days_ahead, **extra):
    data = {"committee": committee.pk, "kind": ActivityKind.COLLECTIVE, "place": "三楼会议室", "topic": "学习六中全会精神",
            "planned_on": (TODAY() + datetime.timedelta(days=days_ahead)).isoformat()}
    data.update(extra)
    return data


def test_it_files_a_session_far_enough_ahead(client, tree, people):
    client.force_login(people.secretary_a)
    response = client.post(reverse("supervision:filing_create"), filing_post(tree.county_a, 3))
    assert response.status_code == 302
    filing = Filing.objects.get()
    assert filing.committee == tree.county_a and filing.filed_by == people.secretary_a


@override_settings(FILING_MIN_DAYS_AHEAD=5)
@pytest.mark.parametrize("days", [-1, 0, 4])
def test_it_refuses_a_late_filing_at_the_date_field_keeping_the_input(client, tree, people, days):
    client.force_login(people.secretary_a)
    response = client.post(reverse("supervision:filing_create"), filing_post(tree.county_a, days))
    assert response.status_code == 200
    assert "planned_on" in response.context["form"].errors
    assert "学习六中全会精神" in response.content.decode()
    assert Filing.objects.count() == 0


def test_it_does_not_let_a_secretary_file_for_another_committee(client, tree, people):
    client.force_login(people.secretary_a)
    response = client.post(reverse("supervision:filing_create"), filing_post(tree.county_b, 5))
    assert response.status_code == 200 and "committee" in response.context["form"].errors
    assert Filing.objects.count() == 0
    client.force_login(people.leader_city)  # a reader cannot file
    assert client.post(reverse("supervision:filing_create"), filing_post(tree.city, 5)).status_code == 404
    assert Filing.objects.count() == 0


def test_it_matches_a_logged_session_to_its_filing(tree):
    day = TODAY() - datetime.timedelta(days=2)
    filing = make_filing(tree.county_a, planned_on=day)
    other_kind = ActivityFactory(committee=tree.county_a, held_on=day, kind=ActivityKind.FIRST_AGENDA)
    other_committee = ActivityFactory(committee=tree.county_b, held_on=day)
    filing.refresh_from_db()
    assert filing.activity is None
    session = ActivityFactory(committee=tree.county_a, held_on=day)
    filing.refresh_from_db()
    assert filing.activity == session
    session.title = "改了题目"
    session.save()  # saving again changes nothing
    filing.refresh_from_db()
    assert filing.activity == session
    assert other_kind.pk and other_committee.pk


def test_it_links_a_filing_by_hand_to_a_session_held_on_another_day(client, tree, people):
    filing = make_filing(tree.county_a, planned_on=TODAY() - datetime.timedelta(days=5))
    session = ActivityFactory(committee=tree.county_a, held_on=TODAY() - datetime.timedelta(days=4))
    foreign = ActivityFactory(committee=tree.county_b, held_on=TODAY() - datetime.timedelta(days=4))
    url = reverse("supervision:filing_link", args=[filing.pk])
    client.force_login(people.secretary_b)
    assert client.get(url).status_code == 404
    client.force_login(people.secretary_a)
    response = client.post(url, {"activity": foreign.pk})
    assert response.status_code == 200 and "activity" in response.context["form"].errors
    filing.refresh_from_db()
    assert filing.activity is None
    assert client.post(url, {"activity": session.pk}).status_code == 302
    filing.refresh_from_db()
    assert filing.activity == session


def test_it_shows_leaders_unfiled_sessions_and_unheld_filings(client, tree, people):
    day = TODAY() - datetime.timedelta(days=3)
    unfiled_a = ActivityFactory(committee=tree.county_a, held_on=day, title="未报备的学习")
    ActivityFactory(committee=tree.county_b, held_on=day, title="乙县未报备")
    make_filing(tree.county_a, planned_on=day - datetime.timedelta(days=1), topic="报备了却没开")
    client.force_login(people.leader_a)
    html = client.get(reverse("supervision:unfiled"), {"year": day.year}).content.decode()
    assert unfiled_a.title in html and "乙县未报备" not in html
    html = client.get(reverse("supervision:filings"), {"status": "unheld"}).content.decode()
    assert "报备了却没开" in html
    # The home page's figures are the registry's, once rolled up: county A's, year to date.
    rollup_months([day - datetime.timedelta(days=1), day])
    figures = client.get(reverse("supervision:home"), {"month": f"{day:%Y-%m}"}).context["overview"].figures
    assert figures["sessions_without_filing"].value == 1 and figures["unheld_filings"].value == 1
