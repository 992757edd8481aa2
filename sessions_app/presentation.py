"""How a record reads at a glance: its kind's icon and its key figure (from the row alone, no queries)."""
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ActivityKind

KIND_ICONS = {
    ActivityKind.COLLECTIVE: "people-fill",
    ActivityKind.THEMATIC: "lightbulb",
    ActivityKind.READING_CLASS: "book",
    ActivityKind.FIRST_AGENDA: "list-ol",
    ActivityKind.EXPERT_LECTURE: "mortarboard",
    ActivityKind.OUTREACH_LECTURE: "megaphone",
    ActivityKind.FIELD_STUDY: "geo-alt",
    ActivityKind.IMMERSIVE: "flag",
    ActivityKind.REFLECTION: "pencil-square",
    ActivityKind.RESEARCH_REPORT: "file-earmark-text",
}


def quick_add_kinds():
    return [(kind.value, kind.label, KIND_ICONS[kind]) for kind in ActivityKind]


def key_figure(record):
    """One short line: the figure that kind is counted by."""
    kind = record.kind
    if kind == ActivityKind.OUTREACH_LECTURE and record.audience_count is not None:
        return gettext("%(n)s in the audience") % {"n": record.audience_count}
    if kind == ActivityKind.READING_CLASS:
        return gettext("%(p)s period(s), %(d)s day(s), %(n)s participants") % {
            "p": record.period_count or 0, "d": record.day_count or 0, "n": record.participant_count or 0,
        }
    if kind in (ActivityKind.FIELD_STUDY, ActivityKind.IMMERSIVE) and record.participant_count is not None:
        return gettext("%(n)s person-times") % {"n": record.participant_count}
    if kind == ActivityKind.REFLECTION:
        return gettext("%(n)s article(s)") % {"n": record.article_count or 1}
    if kind == ActivityKind.FIRST_AGENDA:
        return record.meeting_name
    if kind == ActivityKind.EXPERT_LECTURE:
        return " · ".join(filter(None, [record.speaker, record.get_delivery_mode_display()]))
    if kind in (ActivityKind.COLLECTIVE, ActivityKind.THEMATIC) and record.led_by:
        return gettext("Led by %(name)s") % {"name": record.led_by}
    if kind == ActivityKind.RESEARCH_REPORT:
        return record.author
    return ""


LATE_HELP = _("Entered after the month closed")
