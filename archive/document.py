"""The archive volume as a DOCX in the feel of an official document (公文): A4 with the GB/T 9704 margins, 仿宋
body, 黑体 and 楷体 headings, a 小标宋 cover title, page numbers in the footer ("— 1 —").

Word picks a run's Chinese font from w:eastAsia, not from the Latin name python-docx sets, and a theme font
attribute (w:eastAsiaTheme, as the default template's headings carry) overrides it: every style and every run
written here gets explicit w:ascii/w:hAnsi/w:eastAsia fonts and no theme attribute.

Writing is linear in the records: rows are added to tables through their own cells (python-docx's
`row.cells` walks the whole table each time, which is quadratic for a long list).
"""
import copy
import io
import re

from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell

from sessions_app import corrections as correction_text
from sessions_app.models import ATTENDANCE_KINDS, ActivityKind, AttendanceStatus
from supervision.models import RectificationStatus

from .selectors import LECTURE_KINDS, SESSION_KINDS, VISIT_OUT_KINDS

# The steps the task reports, in order (the key is stored on the volume while it is built).
STEPS = {
    "start": _("Starting"),
    "plan": _("Reading the annual study plan"),
    "records": _("Reading the study records"),
    "visits": _("Reading the sit-in visits"),
    "corrections": _("Reading the corrections"),
    "bulletins": _("Reading the published bulletins"),
    "writing": _("Writing the volume"),
    "saving": _("Saving the file"),
    "done": _("Done"),
}

LATIN = "Times New Roman"
FONTS = {  # name: (East Asian font, size in points, bold)
    "body": ("仿宋", 16, False),
    "strong": ("仿宋", 16, True),
    "title": ("方正小标宋简体", 26, False),
    "subtitle": ("方正小标宋简体", 22, False),
    "h1": ("黑体", 16, False),
    "h2": ("楷体", 16, False),
    "h3": ("仿宋", 16, True),
    "table": ("仿宋", 12, False),
    "table_head": ("黑体", 12, False),
    "footer": ("宋体", 14, False),
}
NUMERALS = "一二三四五六七八九十"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value):
    return _NOT_XML.sub("", str(value))


def _chinese():
    return (get_language() or "").lower().startswith("zh")


class Marks:
    """Punctuation of the volume's language: full-width in Chinese (，、；：（）)."""

    def __init__(self):
        zh = _chinese()
        self.colon = "：" if zh else ": "
        self.comma = "，" if zh else ", "
        self.enum = "、" if zh else ", "
        self.semicolon = "；" if zh else "; "
        self.open, self.close = ("（", "）") if zh else (" (", ")")
        self.space = "\u3000" if zh else "  "
        self.dot = "．" if zh else ". "
        self.end = "。" if zh else "."

    def paren(self, text):
        return f"{self.open}{text}{self.close}" if text else ""


def fmt_date(day):
    if not day:
        return "—"
    return f"{day.year}年{day.month}月{day.day}日" if _chinese() else day.isoformat()


def fmt_moment(moment):
    """The local day of a timestamp."""
    return fmt_date(timezone.localtime(moment).date()) if moment else "—"


def fmt_month(month):
    return f"{month.year}年{month.month}月" if _chinese() else f"{month:%Y-%m}"


def section_number(index):
    """一、二、… in Chinese; 1. 2. … otherwise."""
    if _chinese():
        return f"{NUMERALS[index] if index < len(NUMERALS) else index + 1}、"
    return f"{index + 1}. "


def sub_number(index):
    """（一）（二）… in Chinese; (a) (b) … otherwise."""
    if _chinese():
        return f"（{NUMERALS[index] if index < len(NUMERALS) else index + 1}）"
    return f"({chr(ord('a') + index)}) "


def _rpr(east_asia, size, bold):
    """A w:rPr with explicit fonts (no theme fonts), size and weight, copied into every run."""
    rpr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for attribute, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", east_asia), ("w:cs", LATIN)):
        fonts.set(qn(attribute), value)
    rpr.append(fonts)
    if bold:
        rpr.append(OxmlElement("w:b"))
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(size * 2))
        rpr.append(element)
    return rpr


def _style_fonts(style, east_asia, size, bold):
    """Fonts of a style, the theme attributes removed so that w:eastAsia is the one Word uses."""
    style.font.name = LATIN
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), LATIN)


class VolumeWriter:
    """Appends the volume's parts to a python-docx Document, in the official-document style."""

    def __init__(self):
        self.doc = Document()
        self.marks = Marks()
        self.runs = {name: _rpr(*spec) for name, spec in FONTS.items()}
        self.headings = []  # (level, text) for the table of contents
        self._setup_page()
        self._setup_styles()

    # ------------------------------------------------------------ page and styles

    def _setup_page(self):
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(20)
        section.different_first_page_header_footer = True  # no page number on the cover
        self._page_number(section.footer.paragraphs[0])

    def _page_number(self, paragraph):
        """"— N —" centred, N a PAGE field that Word fills in."""
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.run(paragraph, "— ", "footer")
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            run = self.run(paragraph, "", "footer")
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            elif text == " PAGE ":
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = text
                run._r.append(instruction)
            else:
                run.text = text
        self.run(paragraph, " —", "footer")

    def _setup_styles(self):
        styles = self.doc.styles
        normal = styles["Normal"]
        _style_fonts(normal, *FONTS["body"])
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = Pt(28)  # 公文: 22 lines of 28 points on a page
        normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
        for name, font in (("Heading 1", "h1"), ("Heading 2", "h2"), ("Heading 3", "h3"), ("Title", "title")):
            style = styles[name]
            _style_fonts(style, *FONTS[font])
            style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            style.paragraph_format.line_spacing = Pt(28 if font != "title" else 40)
            style.paragraph_format.space_before = Pt(6 if font != "h3" else 0)
            style.paragraph_format.space_after = Pt(0)
            style.paragraph_format.keep_with_next = True
        for name, font in (("Archive Text", "body"), ("Archive Table", "table"), ("Archive Table Head", "table_head")):
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = normal
            _style_fonts(style, *FONTS[font])
        styles["Archive Text"].paragraph_format.first_line_indent = Pt(32)  # two characters
        for name in ("Archive Table", "Archive Table Head"):
            styles[name].paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        styles["Archive Table Head"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.style = {
            "text": styles["Archive Text"], "table": styles["Archive Table"], "head": styles["Archive Table Head"],
            "h1": styles["Heading 1"], "h2": styles["Heading 2"], "h3": styles["Heading 3"], "title": styles["Title"],
        }
        # Assigning a style object makes python-docx scan every style of the document; the id is set directly.
        self.style_id = {key: style.style_id for key, style in self.style.items()}

    def _styled(self, paragraph, style):
        paragraph._p.get_or_add_pPr().style = self.style_id[style]
        return paragraph

    # ------------------------------------------------------------ building blocks

    def run(self, paragraph, text, font="body"):
        run = paragraph.add_run(_xml_safe(text) if text else None)
        run._r.insert(0, copy.deepcopy(self.runs[font]))
        return run

    def paragraph(self, text="", *, style="text", font="body", align=None):
        paragraph = self._styled(self.doc.add_paragraph(), style)
        if align is not None:
            paragraph.alignment = align
        if text:
            self.run(paragraph, text, font)
        return paragraph

    def heading(self, text, level, *, toc=True):
        font = {1: "h1", 2: "h2", 3: "h3"}[level]
        paragraph = self._styled(self.doc.add_paragraph(), font)
        self.run(paragraph, text, font)
        if toc and level <= 2:
            self.headings.append((level, text))
        return paragraph

    def line(self, label, value):
        """"Label：value" with the label set bold; nothing when there is no value."""
        if value in (None, ""):
            return None
        paragraph = self._styled(self.doc.add_paragraph(), "text")
        self.run(paragraph, f"{label}{self.marks.colon}", "strong")
        self.run(paragraph, str(value))
        return paragraph

    def none_line(self):
        return self.paragraph(gettext("None this year."))

    def page_break(self):
        paragraph = self._styled(self.doc.add_paragraph(), "text")
        paragraph.add_run().add_break(WD_BREAK.PAGE)
        return paragraph

    def table(self, header, rows, widths):
        """A grid table with a header row repeated on every page; `rows` are lists of texts."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        head = table.rows[0]
        head_pr = head._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        head_pr.append(repeat)
        for tc, text, width in zip(head._tr.tc_lst, header, widths):
            self._cell(table, tc, text, width, head=True)
        for values in rows:
            tr = table._tbl.add_tr()
            for text, width in zip(values, widths):
                self._cell(table, tr.add_tc(), text, width)
        return table

    def _cell(self, table, tc, text, width, head=False):
        cell = _Cell(tc, table)
        cell.width = Mm(width)
        paragraph = self._styled(cell.paragraphs[0], "head" if head else "table")
        self.run(paragraph, "" if text is None else str(text), "table_head" if head else "table")

    def save(self):
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


# ---------------------------------------------------------------- the volume's parts


def _names(rows, marks, with_reason=False):
    parts = []
    for row in rows:
        name = row.member.name
        parts.append(name + marks.paren(row.reason) if with_reason and row.reason else name)
    return marks.enum.join(parts)


class Volume:
    """Writes one committee's year: cover, contents, then the parts in the order of the inspection."""

    def __init__(self, contents, *, generated_on):
        self.c = contents
        self.generated_on = generated_on
        self.w = VolumeWriter()
        self.m = self.w.marks

    def build(self, on_part=None):
        self.cover()
        toc = self.contents_page()
        parts = [
            (gettext("Annual study plan"), self.plan),
            (gettext("Study sessions"), self.sessions),
            (gettext("Lectures"), self.lectures),
            (gettext("Immersive study and field study"), self.immersive_and_field),
            (gettext("Reflection articles and research reports"), self.writings),
            (gettext("Sit-in visits and rectification"), self.visits),
            (gettext("Corrections of closed months"), self.corrections),
            (gettext("Published bulletins"), self.bulletins),
        ]
        for index, (title, write) in enumerate(parts):
            self.w.heading(section_number(index) + title, 1)
            write()
            if on_part:
                on_part(index + 1, len(parts))
        self.fill_contents(toc)
        return self.w.save()

    # ------------------------------------------------------------ cover and contents

    def cover(self):
        w = self.w
        for _blank in range(4):
            w.paragraph(style="table")
        centre = WD_ALIGN_PARAGRAPH.CENTER
        w.paragraph(self.c.committee.name, style="title", font="subtitle", align=centre)
        w.paragraph(gettext("Theory study center group"), style="title", font="subtitle", align=centre)
        w.paragraph(style="table")
        w.paragraph(gettext("%(year)s study archive volume") % {"year": self.c.year}, style="title", font="title",
                    align=centre)
        for _blank in range(6):
            w.paragraph(style="table")
        for label, value in (
            (gettext("Committee"), self.c.committee.name),
            (gettext("Year"), gettext("%(year)s") % {"year": self.c.year}),
            (gettext("Generated on"), fmt_date(self.generated_on)),
        ):
            paragraph = w.paragraph(style="table", align=centre)
            w.run(paragraph, f"{label}{self.m.colon}", "h1")
            w.run(paragraph, value, "body")
        w.page_break()

    def contents_page(self):
        self.w.heading(gettext("Contents"), 1, toc=False).alignment = WD_ALIGN_PARAGRAPH.CENTER
        placeholder = self.w.page_break()
        return placeholder

    def fill_contents(self, placeholder):
        """The headings, written before the page break that ends the contents page (they are known only now)."""
        for level, text in self.w.headings:
            paragraph = self.w._styled(placeholder.insert_paragraph_before(), "table")
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            paragraph.paragraph_format.line_spacing = Pt(28)
            paragraph.paragraph_format.left_indent = Pt(0 if level == 1 else 32)
            self.w.run(paragraph, text, "h1" if level == 1 else "body")

    # ------------------------------------------------------------ 一、the plan

    def plan(self):
        w, m, plan = self.w, self.m, self.c.plan
        if plan is None:
            w.paragraph(gettext("No annual study plan was entered for this year."))
            return
        w.line(gettext("Plan"), plan.title)
        if plan.is_approved:
            w.line(gettext("Approved"), f"{plan.approved_by}{m.comma}{fmt_date(plan.approved_on)}")
        else:
            w.line(gettext("Approved"), gettext("Not approved yet"))
        w.line(gettext("Notes"), plan.notes)
        topics = plan.ordered_topics
        if not topics:
            w.paragraph(gettext("The plan has no topics."))
            return
        covered = sum(1 for t in topics if t.covered_by)
        w.paragraph(gettext("%(covered)s of %(total)s topics covered by study records.") % {
            "covered": covered, "total": len(topics)})
        rows = []
        for number, topic in enumerate(topics, 1):
            records = m.semicolon.join(f"{fmt_date(r.held_on)} {r.title}" for r in topic.covered_by)
            month = gettext("Month %(month)s") % {"month": topic.planned_month} if topic.planned_month else "—"
            rows.append([number, topic.title, topic.get_source_display(), month, records or gettext("Not covered")])
        w.table(
            [gettext("No."), gettext("Topic"), gettext("Source"), gettext("Planned month"), gettext("Covered by")],
            rows, widths=(12, 50, 22, 20, 52),
        )

    # ------------------------------------------------------------ 二、sessions

    def sessions(self):
        self.kind_parts(SESSION_KINDS, self._sessions, self.session_lines)

    def kind_parts(self, kinds, count, lines, summary=None):
        """A sub-heading per kind with its number of records (`count(n)`, in the kind's unit), "none" under an
        empty one, and each record under its own heading, written by `lines(record)`; `summary(kind, records)`
        ends a kind's part."""
        w, m = self.w, self.m
        for index, kind in enumerate(kinds):
            records = self.c.of_kind(kind)
            w.heading(f"{sub_number(index)}{kind.label}{m.paren(count(len(records)))}", 2)
            if not records:
                w.none_line()
            for number, record in enumerate(records, 1):
                self.record_heading(number, record)
                lines(record)
            if summary is not None:
                summary(kind, records)

    def _sessions(self, n):
        return ngettext("%(n)s session", "%(n)s sessions", n) % {"n": n}

    def _lectures(self, n):
        return ngettext("%(n)s lecture", "%(n)s lectures", n) % {"n": n}

    def _activities(self, n):
        return ngettext("%(n)s activity", "%(n)s activities", n) % {"n": n}

    def _reports(self, n):
        return ngettext("%(n)s report", "%(n)s reports", n) % {"n": n}

    def record_heading(self, number, record):
        self.w.heading(f"{number}{self.m.dot}{fmt_date(record.held_on)}{self.m.space}{record.title}", 3)

    def session_lines(self, record):
        w = self.w
        if record.ends_on and record.ends_on != record.held_on:
            w.line(gettext("Dates"), f"{fmt_date(record.held_on)}—{fmt_date(record.ends_on)}")
        if record.kind == ActivityKind.FIRST_AGENDA:
            w.line(gettext("Meeting"), record.meeting_name)
            w.line(gettext("Opened with study"), gettext("Yes") if record.opened_with_study else gettext("No"))
        w.line(gettext("Led by"), record.led_by)
        if record.kind == ActivityKind.READING_CLASS:
            w.line(gettext("Periods"), record.period_count)
            w.line(gettext("Days"), record.day_count)
            w.line(gettext("Participants"), record.participant_count)
        self.closing_lines(record, discussion=True)

    def closing_lines(self, record, *, discussion=False):
        """What every record's part ends with: the materials, plan topics, campaign, theme and late entry, the
        attendance where its kind keeps it, (a session's speeches and discussion,) the notes."""
        w, m = self.w, self.m
        w.line(gettext("Materials studied"), record.materials)
        w.line(gettext("Plan topics"), m.enum.join(t.title for t in record.plan_topics.all()))
        w.line(gettext("Campaign"), record.campaign.name if record.campaign_id else "")
        w.line(gettext("Theme"), record.theme.name if record.theme_id else "")
        if record.is_late:
            w.line(gettext("Entered late"), gettext("Yes, after the month had closed"))
        if record.kind in ATTENDANCE_KINDS:
            self.attendance(record)
        if discussion:
            w.line(gettext("Speeches and discussion"), record.discussion)
        w.line(gettext("Notes"), record.notes)

    def attendance(self, record):
        w, m = self.w, self.m
        rows = list(record.attendance.all())
        if not rows:
            w.line(gettext("Attendance"), gettext("Not recorded"))
            return
        by_status = {status: [r for r in rows if r.status == status] for status in AttendanceStatus}
        w.line(gettext("Attendance"), gettext(
            "%(total)s members: %(present)s present, %(late)s late, %(excused)s excused, %(absent)s absent"
        ) % {
            "total": len(rows), "present": len(by_status[AttendanceStatus.PRESENT]),
            "late": len(by_status[AttendanceStatus.LATE]), "excused": len(by_status[AttendanceStatus.EXCUSED]),
            "absent": len(by_status[AttendanceStatus.ABSENT]),
        })
        w.line(gettext("Present"), _names(by_status[AttendanceStatus.PRESENT], m))
        w.line(gettext("Late"), _names(by_status[AttendanceStatus.LATE], m, with_reason=True))
        w.line(gettext("Excused (reason)"), _names(by_status[AttendanceStatus.EXCUSED], m, with_reason=True))
        w.line(gettext("Absent"), _names(by_status[AttendanceStatus.ABSENT], m, with_reason=True))
        made_up = []
        for row in rows:
            if row.made_up_on or row.made_up_note:
                when = fmt_date(row.made_up_on) if row.made_up_on else ""
                detail = m.comma.join(x for x in (when, row.made_up_note) if x)
                made_up.append(row.member.name + m.paren(detail))
        w.line(gettext("Make-up study"), m.enum.join(made_up))

    # ------------------------------------------------------------ 三、lectures

    def lectures(self):
        self.kind_parts(LECTURE_KINDS, self._lectures, self.lecture_lines, summary=self.outreach_total)

    def lecture_lines(self, record):
        w, m = self.w, self.m
        w.line(gettext("Speaker"), record.speaker)
        w.line(gettext("Inviting body"), record.inviting_body)
        w.line(gettext("Online or offline"), record.get_delivery_mode_display())
        w.line(gettext("Lecturer level"), record.get_lecturer_level_display())
        w.line(gettext("Place"), m.comma.join(x for x in (record.get_place_kind_display(), record.site) if x))
        w.line(gettext("Audience"), record.audience_count)
        self.closing_lines(record)

    def outreach_total(self, kind, records):
        if kind == ActivityKind.OUTREACH_LECTURE and records:
            audience = sum(r.audience_count or 0 for r in records)
            self.w.paragraph(gettext("In all: %(lectures)s lectures, audience %(audience)s.") % {
                "lectures": len(records), "audience": audience})

    # ------------------------------------------------------------ 四、immersive and field study

    def immersive_and_field(self):
        self.kind_parts(VISIT_OUT_KINDS, self._activities, self.visit_out_lines)

    def visit_out_lines(self, record):
        self.w.line(gettext("Site"), record.site)
        self.w.line(gettext("Participants (person-times)"), record.participant_count)
        self.closing_lines(record)  # these kinds keep no attendance

    # ------------------------------------------------------------ 五、articles and reports

    def writings(self):
        w, m = self.w, self.m
        reflections = self.c.of_kind(ActivityKind.REFLECTION)
        total = sum(r.article_count or len(r.articles.all()) for r in reflections)
        w.heading(f"{sub_number(0)}{ActivityKind.REFLECTION.label}{m.paren(self._articles(total))}", 2)
        rows = []
        for record in reflections:
            articles = list(record.articles.all())
            for article in articles:
                rows.append([article.author, article.title, fmt_date(record.held_on)])
            if not articles:  # a counted batch of old: its record stands for its articles
                batch = gettext("%(title)s (a batch of %(count)s articles)") % {
                    "title": record.title, "count": record.article_count or 0}
                rows.append([record.author or "—", batch, fmt_date(record.held_on)])
        if rows:
            w.table([gettext("No."), gettext("Author"), gettext("Title"), gettext("Date")],
                    [[n, *row] for n, row in enumerate(rows, 1)], widths=(12, 30, 90, 24))
        else:
            w.none_line()
        reports = self.c.of_kind(ActivityKind.RESEARCH_REPORT)
        w.heading(f"{sub_number(1)}{ActivityKind.RESEARCH_REPORT.label}{m.paren(self._reports(len(reports)))}", 2)
        if reports:
            w.table([gettext("No."), gettext("Author"), gettext("Title"), gettext("Date")],
                    [[n, r.author or "—", r.title, fmt_date(r.held_on)] for n, r in enumerate(reports, 1)],
                    widths=(12, 30, 90, 24))
        else:
            w.none_line()

    def _articles(self, n):
        return ngettext("%(n)s article", "%(n)s articles", n) % {"n": n}

    # ------------------------------------------------------------ 六、visits

    def visits(self):
        w, m = self.w, self.m
        if not self.c.visits:
            w.none_line()
            return
        for number, visit in enumerate(self.c.visits, 1):
            what = visit.activity.title if visit.activity_id and visit.activity else visit.get_kind_display()
            label = gettext("Sit-in visit")
            w.heading(f"{number}{m.dot}{fmt_date(visit.visited_on)}{m.space}{label}{m.colon}{what}", 3)
            w.line(gettext("Kind"), visit.get_kind_display())
            w.line(gettext("Auditor"), str(visit.auditor.user))
            counts = gettext("observed %(observed)s, reported %(reported)s") % {
                "observed": "—" if visit.observed_count is None else visit.observed_count,
                "reported": "—" if visit.reported_count is None else visit.reported_count,
            }
            if visit.discrepancy:
                counts += m.paren(gettext("the counts differ"))
            w.line(gettext("Head count"), counts)
            w.line(gettext("Ratings"), m.semicolon.join(
                gettext("%(item)s %(score)s/5") % {"item": r.item.display_label, "score": r.score}
                for r in visit.ratings.all()
            ))
            w.line(gettext("Findings"), visit.findings)
            items = list(visit.rectifications.all())
            if not items:
                w.line(gettext("Rectification"), gettext("None required"))
                continue
            w.paragraph(gettext("Rectification:"), font="strong")
            w.table(
                [gettext("No."), gettext("What to put right"), gettext("Owner"), gettext("Due"), gettext("Status")],
                [[n, item.description, item.owner, fmt_date(item.due_on), self._rectification_status(item)]
                 for n, item in enumerate(items, 1)],
                widths=(12, 66, 24, 26, 28),
            )

    def _rectification_status(self, item):
        if item.status == RectificationStatus.DONE:
            done = fmt_moment(item.closed_at) if item.closed_at else ""
            text = gettext("Done") + (self.m.paren(done) if done else "")
            return text + (self.m.semicolon + item.evidence_note if item.evidence_note else "")
        return gettext("Open")

    # ------------------------------------------------------------ 七、corrections

    def corrections(self):
        w, m = self.w, self.m
        if not self.c.corrections:
            w.none_line()
            return
        rows = []
        for n, correction in enumerate(self.c.corrections, 1):
            month = fmt_month(correction.month)
            if correction.new_month and correction.new_month != correction.month:
                month += f" → {fmt_month(correction.new_month)}"
            record = f"{month}{m.space}#{correction.record_number} {correction.record_title}"
            who = str(correction.made_by) if correction.made_by_id else "—"
            when = fmt_moment(correction.made_at)
            changes = correction_text.as_text(correction.changes)
            rows.append([n, record, correction.get_action_display(), correction.reason,
                         f"{who}{m.comma}{when}", changes or "—"])
        w.table(
            [gettext("No."), gettext("Record"), gettext("Action"), gettext("Reason"), gettext("By, on"),
             gettext("Changes")],
            rows, widths=(10, 40, 14, 34, 26, 32),
        )

    # ------------------------------------------------------------ 八、bulletins

    def bulletins(self):
        w, m = self.w, self.m
        if not self.c.bulletins:
            w.none_line()
            return
        for number, bulletin in enumerate(self.c.bulletins, 1):
            w.heading(f"{number}{m.dot}{fmt_month(bulletin.month)}{m.space}{bulletin.title}", 3)
            w.line(gettext("Publication"), gettext("%(when)s by %(who)s, version %(version)s of %(count)s") % {
                "when": fmt_moment(bulletin.published_at), "who": bulletin.publisher_name,
                "version": bulletin.version, "count": bulletin.version_count,
            })
            for text in bulletin.paragraphs:
                w.paragraph(text)
            if bulletin.table:
                w.table(
                    [gettext("Tally"), gettext("Figure"), gettext("Unit"), gettext("Month"), gettext("Year to date")],
                    [[row.get("tally") or "", row.get("label", ""), row.get("unit", ""), _number(row.get("value")),
                      _number(row.get("ytd"))] for row in bulletin.table],
                    widths=(16, 78, 18, 22, 22),
                )


def _number(value):
    return "—" if value is None else value


def write_volume(contents, *, generated_on, on_part=None):
    """The DOCX bytes of a volume (the active language is the volume's)."""
    return Volume(contents, generated_on=generated_on).build(on_part=on_part)
