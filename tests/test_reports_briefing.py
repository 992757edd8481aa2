"""The leader's briefing (issue 10): where each role lands, the headline figures and their changes (the differences
of the registry's stored figures), numbers as Chinese readers write them, and the silent units."""
import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from committees.models import Committee, User
from reports import briefing, rollup
from reports.figures import figures_for
from sessions_app.models import ActivityKind

from .factories import ActivityFactory, make_committee
from .supervision_factories import make_auditor
from .test_reports_scenario import scenario  # noqa: F401  (the qiqihar-2021 scenario, built once per module)

DEC = datetime.date(2021, 12, 1)
DASHBOARD = reverse("reports:dashboard")


# ---------------------------------------------------------------- where each role lands


def land(client, user):
    client.force_login(user)
    return client.get("/", follow=True)


@pytest.fixture
def december(tree):
    """Records up to December 2021 and nothing since: the current month's figures are all zero."""
    ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 11, 3))
    ActivityFactory(committee=tree.county_b, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 3))
    rollup.rollup_months([DEC.replace(month=11), DEC])
    return tree


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["leader_city", "admin"])
def test_it_lands_a_leader_on_the_dashboard_at_the_latest_month_with_figures(client, people, december, who):
    response = land(client, getattr(people, who))
    assert response.redirect_chain[-1][0] == DASHBOARD
    page = response.context["page"]
    assert page.committee == december.city and page.month == DEC  # not the empty current month
    assert 'id="sg-headline"' in response.content.decode()


@pytest.mark.django_db
def test_it_lands_a_county_leader_on_the_latest_month_of_their_own_county(client, people, december):
    page = land(client, people.leader_a).context["page"]
    assert (page.committee, page.month) == (december.county_a, DEC.replace(month=11))


@pytest.mark.django_db
def test_it_keeps_the_current_month_when_nothing_was_ever_recorded(client, people, tree):
    page = land(client, people.leader_city).context["page"]
    assert page.month == timezone.localdate().replace(day=1)


@pytest.mark.django_db
def test_it_keeps_a_secretary_on_their_own_home(client, people, december):
    response = land(client, people.secretary_a)
    assert response.redirect_chain == []
    assert response.templates[0].name == "sessions_app/home.html"


@pytest.mark.django_db
def test_it_keeps_a_leader_who_is_also_a_secretary_on_the_secretarys_home(client, people, december):
    from committees.models import Role, RoleKind

    Role.objects.create(user=people.leader_city, committee=december.city, kind=RoleKind.SECRETARY)
    assert land(client, people.leader_city).templates[0].name == "sessions_app/home.html"


@pytest.mark.django_db
def test_it_sends_an_auditor_to_supervision(client, people, december):
    make_auditor(people.auditor, home=december.county_b, may_visit=[december.city])
    response = land(client, people.auditor)
    assert response.redirect_chain[-1][0] == reverse("supervision:home")


@pytest.mark.django_db
def test_it_shows_a_user_without_a_role_the_no_role_page(client, people, december):
    response = land(client, people.outsider)
    assert response.redirect_chain == [] and 'id="sg-no-role"' in response.content.decode()


@pytest.mark.django_db
def test_it_lets_an_administrator_reach_record_entry_from_the_dashboard(client, people, december):
    response = land(client, people.admin)
    assert 'href="/?records=1"' in response.content.decode()
    records = client.get("/?records=1")
    assert records.status_code == 200 and records.templates[0].name == "sessions_app/home.html"
    # A leader who writes nothing has no such link.
    assert 'id="sg-records-link"' not in land(client, people.leader_city).content.decode()


# ---------------------------------------------------------------- the headline on the 2021 scenario


def headline_cards(client):
    client.force_login(User.objects.get(username="city_leader"))
    response = client.get("/", follow=True)
    assert response.status_code == 200
    return response, {card.key: card for card in response.context["headline_cards"]}


@pytest.mark.django_db
def test_it_opens_the_2021_scenario_on_december_with_the_headline_figures(scenario):  # noqa: F811
    from django.test import Client

    response, cards = headline_cards(Client())
    city = Committee.objects.get(code="qqhr")
    assert response.context["page"].committee == city and response.context["page"].month == DEC
    assert list(cards) == ["group_sessions", "study_sessions", "reading_class_periods", "immersive_participants",
                           "sit_in_visits", "task_completion_rate"]
    now = figures_for(city, DEC)
    for key, card in cards.items():
        assert card.ytd == now[key].ytd_value, key


@pytest.mark.django_db
def test_it_gives_each_headline_figure_its_change_from_the_stored_figures(scenario):  # noqa: F811
    from django.test import Client

    _response, cards = headline_cards(Client())
    city = Committee.objects.get(code="qqhr")
    now, before, year_ago = (figures_for(city, m) for m in (DEC, DEC.replace(month=11), DEC.replace(year=2020)))
    def minus(a, b, then):
        # A month the rollup never computed (2020: before the portal) has nothing to compare with.
        return None if a is None or b is None or then.as_of is None else pytest.approx(a - b)

    assert before.as_of is not None
    for key, card in cards.items():
        assert card.month_change == minus(now[key].month_value, before[key].month_value, before), key
        assert card.year_change == minus(now[key].ytd_value, year_ago[key].ytd_value, year_ago), key
    # The changes are not all trivially zero: the scenario spreads its records over the year.
    assert cards["study_sessions"].month_change not in (0, None)
    if year_ago.as_of is None:
        assert all(card.year_change is None and card.year_change_text == "—" for card in cards.values())


@pytest.mark.django_db
def test_it_compares_with_the_same_month_last_year_once_it_was_computed(client, people, december):
    """December 2020 computed with 3 sessions in county B: the year-on-year change is 2021's figure − 3."""
    ActivityFactory(committee=december.county_b, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2020, 12, 9))
    ActivityFactory(committee=december.county_b, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2020, 12, 10))
    ActivityFactory(committee=december.county_b, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2020, 11, 10))
    rollup.rollup_months([datetime.date(2020, 11, 1), datetime.date(2020, 12, 1)])
    client.force_login(people.leader_city)
    cards = {c.key: c for c in client.get(DASHBOARD, {"month": "2021-12"}).context["headline_cards"]}
    now, year_ago = figures_for(december.city, DEC), figures_for(december.city, DEC.replace(year=2020))
    assert year_ago["study_sessions"].ytd_value == 3 and now["study_sessions"].ytd_value == 2
    assert cards["study_sessions"].year_change == -1 and cards["study_sessions"].year_change_text == "−1"
    # Last month (November 2021: county A's session) is computed too.
    assert cards["study_sessions"].month_change == 1 - 1


@pytest.mark.django_db
def test_it_writes_the_headline_as_a_chinese_reader_expects(scenario):  # noqa: F811
    from django.test import Client

    response, cards = headline_cards(Client())
    html = response.content.decode()
    headline = html[html.index('id="sg-headline"'):html.index("</section>", html.index('id="sg-headline"'))]
    assert ">10,900<" in headline  # study sessions: thousands separators
    assert ">68万<" in headline  # immersive participants: 680,000 person-times
    assert 'title="680,000' in headline  # the exact figure in the tooltip
    assert f">{cards['study_sessions'].month_change_text}<" in headline  # 环比, signed
    # The document's tally codes only in tooltips: never as text of the page.
    text = response.content.decode()
    assert ">T2<" not in text and "T2 · " in text
    assert cards["immersive_participants"].ytd_text == "68万"


@pytest.mark.django_db
def test_it_ranks_the_breakdown_of_the_scenario(scenario):  # noqa: F811
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="city_leader"))
    page = client.get(DASHBOARD, {"month": "2021-12", "metric": "study_sessions"}).context["page"]
    values = [row.value for row in page.breakdown]
    assert len(values) > 3 and values == sorted(values, reverse=True)


# ---------------------------------------------------------------- numbers as Chinese readers write them


@pytest.mark.parametrize("value, wan, zh, en", [
    (10902, False, "10,902", "10,902"),
    (680000, True, "68万", "680,000"),
    (123456, True, "12.35万", "123,456"),
    (9999, True, "9,999", "9,999"),
    (10000, True, "1万", "10,000"),
    (0, True, "0", "0"),
    (66.7, False, "66.7", "66.7"),
    (None, False, "—", "—"),
])
def test_it_formats_figures(value, wan, zh, en):
    with translation.override("zh-hans"):
        assert briefing.figure_text(value, wan=wan) == zh
    with translation.override("en"):
        assert briefing.figure_text(value, wan=wan) == en


@pytest.mark.parametrize("value, expected", [(1234, "+1,234"), (-56, "−56"), (0, "0"), (2.5, "+2.5"), (None, "—")])
def test_it_formats_changes_with_their_sign(value, expected):
    assert briefing.change_text(value) == expected


def test_it_offers_the_formats_as_template_filters():
    template = Template("{% load figure_format %}{{ a|figure }} {{ b|figure_wan }} {{ c|signed }} {{ d|figure }}")
    with translation.override("zh-hans"):
        text = template.render(Context({"a": 10902, "b": 680000, "c": -3, "d": None}))
    assert text == "10,902 68万 −3 —"


# ---------------------------------------------------------------- silent units


@pytest.fixture
def studies(tree):
    """County A studied 10 days before the end of December; county B 100 days before; nobody else."""
    end = datetime.date(2021, 12, 31)
    ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE, held_on=end - datetime.timedelta(days=10))
    ActivityFactory(committee=tree.county_b, kind=ActivityKind.READING_CLASS, held_on=end - datetime.timedelta(days=100))
    # Not a collective study: an outreach lecture does not break the silence.
    ActivityFactory(committee=tree.grassroots_a1, kind=ActivityKind.OUTREACH_LECTURE, held_on=end)
    retired = make_committee(tree.county_a, code="county-a-old", name="已撤销党委")
    Committee.objects.filter(pk=retired.pk).update(active=False)
    rollup.rollup_months([DEC.replace(month=9), DEC])
    return tree


@pytest.mark.django_db
def test_it_lists_the_silent_units_of_the_whole_subtree(studies):
    units = briefing.silent_units(studies.city, DEC, days=60)
    # Never studied first (tree order), then the longest silent; county A studied within the 60 days; the retired
    # committee is not listed.
    assert [u.committee.code for u in units] == ["city", "county-a-g1", "county-b"]
    assert units[0].last_study is None and units[2].days == 100
    assert [u.committee.code for u in briefing.silent_units(studies.city, DEC, days=120)] == ["city", "county-a-g1"]
    assert [u.committee.code for u in briefing.silent_units(studies.county_a, DEC, days=60)] == ["county-a-g1"]


@pytest.mark.django_db
def test_it_links_each_silent_unit_to_its_committee(client, people, studies, settings):
    settings.SILENT_DAYS = 60
    client.force_login(people.leader_city)
    html = client.get(DASHBOARD, {"month": "2021-12"}).content.decode()
    silent = html[html.index('id="sg-silent"'):]
    silent = silent[:silent.index("</section>")]
    for code in ("city", "county-a-g1", "county-b"):
        assert f'href="?committee={code}&amp;month=2021-12" data-committee-code="{code}"' in silent
    assert 'data-committee-code="county-a"' not in silent
    assert "60" in silent
    # A secretary reads their own group only: no list of the units under it.
    client.force_login(people.secretary_a)
    assert 'id="sg-silent"' not in client.get(DASHBOARD, {"month": "2021-12"}).content.decode()


@pytest.mark.django_db
def test_it_never_links_a_red_heatmap_cell_to_an_empty_page(client, people, studies):
    client.force_login(people.leader_city)
    html = client.get(DASHBOARD, {"month": "2021-12", "metric": "study_sessions"}).content.decode()
    heatmap = html[html.index('id="sg-heatmap"'):]
    heatmap = heatmap[:heatmap.index("</table>")]
    import re

    for link in re.findall(r'<td class="text-center sg-heat-none[^"]*"[^>]*>(.*?)</td>', heatmap):
        assert "<a " not in link
    # Every linked cell has records behind it.
    for href in re.findall(r'<a href="([^"]+)"', heatmap):
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200 and response.context["total"] > 0, href
