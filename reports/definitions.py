"""The study metrics of DOMAIN.md (T1–T11 and a few more), over sessions_app.Activity.

Registered from ReportsConfig.ready(). Campaigns and themes are referenced by their stable `code`.
Every headline figure is year to date: "截至2021年12月底" means January 1 to December 31, 2021.
Run `python manage.py metrics_doc` after changing anything here (docs/metrics.md is checked by a test).
"""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .metrics import COUNT, OWN, SUBTREE, SUM, Metric, Ratio, register

ACTIVITY = "sessions_app.Activity"
GROUP_SESSION_KINDS = ("collective", "thematic", "reading_class")  # sessions_app.models.GROUP_SESSION_KINDS
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
        "campaign_thematic_sessions", _("Study month: thematic study sessions"),
        filters={"kind": "thematic", "campaign__code": STUDY_CAMPAIGN}, scope=SUBTREE, unit=SESSIONS,
        tally="T4", order=40,
        description=_("Thematic study sessions tagged with the party-spirit-2021 study month."),
    ),
    activity_metric(
        "campaign_reading_classes", _("Study month: thematic reading classes"),
        filters={"kind": "reading_class", "campaign__code": STUDY_CAMPAIGN}, scope=SUBTREE, unit=SESSIONS,
        tally="T5", order=41,
        description=_("Reading classes tagged with the party-spirit-2021 study month."),
    ),
    activity_metric(
        "campaign_reflection_articles", _("Study month: reflection articles"),
        filters={"kind": "reflection", "campaign__code": STUDY_CAMPAIGN}, aggregate=SUM,
        value_field="article_count", scope=SUBTREE, unit=ARTICLES, tally="T6", order=42,
        description=_("Reflection articles (counted batches summed) tagged with the party-spirit-2021 study month."),
    ),
    activity_metric(
        "city_leader_lectures", _("City-level leaders' lectures on the 6th plenum"),
        filters={"kind": "outreach_lecture", "lecturer_level": "city_leader", "theme__code": PLENUM_THEME},
        scope=SUBTREE, unit=LECTURES, tally="T7", order=50,
        description=_("Outreach lectures by city-level leaders on the theme plenum-6."),
    ),
    activity_metric(
        "city_leader_audience", _("City-level leaders' lectures on the 6th plenum: audience"),
        filters={"kind": "outreach_lecture", "lecturer_level": "city_leader", "theme__code": PLENUM_THEME},
        aggregate=SUM, value_field="audience_count", scope=SUBTREE, unit=PEOPLE, tally="T7", order=51,
        description=_("Audience of the outreach lectures by city-level leaders on the theme plenum-6."),
    ),
    activity_metric(
        "county_leader_lectures", _("County and department leaders' lectures on the 6th plenum"),
        filters={"kind": "outreach_lecture", "lecturer_level": "county_leader", "theme__code": PLENUM_THEME},
        scope=SUBTREE, unit=LECTURES, tally="T8", order=52,
        description=_("Outreach lectures by county, district and city-department leadership members on plenum-6."),
    ),
    activity_metric(
        "county_leader_audience", _("County and department leaders' lectures on the 6th plenum: audience"),
        filters={"kind": "outreach_lecture", "lecturer_level": "county_leader", "theme__code": PLENUM_THEME},
        aggregate=SUM, value_field="audience_count", scope=SUBTREE, unit=PEOPLE, tally="T8", order=53,
        description=_("Audience of the outreach lectures by county-level leadership members on plenum-6."),
    ),
    activity_metric(
        "expert_lectures", _("Expert lectures"), filters={"kind": "expert_lecture"},
        scope=SUBTREE, unit=LECTURES, tally="T9", order=60,
        description=_("Expert lectures, online and offline, since the start of the year."),
    ),
    activity_metric(
        "field_study_participants", _("Field study participants"), filters={"kind": "field_study"},
        aggregate=SUM, value_field="participant_count", scope=SUBTREE, unit=PERSON_TIMES, tally="T10", order=70,
        description=_("Person-times of field and immersive study (sites, exhibitions, documentaries)."),
    ),
    activity_metric(
        "research_reports", _("Research reports"), filters={"kind": "research_report"},
        scope=SUBTREE, unit=REPORTS, tally="T11", order=80,
        description=_("Research reports written by study-group members."),
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


def register_study_metrics():
    register(*STUDY_METRICS, *STUDY_RATIOS)
