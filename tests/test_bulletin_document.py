"""The bulletin's downloads: the DOCX as an official document (公文, GB/T 9704) and the XLSX of its figures.

Both are opened as a reader would (python-docx, openpyxl) and checked for the form: A4 and its margins, the fonts
named for East Asian text on the title, body and headings, the language, the page number, the issuing body and the
date, readable headers with thousands separators and no internal tally code ("T1"…"T15") anywhere.
"""
import datetime
import io
import re

import docx
import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from docx.oxml.ns import qn
from docx.shared import Pt

from reports import bulletin, bulletin_document
from reports.models import MetricValue

DEC = datetime.date(2021, 12, 1)
CODE = re.compile(r"\bT\d{1,2}\b")


def set_ytd(committee, **values):
    for key, value in values.items():
        MetricValue.objects.create(committee=committee, month=DEC, metric=key, own=value, subtree=value,
                                   own_ytd=value, subtree_ytd=value)


@pytest.fixture
def figures(tree):
    set_ytd(tree.city, group_sessions=8, group_reading_classes=2, study_sessions=10902, reading_class_periods=4906,
            group_expert_lectures=8, immersive_participants=680000, group_research_reports=33)
    return tree


def download(client, user, fmt, lang="zh-hans"):
    client.force_login(user)
    client.cookies["django_language"] = lang
    response = client.get(reverse("reports:bulletin"), {"committee": "city", "month": "2021-12", "format": fmt})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return response.content


@pytest.fixture
def word(client, people, figures):
    return docx.Document(io.BytesIO(download(client, people.leader_city, "docx")))


def texts(doc):
    """Every paragraph's text, the table cells' and the footer's."""
    found = [p.text for p in doc.paragraphs]
    found += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    found += [p.text for section in doc.sections for p in section.footer.paragraphs]
    return found


def east_asia(element):
    fonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}") if element.tag != qn("w:rPr") else element.find(
        qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def run_font(paragraph):
    return east_asia(paragraph.runs[0]._r)


# ---------------------------------------------------------------- DOCX


def test_it_lays_the_docx_out_on_a4_with_the_official_margins(word):
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


def test_it_sets_the_fonts_of_the_title_body_and_headings_for_east_asian_text(word):
    styles = word.styles
    assert east_asia(styles["Normal"].element) == "仿宋_GB2312"
    assert styles["Normal"].font.size == Pt(16)
    assert styles["Normal"].paragraph_format.line_spacing == Pt(28)
    assert styles["Normal"].paragraph_format.first_line_indent == Pt(32)
    assert east_asia(styles["Title"].element) == "方正小标宋简体" and styles["Title"].font.size == Pt(22)
    assert east_asia(styles["Heading 1"].element) == "黑体"
    assert east_asia(styles["Heading 2"].element) == "楷体_GB2312"
    for name in ("Title", "Heading 1", "Heading 2"):
        fonts = styles[name].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None
        assert str(styles[name].font.color.rgb) == "000000"  # not Word's blue
    title = word.paragraphs[0]
    assert title.style.name == "Title" and title.style.paragraph_format.alignment == 1  # centred
    assert run_font(title) == "方正小标宋简体"
    first = word.paragraphs[1]
    assert first.text.startswith("截至2021年12月底") and run_font(first) == "仿宋_GB2312"


def test_it_names_a_fallback_for_each_gb_font(word):
    from docx.opc.constants import RELATIONSHIP_TYPE

    table = word.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE).blob.decode()
    assert re.search(r'w:name="方正小标宋简体"><w:altName w:val="华文中宋"/>', table)
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', table)
    assert re.search(r'w:name="楷体_GB2312"><w:altName w:val="楷体"/>', table)


def test_it_marks_the_language_as_chinese(word):
    lang = word.styles["Normal"].element.find(f"{qn('w:rPr')}/{qn('w:lang')}")
    assert (lang.get(qn("w:val")), lang.get(qn("w:eastAsia"))) == ("zh-CN", "zh-CN")
    defaults = word.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert defaults.get(qn("w:val")) == "zh-CN" and defaults.get(qn("w:eastAsia")) == "zh-CN"
    assert word.core_properties.language == "zh-CN"


def test_it_numbers_the_pages_in_the_footer(word):
    footer = word.sections[0].footer.paragraphs[0]
    xml = footer._p.xml
    assert "PAGE" in "".join(t.text for t in footer._p.iter(qn("w:instrText")))
    assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert run_font(footer) == "宋体"


def test_it_writes_no_internal_code_and_separates_thousands(word):
    assert not [t for t in texts(word) if CODE.search(t)]
    table = word.tables[0]
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["序号", "指标", "单位", "本月", "年初至今"]
    study = next(row for row in table.rows if row.cells[1].text == "各级党委（党组）中心组学习")
    assert study.cells[4].text == "10,902"
    assert any(row.cells[4].text == "680,000" for row in table.rows)


def test_it_ends_with_the_issuing_body_and_the_date(word):
    lines = [p for p in word.paragraphs if p.text]
    issuer, date = lines[-2], lines[-1]
    assert issuer.text == "中共市委宣传部"
    today = timezone.localdate()
    assert date.text == f"{today.year}年{today.month}月{today.day}日"
    assert issuer.alignment == date.alignment == 2  # right


def test_it_names_the_configured_issuing_body(client, people, figures, settings):
    settings.BULLETIN_ISSUER = "中共{committee}理论学习中心组办公室"
    doc = docx.Document(io.BytesIO(download(client, people.leader_city, "docx")))
    assert "中共市委理论学习中心组办公室" in [p.text for p in doc.paragraphs]


def test_it_sets_a_numbered_heading_in_heiti_and_a_sub_heading_in_kaiti(figures):
    with translation.override("zh-hans"):
        document = bulletin.build(figures.city, DEC)
        document.paragraphs = ["一、总体情况", "（二）主要做法。各级党委认真组织学习。", *document.paragraphs]
        doc = docx.Document(io.BytesIO(bulletin_document.bulletin_docx(document)))
    heading, sub = doc.paragraphs[1], doc.paragraphs[2]
    assert heading.style.name == "Heading 1" and run_font(heading) == "黑体"
    assert [east_asia(run._r) for run in sub.runs] == ["楷体_GB2312", "仿宋_GB2312"]
    assert sub.runs[0].text == "（二）主要做法。"


def test_it_writes_english_words_with_english_language(client, people, figures):
    doc = docx.Document(io.BytesIO(download(client, people.leader_city, "docx", lang="en")))
    lang = doc.styles["Normal"].element.find(f"{qn('w:rPr')}/{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-US" and lang.get(qn("w:eastAsia")) == "zh-CN"
    assert [cell.text for cell in doc.tables[0].rows[0].cells] == ["No.", "Figure", "Unit", "This month",
                                                                   "Year to date"]


# ---------------------------------------------------------------- XLSX


@pytest.fixture
def book(client, people, figures):
    return openpyxl.load_workbook(io.BytesIO(download(client, people.leader_city, "xlsx")))


def test_it_writes_the_figures_sheet_with_a_title_a_frozen_header_and_widths(book):
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A3"
    assert sheet["A1"].value.startswith("市委")
    assert [c.value for c in sheet[2]] == ["序号", "指标", "单位", "本月", "年初至今"]
    assert sheet.column_dimensions["B"].width >= 40
    assert all(sheet.column_dimensions[c].width >= 8 for c in "ACDE")


def test_it_formats_the_figures_with_thousands_separators(book):
    sheet = book.worksheets[0]
    study = next(row for row in sheet.iter_rows(min_row=3) if row[1].value == "各级党委（党组）中心组学习")
    assert study[4].value == 10902 and study[4].number_format == "#,##0"
    assert study[3].number_format == "#,##0"


def test_it_writes_no_internal_code_in_any_cell(book):
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert cells and not [c for c in cells if CODE.search(c)]
    assert any(c.startswith("截至2021年12月底") for c in cells)  # the text, on its own sheet


def test_it_keeps_a_formula_out_of_every_cell(client, people, figures):
    from reports.outline_services import outline_save

    outline_save(committee=figures.city, year=2021, language="zh-hans", title="=HYPERLINK(\"x\")",
                 texts=["+1+1 {study_sessions}"], user=people.admin)
    book = openpyxl.load_workbook(io.BytesIO(download(client, people.leader_city, "xlsx")))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in cells)  # string cells: never a formula, shown as typed
    assert '=HYPERLINK("x")' in [c.value for c in cells]
