"""The qiqihar-2021 scenario reproduces DOMAIN.md's T1–T11 exactly, through `stats --json` and the bulletin."""
import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from committees.models import Committee
from sessions_app.models import Activity

TALLIES = {
    "group_sessions": 8, "group_reading_classes": 2,  # T1
    "study_sessions": 10_900,  # T2
    "reading_class_periods": 4_906,  # T3
    # T4–T6: the 2021 study month's instances of the campaign templates
    "campaign.party-spirit-2021.thematic_sessions": 1_517, "campaign.party-spirit-2021.reading_classes": 467,
    "campaign.party-spirit-2021.reflection_articles": 13_554,
    # T7, T8: the 6th plenum theme's instances of the lecture templates
    "theme.plenum-6.city_leader_lectures": 30, "theme.plenum-6.city_leader_audience": 794,
    "theme.plenum-6.county_leader_lectures": 197, "theme.plenum-6.county_leader_audience": 5_290,
    # T9, T11: the city committee's own group; T10: person-times city-wide
    "group_expert_lectures": 8, "immersive_participants": 680_000, "group_research_reports": 33,
}
DOCUMENT_TALLY = {"group_sessions": "T1", "campaign.party-spirit-2021.thematic_sessions": "T4",
                  "theme.plenum-6.county_leader_audience": "T8", "group_expert_lectures": "T9",
                  "group_research_reports": "T11"}
FIRST_SENTENCE = (
    "截至2021年12月底，市委理论学习中心组集体学习8次（含两次专题读书班），"
    "全市各级党委（党组）中心组学习合计10900次，举办读书班4906期。"
)


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    """Built once for the module (it takes a while) in a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", scenario="qiqihar-2021", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def stats(**options):
    out = StringIO()
    call_command("stats", month="2021-12", json=True, stdout=out, **options)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_it_reproduces_the_document_tallies(scenario):
    data = stats()
    assert (data["scope"], data["month"]) == ("qqhr", "2021-12")
    assert data["as_of"] is not None
    assert {key: data["figures"][key]["value"] for key in TALLIES} == TALLIES
    assert data["figures"]["study_sessions"]["tally"] == "T2"
    assert {key: data["figures"][key]["tally"] for key in DOCUMENT_TALLY} == DOCUMENT_TALLY
    # Other groups invite experts and write reports too: the city-wide figures are larger than the city group's.
    assert data["figures"]["expert_lectures"]["value"] > 8 and data["figures"]["research_reports"]["value"] > 33


SUPERVISION_TALLIES = {
    "sit_in_visits": (1_215, "T12"), "test_rounds": (2, "T13"), "person_tests": (9_000, "T13"),
    "visit_coverage": (100.0, "T14"), "city_tasks": (220, "T15"), "county_tasks": (2_039, "T15"),
    "task_completion_rate": (100.0, "T15"),
}


@pytest.mark.django_db
def test_it_reproduces_the_supervision_tallies(scenario):
    figures = stats()["figures"]
    assert {key: (figures[key]["value"], figures[key]["tally"]) for key in SUPERVISION_TALLIES} == SUPERVISION_TALLIES


@pytest.mark.django_db
def test_it_spreads_the_records_plausibly(scenario):
    campaign = Activity.objects.filter(campaign__code="party-spirit-2021")
    assert not campaign.exclude(held_on__range=(datetime.date(2021, 10, 15), datetime.date(2021, 11, 15))).exists()
    plenum = Activity.objects.filter(theme__code="plenum-6", kind="outreach_lecture")
    assert not plenum.filter(held_on__lte=datetime.date(2021, 11, 11)).exists()
    assert not Activity.objects.filter(lecturer_level="city_leader").exclude(committee__code="qqhr").exists()
    assert not Activity.objects.filter(lecturer_level="county_leader", committee__depth__gt=2).exists()
    per_month = set(Activity.objects.filter(kind="collective").values_list("month", flat=True))
    assert len(per_month) == 12
    assert Committee.objects.count() > 700
    late = Activity.objects.filter(is_late=True).count()
    assert 0 < late < Activity.objects.count() / 4  # a few end-of-month entries, not everything


@pytest.mark.django_db
def test_it_gives_a_county_its_own_subtree(scenario):
    county = stats(committee="longsha")
    city = stats()
    assert 0 < county["figures"]["study_sessions"]["value"] < city["figures"]["study_sessions"]["value"]
    assert county["figures"]["theme.plenum-6.city_leader_lectures"]["value"] == 0


@pytest.mark.django_db
def test_it_opens_the_bulletin_with_the_document_sentence(scenario):
    from reports import bulletin

    city = Committee.objects.get(code="qqhr")
    with translation.override("zh-hans"):
        text = bulletin.build(city, datetime.date(2021, 12, 1)).paragraphs[0]
    normalized = text.replace(",", "，").replace("(", "（").replace(")", "）")
    assert bulletin.first_sentence(normalized) == FIRST_SENTENCE


@pytest.mark.django_db
def test_it_reports_full_coverage_of_sit_in_visits_in_the_bulletin(scenario):
    from reports import bulletin

    city = Committee.objects.get(code="qqhr")
    with translation.override("en"):
        text = " ".join(bulletin.build(city, datetime.date(2021, 12, 1)).paragraphs)
    assert "1,215 study sessions and outreach lectures" in text
    assert "covering every county-level and city-department study group" in text


@pytest.mark.django_db
@pytest.mark.parametrize("username", [
    "admin", "county_admin", "city_leader", "county_leader", "city_secretary", "secretary", "auditor"])
def test_it_gives_the_scenarios_demo_logins_real_work_on_their_first_page(scenario, username):
    """The README's logins in the 2021 scenario: the auditor is in the pool with a visit to make (issue 9)."""
    import re

    from django.test import Client

    from committees.models import User

    from .test_demo import FIRST_PAGE_WORK

    client = Client()
    client.force_login(User.objects.get(username=username))
    body = client.get("/", follow=True).content.decode()
    for pattern in FIRST_PAGE_WORK[username]:
        assert re.search(pattern, body), (username, pattern)
