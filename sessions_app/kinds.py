"""The kinds of study record (学习记录), one row each: everything the portal knows about a kind is here.

The record form (which facts, which required, their labels and help), the presentation (icon, key figure), the
statistics (which kinds are the group's own study sessions: reports/definitions.py), supervision (which kinds are
filed in advance and sat in on) and attendance (which kinds keep it) all read this table, so a new kind, or a change
to one, is made in one place.
"""
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective study")  # 中心组集体学习
    THEMATIC = "thematic", _("Thematic study")  # 专题学习/专题研讨
    READING_CLASS = "reading_class", _("Reading class")  # 读书班/专题读书班
    FIRST_AGENDA = "first_agenda", _("First-agenda-item study")  # 第一议题
    EXPERT_LECTURE = "expert_lecture", _("Expert lecture")  # 专家辅导/专题报告
    OUTREACH_LECTURE = "outreach_lecture", _("Outreach lecture")  # 宣讲
    FIELD_STUDY = "field_study", _("Field study")  # 参观/现场教学: the group's own visit
    # 沉浸式体验学习: organised by a party organisation for its members and the public at a red education base
    IMMERSIVE = "immersive", _("Immersive study activity")
    REFLECTION = "reflection", _("Reflection articles")  # 心得体会
    RESEARCH_REPORT = "research_report", _("Research report")  # 调研报告


def _led_by(record):
    return gettext("Led by %(name)s") % {"name": record.led_by} if record.led_by else ""


def _reading_class(record):
    return gettext("%(p)s period(s), %(d)s day(s), %(n)s participants") % {
        "p": record.period_count or 0, "d": record.day_count or 0, "n": record.participant_count or 0,
    }


def _person_times(record):
    if record.participant_count is None:
        return ""
    return gettext("%(n)s person-times") % {"n": record.participant_count}


def _audience(record):
    if record.audience_count is None:
        return ""
    return gettext("%(n)s in the audience") % {"n": record.audience_count}


def _expert(record):
    return " · ".join(filter(None, [record.speaker, record.get_delivery_mode_display()]))


def _articles(record):
    return gettext("%(n)s article(s)") % {"n": record.article_count or 1}


@dataclass(frozen=True)
class KindSpec:
    icon: str  # Bootstrap Icons name
    fields: tuple  # the facts the form asks for after date and topic
    required: tuple = ()
    labels: dict = field(default_factory=dict)  # labels that read better for this kind than the model's
    help: dict = field(default_factory=dict)
    key_figure: object = None  # record -> one short line, from the row alone
    group_session: bool = False  # a session of the study group itself (the study-session figures count it)
    attendance: bool = False  # keeps attendance of the group's members
    filed: bool = False  # filed in advance (学习报备), and an auditor may sit in on it


KINDS = {
    ActivityKind.COLLECTIVE: KindSpec(
        "people-fill", ("led_by", "discussion"), key_figure=_led_by, group_session=True, attendance=True, filed=True,
    ),
    ActivityKind.THEMATIC: KindSpec(
        "lightbulb", ("led_by", "discussion"), key_figure=_led_by, group_session=True, attendance=True, filed=True,
    ),
    ActivityKind.READING_CLASS: KindSpec(
        "book", ("ends_on", "period_count", "day_count", "participant_count"),
        required=("ends_on", "period_count", "day_count", "participant_count"),
        labels={"held_on": _("First day"), "participant_count": _("Participants")},
        key_figure=_reading_class, group_session=True, attendance=True, filed=True,
    ),
    ActivityKind.FIRST_AGENDA: KindSpec(
        "list-ol", ("meeting_name", "opened_with_study"), required=("meeting_name",),
        labels={"title": _("Topic studied"), "meeting_name": _("Meeting (e.g. standing committee)")},
        key_figure=lambda record: record.meeting_name, attendance=True,
    ),
    ActivityKind.EXPERT_LECTURE: KindSpec(
        "mortarboard", ("inviting_body", "speaker", "delivery_mode"),
        required=("inviting_body", "speaker", "delivery_mode"), key_figure=_expert, attendance=True,
    ),
    ActivityKind.OUTREACH_LECTURE: KindSpec(
        "megaphone", ("speaker", "lecturer_level", "place_kind", "audience_count"),
        required=("speaker", "lecturer_level", "place_kind", "audience_count"),
        labels={"speaker": _("Lecturer"), "audience_count": _("Audience (people)")},
        key_figure=_audience, filed=True,
    ),
    ActivityKind.FIELD_STUDY: KindSpec(
        "geo-alt", ("site", "participant_count"), required=("site", "participant_count"),
        labels={"participant_count": _("Participants (person-times)")}, key_figure=_person_times,
    ),
    ActivityKind.IMMERSIVE: KindSpec(
        "flag", ("site", "participant_count"), required=("site", "participant_count"),
        labels={"site": _("Red education base"), "participant_count": _("Participants (person-times)")},
        key_figure=_person_times,
    ),
    ActivityKind.REFLECTION: KindSpec(
        # A reflection record's count is required only when it lists no articles (RecordEntry checks it).
        "pencil-square", ("author", "article_count"),
        labels={"title": _("Title or subject"), "article_count": _("Number of articles")},
        help={
            "author": _("Leave empty when the articles are listed below, each with its author."),
            "article_count": _(
                "Counted from the articles listed below. Type a number only for a batch whose articles are not listed."
            ),
        },
        key_figure=_articles,
    ),
    ActivityKind.RESEARCH_REPORT: KindSpec(
        "file-earmark-text", ("author",), required=("author",), labels={"title": _("Report title")},
        key_figure=lambda record: record.author,
    ),
}

# What the rest of the portal asks of the table.
GROUP_SESSION_KINDS = tuple(kind for kind, spec in KINDS.items() if spec.group_session)
ATTENDANCE_KINDS = tuple(kind for kind, spec in KINDS.items() if spec.attendance)
FILING_KINDS = tuple(kind for kind, spec in KINDS.items() if spec.filed)
KIND_FIELDS = {kind: list(spec.fields) for kind, spec in KINDS.items()}
KIND_REQUIRED = {kind: list(spec.required) for kind, spec in KINDS.items() if spec.required}
KIND_LABELS = {kind: spec.labels for kind, spec in KINDS.items() if spec.labels}
KIND_HELP = {kind: spec.help for kind, spec in KINDS.items() if spec.help}
KIND_ICONS = {kind: spec.icon for kind, spec in KINDS.items()}


def key_figure(record):
    """One short line: the figure that kind is counted by."""
    return KINDS[record.kind].key_figure(record) or ""
