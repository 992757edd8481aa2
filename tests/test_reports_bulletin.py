"""The bulletin (通报): the document's sentences from the rollup figures, in Chinese and English, the
tally table, the DOCX/XLSX downloads, the command, and the scope of the page.

The sentences are the default bulletin outline's (reports/outline_defaults.py; outlines are tested in
tests/test_reports_outline.py): full-width Chinese punctuation, the document's own wording.
"""
import datetime
import io

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from reports import bulletin, rollup
from reports import metrics as registry
from reports.models import MetricValue
from sessions_app.models import ActivityKind, LecturerLevel

from .factories import ActivityFactory, CampaignFactory, ThemeFactory

DEC = datetime.date(2021, 12, 1)
FIRST_SENTENCE = (
    "截至2021年12月底，市委理论学习中心组集体学习8次（含两次专题读书班），全市各级党委（党组）中心组学习合计10900次，"
    "举办读书班4906期。"
)
CAMPAIGN = "campaign.party-spirit-2021"
THEME = "theme.plenum-6"


def set_ytd(committee, values=None, **more):
    """Year-to-date rollup rows of December 2021 (the bulletin reads nothing else)."""
    for key, value in {**(values or {}), **more}.items():
        MetricValue.objects.create(
            committee=committee, month=DEC, metric=key, own=value, subtree=value, own_ytd=value, subtree_ytd=value,
        )


@pytest.fixture
def document_figures(tree):
    CampaignFactory(code="party-spirit-2021", name="弘扬伟大建党精神")
    ThemeFactory(code="plenum-6", name="十九届六中全会精神")
    set_ytd(tree.city, {
        f"{CAMPAIGN}.thematic_sessions": 1517, f"{CAMPAIGN}.reading_classes": 467,
        f"{CAMPAIGN}.reflection_articles": 13554, f"{THEME}.city_leader_lectures": 30,
        f"{THEME}.city_leader_audience": 794, f"{THEME}.county_leader_lectures": 197,
        f"{THEME}.county_leader_audience": 5290,
    }, group_sessions=8, group_reading_classes=2, study_sessions=10900, reading_class_periods=4906,
        group_expert_lectures=8, immersive_participants=680000, group_research_reports=33)
    set_ytd(tree.county_a, group_sessions=5, group_reading_classes=0, study_sessions=120, reading_class_periods=14)
    return tree


def build(committee, lang="zh-hans"):
    with translation.override(lang):
        return bulletin.build(committee, DEC)


def test_it_writes_the_documents_first_sentence_for_the_city(document_figures):
    document = build(document_figures.city)
    assert document.paragraphs[0] == FIRST_SENTENCE


def test_it_writes_the_documents_further_sentences(document_figures):
    text = "".join(build(document_figures.city).paragraphs)
    assert "全市各级党委（党组）中心组召开“弘扬伟大建党精神”专题学习1517次，举办专题读书班467次，党员领导干部撰写心得体会13554篇。" in text
    assert ("截至2021年12月末，市级领导开展党的十九届六中全会精神基层宣讲30次，受众794人；"
            "县（市）、区及市直单位领导班子成员开展宣讲197次，受众5290人。") in text
    assert "2021年初以来，先后邀请专家学者开展线上线下专题报告8场。" in text
    assert "参与人数达68万人次" in text
    assert "形成调研报告33篇" in text


def test_it_names_a_county_and_its_area_from_the_scope(document_figures):
    first = build(document_figures.county_a).paragraphs[0]
    assert first == "截至2021年12月底，甲县委理论学习中心组集体学习5次，全县各级党委（党组）中心组学习合计120次，举办读书班14期。"


def test_it_writes_english_when_the_language_is_english(document_figures):
    first = build(document_figures.city, "en").paragraphs[0]
    assert first.startswith("As of the end of December 2021, the theory study center group of the city committee")
    assert "8 collective study sessions (including 2 thematic reading classes)" in first
    assert "10,900" in first and "4,906" in first


def test_it_skips_the_sentences_of_metrics_that_are_not_registered(document_figures, monkeypatch):
    for key in ("group_reading_classes", "sit_in_visits", "test_rounds", "city_tasks", "county_tasks"):
        monkeypatch.delitem(registry.REGISTRY, key, raising=False)
    monkeypatch.setattr(registry, "_instances", lambda: {})  # no campaign or theme figures either
    document = build(document_figures.city)
    assert document.paragraphs[0] == FIRST_SENTENCE.replace("（含两次专题读书班）", "")
    assert not any("专题学习1517次" in p for p in document.paragraphs)


def test_it_writes_supervision_and_task_sentences_when_they_are_registered(document_figures):
    required = {"sit_in_visits", "test_rounds", "person_tests", "city_tasks", "county_tasks"}
    if not required <= registry.REGISTRY.keys():
        pytest.skip("supervision/assessment metrics are not registered")
    set_ytd(document_figures.city, sit_in_visits=1215, test_rounds=2, person_tests=9000, city_tasks=220,
            county_tasks=2039, practical_tasks=2259, tasks_done=2259)
    text = "".join(build(document_figures.city).paragraphs)
    assert "列席旁听各级党委（党组）理论中心组学习及基层理论宣讲活动1215场次" in text
    assert "开展两轮党史知识测试，随机抽考9000人次" in text
    assert "市本级办实事项目220项、县（市）区列入办实事项目2039项任务" in text
    if "task_completion_rate" in registry.RATIOS:
        assert "完成率100%" in text


def test_it_counts_real_records_through_the_rollup(tree):
    """End to end on a small dataset: records → rollup → the first sentence."""
    for kind in (ActivityKind.COLLECTIVE, ActivityKind.COLLECTIVE, ActivityKind.READING_CLASS):
        ActivityFactory(committee=tree.city, kind=kind, held_on=datetime.date(2021, 3, 2), period_count=1)
    for committee in (tree.county_a, tree.grassroots_a1, tree.county_b):
        ActivityFactory(committee=committee, kind=ActivityKind.READING_CLASS, held_on=datetime.date(2021, 12, 9),
                        period_count=2)
    ActivityFactory(committee=tree.county_b, kind=ActivityKind.OUTREACH_LECTURE, held_on=datetime.date(2021, 12, 9),
                    lecturer_level=LecturerLevel.COUNTY_LEADER, audience_count=40,
                    theme=ThemeFactory(code="plenum-6", name="十九届六中全会精神"))
    rollup.rollup_months([datetime.date(2021, 3, 1), DEC])
    document = build(tree.city)
    assert document.paragraphs[0] == (
        "截至2021年12月底，市委理论学习中心组集体学习3次（含一次专题读书班），全市各级党委（党组）中心组学习合计6次，"
        "举办读书班7期。"
    )
    assert "县（市）、区及市直单位领导班子成员开展宣讲1次，受众40人。" in document.paragraphs


def _download(client, user, fmt, code="city"):
    client.force_login(user)
    return client.get(reverse("reports:bulletin"), {"committee": code, "month": "2021-12", "format": fmt})


def test_it_downloads_a_docx_with_the_text_and_the_table(client, people, document_figures):
    response = _download(client, people.leader_city, "docx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    doc = docx.Document(io.BytesIO(response.content))
    assert FIRST_SENTENCE in [p.text for p in doc.paragraphs]
    cells = [cell.text for row in doc.tables[0].rows for cell in row.cells]
    assert "10,900" in cells and "T2" not in cells  # the form: tests/test_bulletin_document.py


def test_it_downloads_an_xlsx_with_the_text_and_the_table(client, people, document_figures):
    response = _download(client, people.leader_city, "xlsx")
    figures, text = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
    assert (FIRST_SENTENCE,) == list(text.iter_rows(values_only=True))[1][:1]
    study = next(row for row in figures.iter_rows(values_only=True) if row[1] == "各级党委（党组）中心组学习")
    assert study[3:5] == (10900, 10900)


def test_it_prints_the_page_with_the_sentences(client, people, document_figures):
    client.force_login(people.leader_city)
    response = client.get(reverse("reports:bulletin"), {"month": "2021-12"})
    assert response.status_code == 200
    assert FIRST_SENTENCE in response.content.decode()


@pytest.mark.parametrize("who, code, status", [
    ("secretary_a", "county-a", 200),
    ("secretary_a", "city", 404),
    ("leader_city", "county-a", 200),
    ("leader_city", "city", 200),
    ("leader_b", "county-a", 404),
    ("leader_b", "city", 404),
    ("outsider", "county-a", 404),
    ("outsider", "", 404),
])
@pytest.mark.parametrize("fmt", ["", "docx", "xlsx"])
def test_it_answers_the_scope_matrix(client, people, document_figures, who, code, status, fmt):
    assert _download(client, getattr(people, who), fmt, code).status_code == status


def test_it_sends_anonymous_visitors_to_log_in(client, document_figures):
    assert client.get(reverse("reports:bulletin")).status_code == 302


def test_it_prints_the_bulletin_from_the_command(document_figures, capsys):
    call_command("bulletin", "--month", "2021-12")
    assert FIRST_SENTENCE in capsys.readouterr().out
    call_command("bulletin", "--month", "2021-12", "--committee", "county-a", "--lang", "en")
    assert "As of the end of December 2021" in capsys.readouterr().out


def test_it_reports_coverage_when_a_t14_figure_is_registered(document_figures):
    if "sit_in_visits" not in registry.REGISTRY:
        pytest.skip("supervision metrics are not registered")
    # The default outline names the registry's coverage (visit_coverage): county A, the only depth-2 group
    # with a visit, of the two counties.
    set_ytd(document_figures.city, sit_in_visits=8)
    MetricValue.objects.create(committee=document_figures.county_a, month=DEC, metric="sit_in_visits", own=1,
                               subtree=1, own_ytd=1, subtree_ytd=1)
    text = "".join(build(document_figures.city).paragraphs)
    assert "列席旁听各级党委（党组）理论中心组学习及基层理论宣讲活动8场次，县（市）区、市直部门中心组学习巡听旁听覆盖率50%" in text


def test_it_gives_a_secretary_their_own_groups_bulletin_only(client, people, document_figures):
    client.force_login(people.secretary_a)
    document = client.get(reverse("reports:bulletin"), {"month": "2021-12"}).context["document"]
    assert document.paragraphs == ["截至2021年12月底，甲县委理论学习中心组集体学习5次。"]
    own_tallies = {m.key for m in registry.all_metrics() if m.scope == registry.OWN and m.tally}
    assert {"group_sessions", "group_reading_classes"} <= own_tallies
    assert {row.key for row in document.table} == own_tallies
