"""Bulletin outlines (issue 8, part 2) and published bulletins (part 6).

An outline is data: the default reproduces the 2021 document's first sentence exactly; an unknown placeholder is
an error at its field and nothing is saved; the administrator previews it for a month and a committee of their
subtree (another county's administrator gets 404); a new year starts from a copy; the page, DOCX and XLSX print
full-width Chinese. Publishing freezes the text and its figures: after a correction the page shows published and
current values side by side.
"""
import datetime
import io
from io import StringIO

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from committees.models import Committee, RoleKind
from reports import bulletin, outline, outline_publish, outline_services, rollup
from reports.models import BulletinOutline, MetricValue, PublishedBulletin
from sessions_app.models import Activity, ActivityKind

from .factories import ActivityFactory, user_with_role

DEC = datetime.date(2021, 12, 1)
DOCUMENT_FIRST = (
    "截至2021年12月底，市委理论学习中心组集体学习8次（含两次专题读书班），全市各级党委（党组）中心组学习合计10900次，"
    "举办读书班4906期。"
)
TINY_FIRST = "截至2021年12月底，市委理论学习中心组集体学习3次（含两次专题读书班），全市各级党委（党组）中心组学习合计7次，举办读书班6期。"
HALF_WIDTH = set(",():;")


@pytest.fixture
def records(tree):
    """City group: one collective study and two reading classes (3 sessions, of which 2 reading classes); county
    A: three sessions; grassroots A1: a reading class of four periods. City-wide: 7 sessions, 6 periods."""
    day = datetime.date(2021, 12, 6)
    ActivityFactory(committee=tree.city, kind=ActivityKind.COLLECTIVE, held_on=day)
    for _ in range(2):
        ActivityFactory(committee=tree.city, kind=ActivityKind.READING_CLASS, held_on=day, period_count=1)
    for _ in range(3):
        ActivityFactory(committee=tree.county_a, kind=ActivityKind.COLLECTIVE, held_on=day)
    ActivityFactory(committee=tree.grassroots_a1, kind=ActivityKind.READING_CLASS, held_on=day, period_count=4)
    rollup.rollup_months([DEC])
    return tree


@pytest.fixture
def admins(tree):
    return {
        "city": user_with_role(tree.city, RoleKind.ADMIN, username="ada"),
        "county_a": user_with_role(tree.county_a, RoleKind.ADMIN, username="abe"),
        "county_b": user_with_role(tree.county_b, RoleKind.ADMIN, username="bob"),
    }


def build(committee, month=DEC, **kwargs):
    with translation.override("zh-hans"):
        return bulletin.build(committee, month, **kwargs)


def outline_url(code="city", year=2021):
    return reverse("reports:outline", args=[code, year])


def post_outline(client, title, texts, code="city", year=2021, action="save", **extra):
    data = {
        "title": title, "action": action, "paragraphs-TOTAL_FORMS": str(len(texts)),
        "paragraphs-INITIAL_FORMS": "0", "paragraphs-MIN_NUM_FORMS": "0", "paragraphs-MAX_NUM_FORMS": "40", **extra,
    }
    for n, text in enumerate(texts):
        data[f"paragraphs-{n}-text"] = text
        data[f"paragraphs-{n}-ORDER"] = str(n + 1)
    return client.post(outline_url(code, year), data)


# ---------------------------------------------------------------- the grammar


def test_it_renders_optional_parts_and_formats():
    text = "{month}：{a}次[（含{b:words}次）][，{c:wan}人次][，{d}期[，其中{e}期]]。"
    values = {"a": 8, "b": 2, "c": 680000, "d": 0, "e": 3}

    def shown(placeholder, value):
        return {"words": "两", "wan": "68万"}.get(next(iter(placeholder.formats), ""), str(value))

    printed = outline.render(text, context={"month": "2021年12月"}, value_of=lambda p: values[p.name], shown=shown)
    # d is zero: its part goes, and the part nested in it with it.
    assert printed.text == "2021年12月：8次（含两次），68万人次。"


def test_it_leaves_out_a_paragraph_whose_figures_are_all_zero_and_names_what_it_cannot_show():
    zero = outline.render("学习{a}次[，{b}期]。", context={}, value_of=lambda p: 0, shown=lambda p, v: str(v))
    assert zero.text is None
    unknown = outline.render("学习{gone}次。", context={}, value_of=lambda p: None, shown=lambda p, v: str(v))
    assert (unknown.text, unknown.missing) == (None, ["gone"])


@pytest.mark.parametrize("text, fragment", [
    ("学习{no_such_figure}次", "{no_such_figure}"),
    ("学习{study_sessions:bold}次", "bold"),
    ("学习{study_sessions:words:wan}次", "{study_sessions:words:wan}"),
    ("{month:words}", "{month:words}"),
    ("学习{study_sessions次", "{"),
    ("[学习{study_sessions}次", "["),
    ("学习{}次", "{}"),
    ("[学习{study_sessions:full}次]", "{study_sessions:full}"),
])
def test_it_refuses_bad_placeholders_naming_them(db, text, fragment):
    with pytest.raises(outline.OutlineError) as error, translation.override("zh-hans"):
        outline_services.check_text(text)
    assert fragment in str(error.value)


# ---------------------------------------------------------------- the default outline


def test_it_prints_the_documents_first_sentence_from_the_default_outline(records):
    document = build(records.city)
    assert document.paragraphs[0] == TINY_FIRST
    assert document.outline.committee is None and document.outline.year == 2021
    assert {"group_sessions", "study_sessions", "reading_class_periods"} <= set(document.figures)


def test_it_prints_the_documents_numbers_exactly(tree):
    for key, value in {"group_sessions": 8, "group_reading_classes": 2, "study_sessions": 10900,
                       "reading_class_periods": 4906}.items():
        MetricValue.objects.create(committee=tree.city, month=DEC, metric=key, own=value, subtree=value,
                                   own_ytd=value, subtree_ytd=value)
    assert build(tree.city).paragraphs[0] == DOCUMENT_FIRST


def test_it_stores_the_default_once_per_language(records):
    build(records.city)
    build(records.county_a)
    assert BulletinOutline.objects.filter(committee__isnull=True, language="zh-hans").count() == 1


def test_it_uses_the_nearest_ancestors_outline(records, admins):
    outline_services.outline_save(committee=records.county_a, year=2021, language="zh-hans", title="{committee}通报",
                                  texts=["{area}合计{study_sessions}次。"], user=admins["county_a"])
    assert build(records.grassroots_a1).paragraphs == ["全镇合计1次。"]
    assert build(records.county_a).title == "甲县委通报"
    assert build(records.city).paragraphs[0] == TINY_FIRST  # the city still has the default


# ---------------------------------------------------------------- saving


def test_it_refuses_an_unknown_placeholder_at_its_field_and_saves_nothing(client, records, admins):
    client.force_login(admins["city"])
    response = post_outline(client, "{committee}通报", ["截至{month}底，学习{study_sessions}次。", "共{no_such_figure}篇。"])
    assert response.status_code == 200
    errors = response.context["formset"].forms[1].errors["text"]
    assert any("{no_such_figure}" in e for e in errors)
    assert not response.context["formset"].forms[0].errors
    assert not BulletinOutline.objects.filter(committee=records.city).exists()


def test_the_service_refuses_an_unknown_placeholder_too(records, admins):
    with pytest.raises(ValidationError) as error, translation.override("zh-hans"):
        outline_services.outline_save(committee=records.city, year=2021, language="zh-hans", title="通报",
                                      texts=["学习{study_sessions}次。", "共{nope}篇。"], user=admins["city"])
    assert "{nope}" in str(error.value.message_dict["paragraph-1"])
    assert not BulletinOutline.objects.filter(committee=records.city).exists()


def test_it_saves_an_outline_the_bulletin_then_prints(client, records, admins):
    client.force_login(admins["city"])
    response = post_outline(client, "{committee}学习通报（{month}）",
                            ["截至{month}底，{area}中心组学习{study_sessions}次，当月{study_sessions:month}次。"])
    assert response.status_code == 302
    saved = BulletinOutline.objects.get(committee=records.city, year=2021)
    assert saved.texts == ["截至{month}底，{area}中心组学习{study_sessions}次，当月{study_sessions:month}次。"]
    page = client.get(reverse("reports:bulletin"), {"committee": "city", "month": "2021-12"}).content.decode()
    assert "截至2021年12月底，全市中心组学习7次，当月7次。" in page
    assert "市委学习通报（2021年12月）" in page


def test_it_previews_for_a_committee_and_month_without_saving(client, records, admins):
    client.force_login(admins["city"])
    response = post_outline(client, "通报", ["{committee}：{area}学习{study_sessions}次。"], action="preview",
                            preview_committee="county-a", preview_month="2021-12")
    assert response.status_code == 200
    assert response.context["preview"].paragraphs == ["甲县委：全县学习4次。"]
    assert not BulletinOutline.objects.filter(committee=records.city).exists()


def test_it_previews_the_outline_in_effect_on_opening(client, records, admins):
    client.force_login(admins["city"])
    response = client.get(outline_url(), {"preview_month": "2021-12"})
    assert response.status_code == 200
    assert response.context["preview"].paragraphs[0] == TINY_FIRST
    assert TINY_FIRST in response.content.decode()


@pytest.mark.parametrize("who, code, status", [
    ("city", "city", 200), ("city", "county-a", 200), ("county_a", "county-a", 200),
    ("county_a", "county-a-g1", 200), ("county_b", "county-a", 404), ("county_a", "city", 404),
    ("county_b", "no-such-code", 404),
])
def test_it_lets_administrators_edit_their_subtree_only(client, records, admins, who, code, status):
    client.force_login(admins[who])
    assert client.get(outline_url(code)).status_code == status
    response = post_outline(client, "通报", ["学习{study_sessions}次。"], code=code)
    assert response.status_code == (302 if status == 200 else 404)
    assert BulletinOutline.objects.filter(committee__code=code).exists() == (status == 200)


@pytest.mark.parametrize("who", ["leader_city", "secretary_a", "auditor", "outsider"])
def test_it_hides_the_editor_from_everyone_else(client, people, records, who):
    client.force_login(getattr(people, who))
    assert client.get(outline_url("county-a")).status_code == 404
    assert post_outline(client, "通报", ["学习{study_sessions}次。"], code="county-a").status_code == 404


def test_it_does_not_preview_a_committee_outside_the_editors_subtree(client, records, admins):
    client.force_login(admins["county_a"])
    response = client.get(outline_url("county-a"), {"preview_committee": "city", "preview_month": "2021-12"})
    assert response.context["preview_committee"] == records.county_a


# ---------------------------------------------------------------- a new year


def test_it_starts_a_new_year_from_a_copy_of_the_last(client, records, admins):
    client.force_login(admins["city"])
    post_outline(client, "{committee}通报", ["学习{study_sessions}次。", "读书班{reading_class_periods}期。"])
    response = client.post(reverse("reports:outline_copy", args=["city", 2022]))
    assert response.status_code == 302
    copy = BulletinOutline.objects.get(committee=records.city, year=2022)
    assert copy.texts == ["学习{study_sessions}次。", "读书班{reading_class_periods}期。"]
    assert BulletinOutline.objects.get(committee=records.city, year=2021).texts == copy.texts
    assert client.post(reverse("reports:outline_copy", args=["city", 2022])).status_code == 302  # refused, kept
    assert BulletinOutline.objects.filter(committee=records.city, year=2022).count() == 1


def test_a_new_year_without_an_outline_of_its_own_starts_from_the_default(records, admins):
    source = outline_services.last_outline_before(records.city, 2026, "zh-hans")
    made = outline_services.outline_copy(source=source, committee=records.city, year=2026, user=admins["city"])
    assert made.texts == source.texts and source.committee is None


def test_a_copy_for_another_county_is_404(client, records, admins):
    client.force_login(admins["county_b"])
    assert client.post(reverse("reports:outline_copy", args=["county-a", 2022])).status_code == 404
    assert not BulletinOutline.objects.filter(committee=records.county_a).exists()


# ---------------------------------------------------------------- full-width text in the page, DOCX and XLSX


def _download(client, fmt):
    return client.get(reverse("reports:bulletin"), {"committee": "city", "month": "2021-12", "format": fmt})


def test_it_writes_full_width_chinese_in_the_page_docx_and_xlsx(client, people, records):
    client.force_login(people.leader_city)
    page = client.get(reverse("reports:bulletin"), {"committee": "city", "month": "2021-12"})
    assert TINY_FIRST in page.content.decode()
    doc = docx.Document(io.BytesIO(_download(client, "docx").content))
    texts = [p.text for p in doc.paragraphs]
    assert TINY_FIRST in texts
    book = openpyxl.load_workbook(io.BytesIO(_download(client, "xlsx").content))
    cells = [row[0] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             if row and isinstance(row[0], str)]
    assert TINY_FIRST in cells
    chinese = [t for t in texts + cells if any("\u4e00" <= ch <= "\u9fff" for ch in t)]
    assert chinese and not any(HALF_WIDTH & set(t) for t in chinese)


def test_it_prints_the_outline_from_the_command(records, capsys):
    call_command("bulletin", "--month", "2021-12", "--committee", "city")
    assert TINY_FIRST in capsys.readouterr().out


# ---------------------------------------------------------------- publishing


def publish(client, code="city", month="2021-12"):
    return client.post(reverse("reports:bulletin_publish"), {"committee": code, "month": month})


def test_publishing_freezes_the_figures_and_shows_the_changes(client, people, records):
    client.force_login(people.leader_city)
    assert publish(client).status_code == 302
    published = PublishedBulletin.objects.get(committee=records.city, month=DEC)
    assert published.paragraphs[0] == TINY_FIRST and published.published_by == people.leader_city
    assert published.figures["study_sessions"]["value"] == 7

    # A correction: one more session in county A, rolled up as the worker does.
    ActivityFactory(committee=records.county_a, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 8))
    rollup.rollup_dirty()
    assert bulletin.build(records.city, DEC).figures["study_sessions"].value == 8

    response = client.get(reverse("reports:bulletin"), {"committee": "city", "month": "2021-12"})
    page = response.content.decode()
    assert TINY_FIRST in page  # still the published text
    assert response.context["document"].published == published
    change = next(c for c in response.context["changes"] if c.key == "study_sessions")
    assert (change.published, change.current) == (7, 8)
    assert 'data-published="7"' in page and 'data-current="8"' in page
    assert "carl" in page or str(people.leader_city) in page  # who published

    # The downloads are the published version too.
    doc = docx.Document(io.BytesIO(_download(client, "docx").content))
    assert TINY_FIRST in [p.text for p in doc.paragraphs]
    # The current figures on request.
    draft = client.get(reverse("reports:bulletin"), {"committee": "city", "month": "2021-12", "draft": "1"})
    assert "合计8次" in draft.content.decode()


def test_publishing_again_makes_a_new_version_and_keeps_the_first(client, people, records):
    client.force_login(people.leader_city)
    publish(client)
    publish(client)  # nothing changed: no second version
    assert PublishedBulletin.objects.filter(committee=records.city, month=DEC).count() == 1
    ActivityFactory(committee=records.county_a, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 8))
    rollup.rollup_dirty()
    publish(client)
    versions = outline_publish.versions(records.city, DEC)
    assert [v.version for v in versions] == [2, 1]
    assert "合计8次" in versions[0].paragraphs[0] and "合计7次" in versions[1].paragraphs[0]
    response = client.get(reverse("reports:bulletin"), {"committee": "city", "month": "2021-12"})
    assert response.context["document"].published.version == 2 and response.context["changes"] == []
    first = client.get(reverse("reports:bulletin"), {"committee": "city", "month": "2021-12", "version": "1"})
    assert first.context["document"].published.version == 1


@pytest.mark.parametrize("who, code, status", [
    ("leader_city", "city", 302), ("leader_city", "county-a", 302), ("leader_a", "county-a", 302),
    ("leader_b", "county-a", 404), ("leader_a", "city", 404), ("secretary_a", "county-a", 404),
    ("auditor", "county-a", 404), ("outsider", "county-a", 404),
])
def test_only_the_committees_leader_or_administrator_publishes(client, people, records, who, code, status):
    client.force_login(getattr(people, who))
    assert publish(client, code).status_code == status
    assert PublishedBulletin.objects.filter(committee__code=code).exists() == (status == 302)


def test_a_sibling_countys_administrator_cannot_publish(client, records, admins):
    client.force_login(admins["county_b"])
    assert publish(client, "county-a").status_code == 404
    assert not PublishedBulletin.objects.exists()


def test_a_secretary_reads_the_current_own_group_text_not_the_published_one(client, people, records):
    client.force_login(people.leader_a)
    publish(client, "county-a")
    client.force_login(people.secretary_a)
    response = client.get(reverse("reports:bulletin"), {"month": "2021-12"})
    assert response.context["document"].published is None
    assert response.context["document"].paragraphs == ["截至2021年12月底，甲县委理论学习中心组集体学习3次。"]


# ---------------------------------------------------------------- the qiqihar-2021 scenario


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", scenario="qiqihar-2021", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_scenario_prints_the_documents_first_paragraph_exactly(scenario):
    city = Committee.objects.get(code="qqhr")
    document = build(city)
    assert document.paragraphs[0] == DOCUMENT_FIRST
    assert Activity.objects.exists()


def test_it_lists_the_corrections_made_since_publication(client, people, records):
    from sessions_app.models import Correction as correction_model

    client.force_login(people.leader_city)
    publish(client)
    record = ActivityFactory(committee=records.county_a, kind=ActivityKind.COLLECTIVE, held_on=datetime.date(2021, 12, 8))
    correction_model.objects.create(
        record=record, record_number=record.pk, record_title=record.title, record_kind=record.kind,
        committee=records.county_a, committee_name=records.county_a.name, month=DEC, action="edit",
        reason="补录漏报的学习", made_by=people.leader_city,
    )
    rollup.rollup_dirty()
    response = client.get(reverse("reports:bulletin"), {"committee": "city", "month": "2021-12"})
    assert [c.reason for c in response.context["corrections"]] == ["补录漏报的学习"]
    page = response.content.decode()
    assert "补录漏报的学习" in page and reverse("sessions_app:corrections") in page
