"""The portal's default outline: the 2021 document's sentences, with its figures as placeholders.

Stored on first use (reports.outline_services.default_outline) in the language asked for; the Chinese text is
this module's catalogue entry, so the stored default reads exactly as the document ("截至2021年12月底，市委理论
学习中心组集体学习8次（含两次专题读书班），…"). Campaign and theme figures are named by the document's codes
(party-spirit-2021, plenum-6): a city that copies the outline into a new year puts its own campaign's codes in.
"""
from django.utils.translation import gettext as _

DEFAULT_YEAR = 2021


def title():
    return _("Bulletin on the theory study of {committee}, {month}")


def paragraphs():
    return [
        # T1–T3
        _("As of the end of {month}, the theory study center group of {group} held {group_sessions} collective "
          "study sessions[ (including {group_reading_classes:words} thematic reading classes)][, the center groups "
          "of party committees (leading party groups) at all levels {area} held {study_sessions} study sessions in "
          "total][, and held {reading_class_periods} reading classes]."),
        # T4–T6: the study month's figures
        _("[The center groups of party committees (leading party groups) at all levels {area} held "
          "{campaign.party-spirit-2021.thematic_sessions} thematic study sessions of the study month “Carry forward "
          "the great founding spirit of the Party”][, held {campaign.party-spirit-2021.reading_classes} thematic "
          "reading classes][, and leading cadres wrote {campaign.party-spirit-2021.reflection_articles} reflection "
          "articles]."),
        # T7–T8: outreach lectures on the 6th plenum
        _("[As of the end of {month}, city-level leaders gave {theme.plenum-6.city_leader_lectures} outreach "
          "lectures on the spirit of the 6th plenary session of the 19th Central Committee[, with an audience of "
          "{theme.plenum-6.city_leader_audience}]][; county, district and city-department leadership members gave "
          "{theme.plenum-6.county_leader_lectures} lectures[, with an audience of "
          "{theme.plenum-6.county_leader_audience}]]."),
        # T9–T11
        _("[Since the start of {year}, experts have been invited to give {group_expert_lectures} lectures online "
          "and offline.][ Party organizations at all levels held immersive study activities at red education "
          "bases, with {immersive_participants:wan} participants (person-times).][ Members of the theory study "
          "center group of {group} carried out research on special topics and wrote {group_research_reports} "
          "research reports.]"),
        # T12–T14
        _("[So far, auditors have sat in on {sit_in_visits} study sessions and outreach lectures of party "
          "committees (leading party groups) at all levels][, covering every county-level and city-department "
          "study group{visit_coverage:full}][, covering {visit_coverage:partial} of the county-level and "
          "city-department study groups][; {test_rounds:words} rounds of knowledge tests were held[, testing "
          "{person_tests} person-times sampled at random]]."),
        # T15
        _("[So far, {city_tasks} practical-matter tasks at city level][ and {county_tasks} tasks listed by the "
          "counties and districts][, with a completion rate of {task_completion_rate}]."),
    ]
