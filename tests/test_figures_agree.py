"""Every page shows every figure as `manage.py stats --json` prints it.

Records of every kind are entered for a small city, rolled up, and each page that shows registry figures
is rendered as a user allowed to see it: the dashboard, the drill-down header, the bulletin, the supervision
home and the assessment pages. Each figure on a page carries `data-metric` and `data-value`, and the page
says once which committee and month it shows (`data-committee`, `data-month`); every value must equal the
one the `stats` command prints for that committee and month — so no page can count a figure its own way.
"""
import datetime
import json
from decimal import Decimal
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessment.services import practical_task_create, round_create, round_scores_enter
from committees.models import RoleKind
from reports import metrics as registry
from reports.rollup import rollup_months
from sessions_app.models import ActivityKind, LecturerLevel

from .factories import ActivityFactory, CampaignFactory, MemberFactory, ThemeFactory, user_with_role
from .supervision_factories import make_auditor, make_filing, make_visit

YEAR = 2021
MONTHS = ["2021-03", "2021-06", "2021-12"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# ---------------------------------------------------------------- a city with records of every kind


def day(month, d=10):
    return datetime.date(YEAR, month, d)


def _sessions(committee, campaign, theme, month, n):
    """Every kind of record the study metrics count, a few of each, in one month."""
    kinds = [
        {"kind": ActivityKind.COLLECTIVE},
        {"kind": ActivityKind.THEMATIC, "campaign": campaign},
        {"kind": ActivityKind.READING_CLASS, "period_count": 2 + n, "campaign": campaign if n % 2 else None},
        {"kind": ActivityKind.FIRST_AGENDA, "opened_with_study": bool(n % 3)},
        {"kind": ActivityKind.EXPERT_LECTURE},
        {"kind": ActivityKind.OUTREACH_LECTURE, "lecturer_level": LecturerLevel.CITY_LEADER, "theme": theme,
         "audience_count": 40 + n},
        {"kind": ActivityKind.OUTREACH_LECTURE, "lecturer_level": LecturerLevel.COUNTY_LEADER, "theme": theme,
         "audience_count": 25 + n},
        {"kind": ActivityKind.OUTREACH_LECTURE, "lecturer_level": LecturerLevel.GRASSROOTS, "audience_count": 9},
        {"kind": ActivityKind.FIELD_STUDY, "participant_count": 120 + n},
        {"kind": ActivityKind.REFLECTION, "article_count": 3 + n, "campaign": campaign if n % 2 else None},
        {"kind": ActivityKind.RESEARCH_REPORT},
    ]
    made = []
    for i, fields in enumerate(kinds[: 4 + (n * 3) % len(kinds)] if n % 4 else kinds):
        made.append(ActivityFactory(committee=committee, held_on=day(month, 2 + i), **fields))
    return made


def _supervision(tree, people, sessions):
    fred = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    for committee, held in sessions.items():
        for i, activity in enumerate(held):
            if activity.kind in (ActivityKind.COLLECTIVE, ActivityKind.THEMATIC) and i % 2 == 0:
                make_filing(committee, planned_on=activity.held_on, activity=activity)
        make_filing(committee, planned_on=day(2, 20))  # filed, never held
    make_visit(fred, tree.county_a, visited_on=day(3), discrepancy=True, findings="记录不全", rectifications=2,
               due_on=day(4))
    make_visit(fred, tree.grassroots_a1, visited_on=day(5), rectifications=1, rect_status="done", due_on=day(6))
    make_visit(fred, tree.county_b, visited_on=day(9), findings="材料下发不及时", rectifications=1, due_on=day(12, 20))
    make_visit(fred, tree.county_b, visited_on=day(11), status="draft", rectifications=3, due_on=day(11, 30))


def _assessment(tree):
    for committee, count in ((tree.city, 4), (tree.county_a, 8), (tree.grassroots_a1, 4), (tree.county_b, 8)):
        for _ in range(count):
            MemberFactory(committee=committee)
    first = round_create(name="一", held_on=day(6, 18), committee=tree.city, sample_size=12, seed="1")
    round_create(name="二", held_on=day(11, 19), committee=tree.county_a, sample_size=5, seed="2")
    scores = iter(Decimal(s) for s in ["90", "59.5", "60", "75", "40", "100", "88"])
    round_scores_enter(test_round=first, scores={s: next(scores) for s in first.sittings.values_list("id", flat=True)[:7]})
    for committee, due, status in [
        (tree.city, day(3, 1), "done"), (tree.city, day(12, 20), "in_progress"), (tree.county_a, day(5, 1), "done"),
        (tree.grassroots_a1, day(6, 1), "done"), (tree.grassroots_a1, day(9, 1), "planned"),
        (tree.county_b, day(7, 1), "planned"),
    ]:
        practical_task_create(committee=committee, title="办实事", due_on=due, status=status,
                              completed_on=due if status == "done" else None)


@pytest.fixture
def city(tree, people):
    campaign = CampaignFactory(code="party-spirit-2021")
    theme = ThemeFactory(code="plenum-6")
    sessions = {}
    for n, committee in enumerate((tree.city, tree.county_a, tree.grassroots_a1, tree.county_b)):
        for month in (2, 3, 6, 11):
            sessions.setdefault(committee, []).extend(_sessions(committee, campaign, theme, month, n + month))
    _supervision(tree, people, sessions)
    _assessment(tree)
    rollup_months([datetime.date(YEAR, m, 1) for m in range(1, 13)])
    leader_g = user_with_role(tree.grassroots_a1, RoleKind.LEADER, username="gina")
    return {"city": people.leader_city, "county-a": people.leader_a, "county-a-g1": leader_g}


# ---------------------------------------------------------------- reading a page and the command


class Figures(HTMLParser):
    """The page's container (data-committee, data-month) and every data-metric element: key, value, and
    whether it sits inside a container."""

    def __init__(self):
        super().__init__()
        self.stack, self.containers, self.shown = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        is_container = "data-committee" in attrs
        if is_container:
            self.containers.append(attrs)
        if "data-metric" in attrs:
            assert "data-value" in attrs, attrs
            inside = any(container for _, container in self.stack)
            self.shown.append((attrs["data-metric"], attrs["data-value"], inside))
        if tag not in VOID:
            self.stack.append((tag, is_container))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag("br", attrs)  # a void element: nothing to close

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def shown_on(response, code, month):
    assert response.status_code == 200, response
    parser = Figures()
    parser.feed(response.content.decode())
    assert len(parser.containers) == 1, parser.containers
    container = parser.containers[0]
    assert (container["data-committee"], container["data-month"]) == (code, month)
    assert "data-scope" not in container  # a leader's page shows the registry's headline of the subtree
    assert parser.shown, "no figure on the page"
    assert all(inside for _, _, inside in parser.shown)
    return [(key, value) for key, value, _ in parser.shown]


def stats(code, month):
    out = StringIO()
    call_command("stats", "--month", month, "--committee", code, "--json", stdout=out)
    return {key: figure["value"] for key, figure in json.loads(out.getvalue())["figures"].items()}


def assert_agrees(page, shown, printed):
    for key, value in shown:
        expected = printed[key]
        got = None if value == "" else float(value)
        assert got == (None if expected is None else float(expected)), f"{page}: {key} shows {value!r}, stats {expected!r}"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def query(code, month, **extra):
    return {"committee": code, "month": month, **extra}


# ---------------------------------------------------------------- the pages


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize("code", ["city", "county-a", "county-a-g1"])
def test_every_leaders_page_shows_the_stats_figures(city, code, month):
    client, printed = client_for(city[code]), stats(code, month)
    dashboard = shown_on(client.get(reverse("reports:dashboard"), query(code, month)), code, month)
    assert {key for key, _ in dashboard} == set(printed)  # every registry figure is on the dashboard
    pages = {"dashboard": dashboard}
    pages["bulletin"] = shown_on(client.get(reverse("reports:bulletin"), query(code, month)), code, month)
    for name in ("assessment:home", "assessment:rounds", "assessment:tasks", "supervision:home"):
        pages[name] = shown_on(client.get(reverse(name), query(code, month)), code, month)
    for name, shown in pages.items():
        assert_agrees(f"{name} {code} {month}", shown, printed)
    assert {"visit_coverage", "sit_in_visits", "open_rectifications"} <= {key for key, _ in pages["supervision:home"]}
    assert {"city_tasks", "county_tasks", "task_completion_rate"} <= {key for key, _ in pages["assessment:tasks"]}
    assert {"test_rounds", "person_tests"} <= {key for key, _ in pages["assessment:rounds"]}


@pytest.mark.parametrize("code", ["city", "county-a", "county-a-g1"])
def test_every_drill_down_header_shows_the_stats_figure(city, code):
    client = client_for(city[code])
    for month in MONTHS:
        printed = stats(code, month)
        for metric in registry.all_metrics():
            response = client.get(reverse("reports:drilldown", args=[metric.key]), query(code, month, period="ytd"))
            assert_agrees(f"drill-down {metric.key} {code} {month}", shown_on(response, code, month), printed)


@pytest.mark.parametrize("who", ["admin", "auditor"])
@pytest.mark.parametrize("code", ["city", "county-a", "county-a-g1"])
def test_the_supervision_home_shows_the_stats_figures_to_auditors_and_admins(city, people, who, code):
    client = client_for(getattr(people, who))
    for month in MONTHS:
        shown = shown_on(client.get(reverse("supervision:home"), query(code, month)), code, month)
        assert_agrees(f"supervision home ({who}) {code} {month}", shown, stats(code, month))


def test_the_supervision_home_lists_exactly_the_groups_the_coverage_misses(city, people):
    client = client_for(people.leader_city)
    for month, missing in (("2021-03", ["乙县委"]), ("2021-06", ["乙县委"]), ("2021-12", [])):
        response = client.get(reverse("supervision:home"), query("city", month))
        assert [c.name for c in response.context["overview"].uncovered] == missing
        covered = 2 - len(missing)  # two county-level groups under the city
        assert response.context["overview"].figures["visit_coverage"].value == 100 * covered / 2


def test_the_figures_differ_between_months_and_committees(city):
    """The data is rich enough for a wrong period or subtree to show: the figures are not all alike."""
    city_dec, city_mar, county_dec = stats("city", "2021-12"), stats("city", "2021-03"), stats("county-a", "2021-12")
    for key in ("sit_in_visits", "open_rectifications", "person_tests", "city_tasks", "county_tasks", "study_sessions"):
        assert city_dec[key] != county_dec[key] or city_dec[key] != city_mar[key], key
    assert city_dec["visit_coverage"] == 100.0 and city_mar["visit_coverage"] == 50.0
    assert county_dec["visit_coverage"] == 100.0  # county A's own group was visited (March)
    assert stats("county-a-g1", "2021-12")["visit_coverage"] is None  # no county-level group under it
    assert city_dec["open_rectifications"] == 3  # county A's two, county B's one; the draft's three count nowhere
