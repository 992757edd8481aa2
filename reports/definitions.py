"""The study metrics of DOMAIN.md (T1–T11 and a few more), over sessions_app.Activity.

Registered from ReportsConfig.ready(). Campaigns and themes are referenced by their stable `code`.
Every headline figure is year to date: "截至2021年12月底" means January 1 to December 31, 2021.
Run `python manage.py metrics_doc` after changing anything here (docs/metrics.md is checked by a test).
"""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sessions_app import kinds

from .metrics import COUNT, OWN, SUBTREE, SUM, Metric, Ratio, Template, register, register_templates

ACTIVITY = "sessions_app.Activity"
GROUP_SESSION_KINDS = tuple(kind.value for kind in kinds.GROUP_SESSION_KINDS)  # the table's group sessions
STUDY_CAMPAIGN = "party-spirit-2021"  # 弘扬伟大建党精神 study month
PLENUM_THEME = "plenum-6"  # 十九届六中全会精神

SESSIONS = pgettext_lazy("unit", "sessions")  # 次
PERIODS = pgettext_lazy("unit", "periods")  # 期
ARTICLES = pgettext_lazy("unit", "articles")  # 篇
LECTURES = pgettext_lazy("unit", "lectures")  # 场
PEOPLE = pgettext_lazy("unit", "people")  # 人
PERSON_TIMES = pgettext_lazy("unit", "person-times")  # 人次
REPORTS = pgettext_lazy("unit", "reports")  # 篇
MEETINGS = pgettext_lazy("unit", "meetings")  # 次


def activity_metric(key, label, *, filters, aggregate=COUNT, value_field="", **kwargs):
    return Metric(
        key=key, label=label, source=ACTIVITY, filters=filters, aggregate=aggregate, value_field=value_field,
        date_field="held_on", month_field="month", committee_field="committee", **kwargs,
    )


STUDY_METRICS = [
    activity_metric(
        "group_sessions", _("Own group's study sessions"), filters={"kind__in": GROUP_SESSION_KINDS},
        scope=OWN, unit=SESSIONS, tally="T1", order=10,
        description=_("Collective study, thematic study and reading classes held by the committee's own group."),
    ),
    activity_metric(
        "group_reading_classes", _("Own group's reading classes"), filters={"kind": "reading_class"},
        scope=OWN, unit=SESSIONS, tally="T1", order=11,
        description=_("Reading classes held by the committee's own group (part of its study sessions)."),
    ),
    activity_metric(
        "study_sessions", _("Study-group sessions, all committees"), filters={"kind__in": GROUP_SESSION_KINDS},
        scope=SUBTREE, unit=SESSIONS, tally="T2", order=20,
        description=_("Collective study, thematic study and reading classes of every group in the subtree."),
    ),
    activity_metric(
        "reading_class_periods", _("Reading classes held (periods)"), filters={"kind": "reading_class"},
        aggregate=SUM, value_field="period_count", scope=SUBTREE, unit=PERIODS, tally="T3", order=30,
        description=_("Sum of the periods of every reading class in the subtree."),
    ),
    activity_metric(
        "group_expert_lectures", _("Own group's expert lectures"), filters={"kind": "expert_lecture"},
        scope=OWN, unit=LECTURES, tally="T9", order=60,
        description=_("Expert lectures, online and offline, the committee's own group invited since the start of "
                      "the year (the document: the city committee's group invited experts for 8 lectures)."),
    ),
    activity_metric(
        "expert_lectures", _("Expert lectures, all committees"), filters={"kind": "expert_lecture"},
        scope=SUBTREE, unit=LECTURES, order=61,
        description=_("Expert lectures, online and offline, invited by every group in the subtree."),
    ),
    activity_metric(
        "immersive_participants", _("Immersive study participants"), filters={"kind": "immersive"},
        aggregate=SUM, value_field="participant_count", scope=SUBTREE, unit=PERSON_TIMES, tally="T10", order=70,
        description=_("Person-times of immersive study activities at red education bases, organised by party "
                      "organisations at every level for their members and the public."),
    ),
    activity_metric(
        "field_study_participants", _("Field study participants"), filters={"kind": "field_study"},
        aggregate=SUM, value_field="participant_count", scope=SUBTREE, unit=PERSON_TIMES, order=71,
        description=_("Person-times of the groups' own field study (memorial halls, exhibitions, documentaries)."),
    ),
    activity_metric(
        "group_research_reports", _("Own group's research reports"), filters={"kind": "research_report"},
        scope=OWN, unit=REPORTS, tally="T11", order=80,
        description=_("Research reports written by members of the committee's own group (the document: the city "
                      "committee's group members wrote 33)."),
    ),
    activity_metric(
        "research_reports", _("Research reports, all committees"), filters={"kind": "research_report"},
        scope=SUBTREE, unit=REPORTS, order=81,
        description=_("Research reports written by members of every group in the subtree."),
    ),
    # Not tallies of the document, but figures the dashboards show.
    activity_metric(
        "first_agenda_meetings", _("First-agenda meetings"), filters={"kind": "first_agenda"},
        scope=SUBTREE, unit=MEETINGS, order=90,
        description=_("Standing-committee meetings recorded under the first-agenda-item rule."),
    ),
    activity_metric(
        "first_agenda_with_study", _("First-agenda meetings that opened with study"),
        filters={"kind": "first_agenda", "opened_with_study": True}, scope=SUBTREE, unit=MEETINGS, order=91,
        description=_("First-agenda meetings whose first item was study."),
    ),
    activity_metric(
        "reflection_articles", _("Reflection articles"), filters={"kind": "reflection"}, aggregate=SUM,
        value_field="article_count", scope=SUBTREE, unit=ARTICLES, order=92,
        description=_("All reflection articles, with or without a campaign."),
    ),
    activity_metric(
        "outreach_lectures", _("Outreach lectures"), filters={"kind": "outreach_lecture"},
        scope=SUBTREE, unit=LECTURES, order=93,
        description=_("All outreach lectures, any lecturer and theme."),
    ),
    activity_metric(
        "outreach_audience", _("Outreach lecture audience"), filters={"kind": "outreach_lecture"},
        aggregate=SUM, value_field="audience_count", scope=SUBTREE, unit=PEOPLE, order=94,
        description=_("Audience of all outreach lectures."),
    ),
]

STUDY_RATIOS = [
    Ratio(
        "first_agenda_compliance", _("First-agenda compliance"), numerator="first_agenda_with_study",
        denominator="first_agenda_meetings", order=95,
        description=_("Share of first-agenda meetings that opened with study."),
    ),
]


# Figures every campaign and theme gets without code (`campaign.<code>.<name>`, `theme.<code>.<name>`).
CAMPAIGN_TEMPLATES = [
    Template("thematic_sessions", "campaign", _("%(name)s: thematic study sessions"), filters={"kind": "thematic"},
             unit=SESSIONS, order=40, description=_("Thematic study sessions tagged with the campaign.")),
    Template("reading_classes", "campaign", _("%(name)s: thematic reading classes"),
             filters={"kind": "reading_class"}, unit=SESSIONS, order=41,
             description=_("Reading classes tagged with the campaign.")),
    Template("reflection_articles", "campaign", _("%(name)s: reflection articles"), filters={"kind": "reflection"},
             aggregate=SUM, value_field="article_count", unit=ARTICLES, order=42,
             description=_("Reflection articles tagged with the campaign.")),
    Template("outreach_lectures", "campaign", _("%(name)s: outreach lectures"),
             filters={"kind": "outreach_lecture"}, unit=LECTURES, order=43,
             description=_("Outreach lectures tagged with the campaign.")),
]
LECTURER_TEMPLATES = [
    Template(f"{level}_{what}", "theme", label, filters={"kind": "outreach_lecture", "lecturer_level": level},
             aggregate=SUM if what == "audience" else COUNT, value_field="audience_count" if what == "audience" else "",
             unit=PEOPLE if what == "audience" else LECTURES, order=order, description=description)
    for level, what, label, order, description in [
        ("city_leader", "lectures", _("%(name)s: city-level leaders' lectures"), 50,
         _("Outreach lectures by city-level leaders on the theme.")),
        ("city_leader", "audience", _("%(name)s: city-level leaders' lectures, audience"), 51,
         _("Audience of the outreach lectures by city-level leaders on the theme.")),
        ("county_leader", "lectures", _("%(name)s: county and department leaders' lectures"), 52,
         _("Outreach lectures by county, district and city-department leadership members on the theme.")),
        ("county_leader", "audience", _("%(name)s: county and department leaders' lectures, audience"), 53,
         _("Audience of the outreach lectures by county-level leadership members on the theme.")),
    ]
]
THEME_TEMPLATES = [
    Template("study_sessions", "theme", _("%(name)s: study sessions"), filters={"kind__in": GROUP_SESSION_KINDS},
             unit=SESSIONS, order=44, description=_("Group study sessions on the theme.")),
    *LECTURER_TEMPLATES,
]
# T4–T8 of the 2021 document are instances of the templates for its campaign and theme.
DOCUMENT_TALLIES = {
    f"campaign.{STUDY_CAMPAIGN}.thematic_sessions": "T4",
    f"campaign.{STUDY_CAMPAIGN}.reading_classes": "T5",
    f"campaign.{STUDY_CAMPAIGN}.reflection_articles": "T6",
    f"theme.{PLENUM_THEME}.city_leader_lectures": "T7",
    f"theme.{PLENUM_THEME}.city_leader_audience": "T7",
    f"theme.{PLENUM_THEME}.county_leader_lectures": "T8",
    f"theme.{PLENUM_THEME}.county_leader_audience": "T8",
}


def register_study_metrics():
    register(*STUDY_METRICS, *STUDY_RATIOS)
    register_templates(*CAMPAIGN_TEMPLATES, *THEME_TEMPLATES, tallies=DOCUMENT_TALLIES)
