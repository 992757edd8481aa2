"""The bulletin (通报) as files: a DOCX in the form of an official document (公文, GB/T 9704) and an XLSX of its figures.

The text and figures are the bulletin's (reports/bulletin.py, or a published version): only their form is decided
here. The DOCX is A4 with the GB/T 9704 margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), a centred
title in 方正小标宋简体 二号, the body in 仿宋_GB2312 三号 with a two-character first-line indent on a fixed 28-point
line, "一、" headings in 黑体 and "（一）" headings in 楷体_GB2312, the issuing body and the date at the end, and
"— 1 —" page numbers in 宋体 四号.

Word takes a run's Chinese font from w:eastAsia, and a theme attribute (w:eastAsiaTheme, which the default
template's headings carry) overrides it: every style and run gets explicit fonts and no theme attribute. The GB
fonts are not installed everywhere: the font table names each with its usual substitute (w:altName: 华文中宋 for
方正小标宋简体, 仿宋 for 仿宋_GB2312, 楷体 for 楷体_GB2312) and the GB 2312 character set, so Word and WPS fall
back to a font of the same kind rather than to their default.

No internal code (the DOMAIN.md tallies "T1"…"T15") is written: the table names each figure by its label.
"""
import copy
import io
import re

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from committees.models import CommitteeKind
from studygroup import spreadsheets

from .bulletin import table_number

LATIN = "Times New Roman"
TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, PAGE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
# The font table's substitutes (w:altName) for where the GB fonts are not installed.
FALLBACKS = {TITLE_FONT: "华文中宋", BODY_FONT: "仿宋", H1_FONT: "SimHei", H2_FONT: "楷体", PAGE_FONT: "SimSun"}
FONTS = {  # name: (East Asian font, size in points, bold)
    "title": (TITLE_FONT, 22, False),  # 二号
    "body": (BODY_FONT, 16, False),  # 三号
    "h1": (H1_FONT, 16, False),
    "h2": (H2_FONT, 16, False),
    "table": (BODY_FONT, 12, False),  # 小四
    "table_head": (H1_FONT, 12, False),
    "note": (BODY_FONT, 14, False),  # 四号
    "page": (PAGE_FONT, 14, False),  # 四号
}
LINE = Pt(28)  # 公文: 22 lines of 28 points on a page
CHAR = 16  # one character of the 三号 body, in points
LEVEL_1 = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL_2 = re.compile(r"^（[一二三四五六七八九十]+）")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _chinese():
    return (translation.get_language() or "").lower().startswith("zh")


# ---------------------------------------------------------------- words


def figure_text(value, unit=""):
    """10,902 / 100% / — : thousands separators always (the table is read, not spoken)."""
    if value is not None and unit == "%":
        return f"{value:g}%"
    return table_number(value)


def document_date(document):
    """The date of the document (成文日期): the day it was published, else today."""
    published = document.published
    day = timezone.localtime(published.published_at).date() if published else timezone.localdate()
    if _chinese():
        return f"{day.year}年{day.month}月{day.day}日"  # GB/T 9704-2012: Arabic numerals
    return f"{day.day} {day:%B} {day.year}"


def issuing_body(committee):
    """Who issues the bulletin: the BULLETIN_ISSUER setting ("{committee}" is the committee's name) or, by default,
    the propaganda department of a 委 (city, county, province), the study group's office of anyone else."""
    configured = getattr(settings, "BULLETIN_ISSUER", "")
    if configured:
        return configured.replace("{committee}", committee.name)
    if committee.kind in (CommitteeKind.CITY, CommitteeKind.COUNTY, CommitteeKind.PROVINCE):
        return _("Propaganda Department of the CPC %(committee)s") % {"committee": committee.name}
    return _("Office of the theory study center group of %(committee)s") % {"committee": committee.name}


def published_note(document):
    published = document.published
    if published is None:
        return None
    return _("Published on %(when)s by %(who)s (version %(version)s).") % {
        "when": timezone.localtime(published.published_at).strftime("%Y-%m-%d %H:%M"),
        "who": published.publisher_name, "version": published.version,
    }


def table_header():
    return [_("No."), _("Figure"), _("Unit"), _("This month"), _("Year to date")]


def table_lines(document):
    """[number, label, unit, month, year to date]: the bulletin's figures, by label (no tally codes)."""
    for number, row in enumerate(document.table, start=1):
        yield [number, str(row.label), str(row.unit), row.value, row.ytd]


# ---------------------------------------------------------------- DOCX


def _rfonts(parent, east_asia):
    """Explicit w:rFonts (Latin and East Asian), the theme attributes removed, under a w:rPr."""
    fonts = parent.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        parent.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", east_asia), ("w:cs", LATIN)):
        fonts.set(qn(attribute), value)
    return fonts


def _lang(rpr, latin):
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), latin)
    lang.set(qn("w:eastAsia"), "zh-CN")
    return lang


def _run_properties(east_asia, size, bold):
    rpr = OxmlElement("w:rPr")
    _rfonts(rpr, east_asia)
    if bold:
        rpr.append(OxmlElement("w:b"))
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "000000")
    rpr.append(color)
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(size * 2))
        rpr.append(element)
    return rpr


class BulletinWriter:
    """Writes one bulletin into a python-docx Document in the official-document form."""

    def __init__(self, document):
        self.document = document
        self.doc = Document()
        self.language = "zh-CN" if _chinese() else "en-US"
        self.runs = {name: _run_properties(*spec) for name, spec in FONTS.items()}
        self._page()
        self._styles()
        self._font_table()
        self.doc.core_properties.language = self.language
        self.doc.core_properties.title = _NOT_XML.sub("", document.title)

    # ------------------------------------------------------------ page, styles, fonts

    def _page(self):
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(20)
        self._page_number(section.footer.paragraphs[0])

    def _page_number(self, paragraph):
        """"— N —" centred, N a PAGE field that Word fills in."""
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.run(paragraph, "— ", "page")
        for kind in ("begin", "instr", "separate", "value", "end"):
            run = self.run(paragraph, "1" if kind == "value" else "", "page")
            if kind == "instr":
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = " PAGE "
                run._r.append(instruction)
            elif kind != "value":
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
        self.run(paragraph, " —", "page")

    def _style(self, style, font, *, line=LINE, indent=False, align=None):
        east_asia, size, bold = FONTS[font]
        style.font.name = LATIN
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        rpr = style.element.get_or_add_rPr()
        _rfonts(rpr, east_asia)
        _lang(rpr, self.language)
        size_cs = rpr.find(qn("w:szCs"))  # the template's own complex-script size would stay otherwise
        if size_cs is None:
            size_cs = OxmlElement("w:szCs")
            rpr.append(size_cs)
        size_cs.set(qn("w:val"), str(size * 2))
        for extra in ("w:spacing", "w:kern"):  # the template title's letter spacing and kerning
            for element in rpr.findall(qn(extra)):
                rpr.remove(element)
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:  # two characters, in characters (w:firstLineChars) for Word and WPS, in points for the rest
            fmt.first_line_indent = Pt(2 * CHAR)
            fmt.element.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
        else:
            fmt.first_line_indent = Pt(0)
            fmt.element.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "0")
        if align is not None:
            fmt.alignment = align

    def _styles(self):
        styles = self.doc.styles
        # The template's document defaults say en-US and theme fonts.
        default_rpr = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if default_rpr is not None:
            _rfonts(default_rpr, BODY_FONT)
            _lang(default_rpr, self.language)
        self._style(styles["Normal"], "body", indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        self._style(styles["Title"], "title", line=Pt(36), align=WD_ALIGN_PARAGRAPH.CENTER)
        self._style(styles["Heading 1"], "h1", indent=True)
        self._style(styles["Heading 2"], "h2", indent=True)
        for name in ("Title", "Heading 1", "Heading 2"):
            # The template's title has a blue rule beneath and headings keep a theme colour: both dropped.
            ppr = styles[name].element.get_or_add_pPr()
            for border in ppr.findall(qn("w:pBdr")):
                ppr.remove(border)
            styles[name].paragraph_format.keep_with_next = True
        styles["Title"].paragraph_format.space_after = LINE

    def _font_table(self):
        """Each GB font named with its substitute and character set (GB 2312), so that it falls back cleanly."""
        part = self.doc.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
        table = parse_xml(part.blob)
        for name, alternative in FALLBACKS.items():
            font = parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
                f'<w:charset w:val="86"/><w:family w:val="{"modern" if name == H1_FONT else "roman"}"/>'
                f'<w:pitch w:val="variable"/></w:font>'
            )
            table.append(font)
        part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)

    # ------------------------------------------------------------ blocks

    def run(self, paragraph, text, font="body"):
        run = paragraph.add_run(_NOT_XML.sub("", text) if text else None)
        run._r.insert(0, copy.deepcopy(self.runs[font]))
        return run

    def paragraph(self, text="", *, style="Normal", font="body", align=None, indent=None):
        paragraph = self.doc.add_paragraph(style=style)
        if align is not None:
            paragraph.alignment = align
        if indent is not None:
            paragraph.paragraph_format.first_line_indent = indent
            ind = paragraph.paragraph_format.element.get_or_add_pPr().get_or_add_ind()
            ind.set(qn("w:firstLineChars"), "0")
        if text:
            self.run(paragraph, text, font)
        return paragraph

    def body(self, text):
        """A paragraph of the text; one opening "一、…" or "（一）…" is a heading in 黑体 / 楷体 (up to its first
        full stop when the paragraph goes on after it)."""
        for pattern, style, font in ((LEVEL_1, "Heading 1", "h1"), (LEVEL_2, "Heading 2", "h2")):
            if pattern.match(text):
                head, stop, rest = text.partition("。")
                if not rest:
                    return self.paragraph(text, style=style, font=font)
                paragraph = self.paragraph(style="Normal")
                self.run(paragraph, head + stop, font)
                self.run(paragraph, rest, "body")
                return paragraph
        return self.paragraph(text)

    def table(self, header, lines):
        self.paragraph(_("Key figures"), style="Heading 1", font="h1", align=WD_ALIGN_PARAGRAPH.CENTER,
                       indent=Pt(0)).paragraph_format.space_before = LINE
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = [Mm(12), Mm(84), Mm(18), Mm(21), Mm(21)]  # 156 mm: the type area
        for cell, text, width in zip(table.rows[0].cells, header, widths):
            self._cell(cell, text, width, "table_head", WD_ALIGN_PARAGRAPH.CENTER)
        for line in lines:
            number, label, unit, month, ytd = line
            cells = table.add_row().cells
            texts = [str(number), label, unit, figure_text(month, unit), figure_text(ytd, unit)]
            aligns = [WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER,
                      WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.RIGHT]
            for cell, text, width, align in zip(cells, texts, widths, aligns):
                self._cell(cell, text, width, "table", align)
        return table

    def _cell(self, cell, text, width, font, align):
        cell.width = width
        paragraph = cell.paragraphs[0]
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.element.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "0")
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        self.run(paragraph, text, font)

    def signature(self, issuer, date):
        """The issuing body and the date, right-aligned, four characters from the right margin (GB/T 9704)."""
        self.paragraph()
        self.paragraph()
        for text in (issuer, date):
            paragraph = self.paragraph(text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=Pt(0))
            paragraph.paragraph_format.right_indent = Pt(4 * CHAR)

    # ------------------------------------------------------------ the bulletin

    def write(self):
        document = self.document
        self.paragraph(document.title, style="Title", font="title", indent=Pt(0))
        for text in document.paragraphs:
            self.body(text)
        self.table(table_header(), table_lines(document))
        self.signature(issuing_body(document.committee), document_date(document))
        note = published_note(document)
        if note:
            self.paragraph()
            self.paragraph(note, font="note", indent=Pt(0))
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def bulletin_docx(document):
    """The DOCX bytes of a bulletin (reports.bulletin.Bulletin), in the active language's words."""
    return BulletinWriter(document).write()


# ---------------------------------------------------------------- XLSX

NUMBER_FORMAT = "#,##0"
PERCENT_FORMAT = '0.0"%"'
WIDTHS = {"A": 8, "B": 44, "C": 10, "D": 14, "E": 14}


def bulletin_xlsx(document):
    """The bulletin's figures on a first sheet (title row, header row frozen, #,##0, widths), its text on a second.
    Every text cell is made formula-safe (the outline's text and labels are typed by users)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    sheet.append(spreadsheets.xlsx_line(sheet, [document.title]))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(WIDTHS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    header = table_header()
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for line in table_lines(document):
        sheet.append(spreadsheets.xlsx_line(sheet, line))
        row = sheet.max_row
        percent = line[2] == "%"
        for column in ("D", "E"):
            sheet[f"{column}{row}"].number_format = PERCENT_FORMAT if percent else NUMBER_FORMAT
        sheet[f"B{row}"].alignment = Alignment(wrap_text=True, vertical="center")
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"  # the title and the header stay in view
    sheet.print_title_rows = "1:2"
    _text_sheet(book.create_sheet(_("Text")[:31]), document)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text_sheet(sheet, document):
    from openpyxl.styles import Alignment, Font

    sheet.append(spreadsheets.xlsx_line(sheet, [document.title]))
    sheet["A1"].font = Font(bold=True, size=14)
    for text in document.paragraphs:
        sheet.append(spreadsheets.xlsx_line(sheet, [text]))
        sheet[f"A{sheet.max_row}"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.append([])
    for text in (issuing_body(document.committee), document_date(document), published_note(document)):
        if text:
            sheet.append(spreadsheets.xlsx_line(sheet, [text]))
    sheet.column_dimensions["A"].width = 100
