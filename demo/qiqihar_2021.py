"""The qiqihar-2021 scenario: a Qiqihar-like city whose 2021 records reproduce DOMAIN.md's T1–T11 exactly.

`python manage.py load_demo --scenario qiqihar-2021`. Every record is an individual Activity (bulk-created),
spread over months and committees: campaign records inside the 弘扬伟大建党精神 study month
(2021-10-15 → 11-15), 6th-plenum lectures after the plenum closed (2021-11-11), city-level lectures logged
by the city committee, county-level ones by counties and city departments. The supervision and assessment
halves (T12–T15) are added by their apps; then 2021 is rolled up, so the figures are ready.
"""
import datetime
import random

from django.utils import timezone

from committees.models import Committee, CommitteeKind, Member
from demo.city import create_campaigns_and_themes, create_demo_users
from demo.tree import build_tree, demo_person
from reports import rollup
from reports.months import month_range
from sessions_app.models import (
    Activity,
    ActivityKind,
    Attendance,
    AttendanceStatus,
    DeliveryMode,
    LecturerLevel,
    PlaceKind,
    month_is_closed,
)

YEAR = 2021
SEED = 20211231
# DOMAIN.md's tallies, as of the end of December 2021.
CITY_SESSIONS, CITY_READING_CLASSES = 8, 2  # T1
STUDY_SESSIONS = 10_900  # T2
READING_CLASS_PERIODS = 4_906  # T3
CAMPAIGN_THEMATIC, CAMPAIGN_READING_CLASSES, CAMPAIGN_ARTICLES = 1_517, 467, 13_554  # T4, T5, T6
CITY_LECTURES, CITY_AUDIENCE = 30, 794  # T7
COUNTY_LECTURES, COUNTY_AUDIENCE = 197, 5_290  # T8
EXPERT_LECTURES = 8  # T9: invited by the city committee's own group
IMMERSIVE_PERSON_TIMES = 680_000  # T10: immersive study activities of party organisations city-wide
RESEARCH_REPORTS = 33  # T11: written by the city committee group's members
# Not in the document, but a real city has them: other groups invite experts and write reports too.
OTHER_EXPERT_LECTURES = 60
OTHER_RESEARCH_REPORTS = 140
FIELD_STUDIES = 300
# How the 10,900 sessions split (not tallies of the document, but they must add up).
OTHER_READING_CLASSES = 3_700
OTHER_THEMATIC = 1_900
EXTRA_GRASSROOTS_PER_COUNTY = 34
EXTRA_GRASSROOTS_PER_DEPARTMENT = 5

CAMPAIGN = (datetime.date(2021, 10, 15), datetime.date(2021, 11, 15))
AFTER_PLENUM = (datetime.date(2021, 11, 12), datetime.date(2021, 12, 31))
WHOLE_YEAR = (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))

TOPICS = [
    "学习习近平总书记“七一”重要讲话精神", "党史学习教育专题研讨", "学习《中国共产党简史》", "学习习近平新时代中国特色社会主义思想",
    "推进全面从严治党专题学习", "优化营商环境专题学习", "乡村振兴战略专题研讨", "意识形态工作责任制专题学习",
    "学习贯彻省委全会精神", "“我为群众办实事”实践活动专题学习",
]
CAMPAIGN_TOPICS = ["弘扬伟大建党精神专题研讨", "伟大建党精神的深刻内涵专题学习", "赓续红色血脉 弘扬建党精神"]
PLENUM_TOPICS = ["党的十九届六中全会精神宣讲", "《中共中央关于党的百年奋斗重大成就和历史经验的决议》解读"]
SITES = ["齐齐哈尔市革命烈士纪念馆", "江桥抗战纪念馆", "党史教育展览馆", "红色教育基地", "《跨过鸭绿江》专题纪录片"]
INVITING_BODIES = ["中央党史和文献研究院", "省委党校", "黑龙江大学", "齐齐哈尔大学", "省委宣讲团"]


def build_qiqihar_2021(stdout):
    rng = random.Random(SEED)
    tree = build_tree(grassroots_per_county=6)
    tree.update(_more_grassroots(tree))
    logins = create_demo_users(tree)
    campaign, themes = create_campaigns_and_themes()
    records = _Records(tree, campaign, themes, rng)
    records.build()
    stdout.write(f"Built {len(tree)} committees and {records.count:,} records of {YEAR}.")
    from demo.assessment_2021 import extend_qiqihar_2021 as extend_assessment
    from demo.supervision_2021 import extend_qiqihar_2021 as extend_supervision

    extend_supervision(tree, stdout)
    extend_assessment(tree, stdout)
    # Every row written above marked its month (triggers); the rollup claims those marks with the months.
    months = month_range(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 1))
    rollup.rollup_months(months)
    rollup.rollup_dirty()  # any other year (a due date in the next year)
    stdout.write(f"Rolled up {len(months)} months of {YEAR}.")
    from assessment.services import assessment_compute

    assessment_compute(year=YEAR)  # after supervision, whose filings and visits two rules read
    stdout.write(f"Computed the {YEAR} annual assessment.")
    return logins


def _more_grassroots(tree):
    """More grassroots committees, added in bulk with treebeard's paths (so the sessions spread plausibly)."""
    parents = [c for c in tree.values() if c.kind in (CommitteeKind.COUNTY, CommitteeKind.DEPARTMENT)]
    new, members = [], []
    for parent in parents:
        parent.refresh_from_db()
        extra = EXTRA_GRASSROOTS_PER_COUNTY if parent.kind == CommitteeKind.COUNTY else EXTRA_GRASSROOTS_PER_DEPARTMENT
        for i in range(1, extra + 1):
            step = parent.numchild + i
            new.append(Committee(
                path=Committee._get_path(parent.path, parent.depth + 1, step), depth=parent.depth + 1, numchild=0,
                code=f"{parent.code}-x{i}", name=f"{parent.name.removesuffix('委').removesuffix('党组')}第{i}基层党委",
                kind=CommitteeKind.GRASSROOTS,
            ))
        Committee.objects.filter(pk=parent.pk).update(numchild=parent.numchild + extra)
    Committee.objects.bulk_create(new, batch_size=500)
    made = {c.code: c for c in Committee.objects.filter(code__in=[c.code for c in new])}
    for n, committee in enumerate(made.values()):
        members += [Member(committee=committee, name=demo_person(5000 + 3 * n + i), position=p, order=i)
                    for i, p in enumerate(["书记", "副书记", "委员"])]
    Member.objects.bulk_create(members, batch_size=1000)
    return made


def split(total, n, rng, *, low=1):
    """n integers ≥ low summing to total, roughly even with noise."""
    assert total >= n * low
    weights = [rng.uniform(0.5, 1.5) for _ in range(n)]
    scale = (total - n * low) / sum(weights)
    parts = [low + int(w * scale) for w in weights]
    for i in rng.sample(range(n), total - sum(parts)):
        parts[i] += 1
    return parts


def some_day(rng, span):
    start, end = span
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


class _Records:
    """The year's records, made in memory and written with bulk_create."""

    def __init__(self, tree, campaign, themes, rng):
        self.tree, self.campaign, self.themes, self.rng = tree, campaign, themes, rng
        self.city = tree["qqhr"]
        self.counties = [c for c in tree.values() if c.kind == CommitteeKind.COUNTY]
        self.departments = [c for c in tree.values() if c.kind == CommitteeKind.DEPARTMENT]
        self.grassroots = [c for c in tree.values() if c.kind == CommitteeKind.GRASSROOTS]
        # Counties and departments meet more often than grassroots groups: weight them up.
        self.groups = self.counties + self.departments + self.grassroots
        self.group_weights = [4] * len(self.counties) + [3] * len(self.departments) + [1] * len(self.grassroots)
        self.rows = []
        self.count = 0

    def pick_group(self):
        return self.rng.choices(self.groups, weights=self.group_weights)[0]

    def add(self, committee, kind, span, **facts):
        held_on = some_day(self.rng, span)
        facts.setdefault("title", self.rng.choice(TOPICS))
        # Entered the evening of the day or within days; some a week later: a few of a month's end come in late.
        created_at = timezone.make_aware(
            datetime.datetime.combine(held_on, datetime.time(19))
            + datetime.timedelta(days=self.rng.choice([0, 0, 0, 1, 2, 2, 3, 9]))
        )
        activity = Activity(
            committee=committee, kind=kind, held_on=held_on, month=held_on.replace(day=1), created_at=created_at,
            is_late=month_is_closed(held_on, timezone.localtime(created_at).date()), **facts,
        )
        self.rows.append(activity)
        return activity

    def build(self):
        self.city_group()
        self.group_sessions()
        self.reflections()
        self.lectures()
        self.field_and_research()
        self.first_agenda()
        Activity.objects.bulk_create(self.rows, batch_size=1000)
        self.count = len(self.rows)
        self.city_attendance()

    def city_group(self):
        """T1: the city committee's own group, 8 sessions of which 2 thematic reading classes."""
        rng = self.rng
        for month in (1, 3, 4, 6, 9, 12):
            kind = ActivityKind.THEMATIC if month in (6, 12) else ActivityKind.COLLECTIVE
            span = (datetime.date(YEAR, month, 5), datetime.date(YEAR, month, 25))
            title = "学习贯彻党的十九届六中全会精神" if month == 12 else rng.choice(TOPICS)
            theme = self.themes["plenum-6"] if month == 12 else self.themes["party-history"]
            self.add(self.city, kind, span, title=title, theme=theme, led_by="市委书记",
                     discussion="市委常委结合分管工作作交流发言。")
        for span, title in (((datetime.date(YEAR, 4, 12), datetime.date(YEAR, 4, 14)), "党史学习教育专题读书班"),
                            ((datetime.date(YEAR, 11, 22), datetime.date(YEAR, 11, 24)), "学习贯彻六中全会精神专题读书班")):
            self.add(self.city, ActivityKind.READING_CLASS, span, title=title, period_count=1, day_count=3,
                     participant_count=rng.randint(40, 60))

    def group_sessions(self):
        """T2–T5: the other 10,892 sessions of all groups, of which the campaign's and the reading classes."""
        rng, campaign = self.rng, self.campaign
        others_periods = READING_CLASS_PERIODS - CITY_READING_CLASSES - CAMPAIGN_READING_CLASSES
        periods = [1] * OTHER_READING_CLASSES
        for i in rng.choices(range(OTHER_READING_CLASSES), k=others_periods - OTHER_READING_CLASSES):
            periods[i] += 1
        for count in periods:
            days = rng.randint(2, 5)
            self.add(self.pick_group(), ActivityKind.READING_CLASS, WHOLE_YEAR, title="专题读书班",
                     period_count=count, day_count=days, participant_count=rng.randint(20, 120),
                     theme=self.themes["party-history"])
        for _ in range(CAMPAIGN_READING_CLASSES):
            self.add(self.pick_group(), ActivityKind.READING_CLASS, CAMPAIGN, title="弘扬伟大建党精神专题读书班",
                     campaign=campaign, period_count=1, day_count=rng.randint(2, 3), participant_count=rng.randint(20, 80))
        for _ in range(CAMPAIGN_THEMATIC):
            self.add(self.pick_group(), ActivityKind.THEMATIC, CAMPAIGN, title=rng.choice(CAMPAIGN_TOPICS),
                     campaign=campaign, discussion="班子成员围绕伟大建党精神交流研讨。")
        other_thematic = OTHER_THEMATIC - 2  # the city's two thematic sessions are among them
        for _ in range(other_thematic):
            self.add(self.pick_group(), ActivityKind.THEMATIC, WHOLE_YEAR, theme=self.themes["party-history"],
                     discussion="班子成员结合分管工作作交流发言。")
        collective = STUDY_SESSIONS - CITY_SESSIONS - OTHER_READING_CLASSES - CAMPAIGN_READING_CLASSES \
            - CAMPAIGN_THEMATIC - other_thematic
        for _ in range(collective):
            self.add(self.pick_group(), ActivityKind.COLLECTIVE, WHOLE_YEAR, discussion="集体学习，交流发言。")

    def reflections(self):
        """T6: reflection articles of the campaign (counted batches), and some outside it."""
        rng = self.rng
        batches = 1_300
        for count in split(CAMPAIGN_ARTICLES, batches, rng):
            self.add(self.pick_group(), ActivityKind.REFLECTION, CAMPAIGN, title="弘扬伟大建党精神心得体会",
                     campaign=self.campaign, article_count=count, author="领导干部")
        for _ in range(600):
            self.add(self.pick_group(), ActivityKind.REFLECTION, WHOLE_YEAR, title="党史学习教育心得体会",
                     article_count=rng.randint(1, 12), author="领导干部")

    def lectures(self):
        """T7/T8: 6th-plenum outreach lectures by level after 11 November; other lectures as background."""
        rng, plenum = self.rng, self.themes["plenum-6"]
        city_members = list(self.city.members.values_list("name", flat=True)) or ["市级领导"]
        for audience in split(CITY_AUDIENCE, CITY_LECTURES, rng, low=12):
            self.add(self.city, ActivityKind.OUTREACH_LECTURE, AFTER_PLENUM, title=rng.choice(PLENUM_TOPICS),
                     theme=plenum, lecturer_level=LecturerLevel.CITY_LEADER, speaker=rng.choice(city_members),
                     place_kind=rng.choice(list(PlaceKind)), audience_count=audience)
        county_level = self.counties + self.departments
        for audience in split(COUNTY_AUDIENCE, COUNTY_LECTURES, rng, low=10):
            self.add(rng.choice(county_level), ActivityKind.OUTREACH_LECTURE, AFTER_PLENUM,
                     title=rng.choice(PLENUM_TOPICS), theme=plenum, lecturer_level=LecturerLevel.COUNTY_LEADER,
                     speaker="班子成员", place_kind=rng.choice(list(PlaceKind)), audience_count=audience)
        for _ in range(400):  # grassroots lecturers on the plenum, and earlier lectures on party history
            self.add(rng.choice(self.grassroots), ActivityKind.OUTREACH_LECTURE, AFTER_PLENUM,
                     title=rng.choice(PLENUM_TOPICS), theme=plenum, lecturer_level=LecturerLevel.GRASSROOTS,
                     speaker="基层宣讲员", place_kind=PlaceKind.OTHER, audience_count=rng.randint(15, 60))
        for _ in range(150):
            self.add(rng.choice(county_level), ActivityKind.OUTREACH_LECTURE, (datetime.date(YEAR, 3, 1), CAMPAIGN[0]),
                     title="党史学习教育宣讲", theme=self.themes["party-history"],
                     lecturer_level=LecturerLevel.COUNTY_LEADER, speaker="班子成员",
                     place_kind=rng.choice(list(PlaceKind)), audience_count=rng.randint(20, 80))

    def field_and_research(self):
        """T9–T11: expert lectures, field study person-times, research reports."""
        rng = self.rng
        for i in range(EXPERT_LECTURES):  # the city group invites one expert in each of eight months
            span = (datetime.date(YEAR, 1 + i, 1), datetime.date(YEAR, 1 + i, 28))
            self.add(self.city, ActivityKind.EXPERT_LECTURE, span, title="专题辅导报告", speaker="特邀专家",
                     inviting_body=INVITING_BODIES[i % len(INVITING_BODIES)],
                     delivery_mode=DeliveryMode.ONLINE if i % 3 == 0 else DeliveryMode.OFFLINE)
        county_level = self.counties + self.departments
        for i in range(OTHER_EXPERT_LECTURES):
            self.add(rng.choice(county_level), ActivityKind.EXPERT_LECTURE, WHOLE_YEAR, title="专题辅导报告",
                     speaker="特邀专家", inviting_body=rng.choice(INVITING_BODIES),
                     delivery_mode=rng.choice(list(DeliveryMode)))
        for people in split(IMMERSIVE_PERSON_TIMES, 1_600, rng, low=20):
            self.add(self.pick_group(), ActivityKind.IMMERSIVE, WHOLE_YEAR, title="沉浸式体验学习",
                     site=rng.choice(SITES), participant_count=people)
        for _ in range(FIELD_STUDIES):  # the groups' own visits: not T10
            self.add(self.pick_group(), ActivityKind.FIELD_STUDY, WHOLE_YEAR, title="参观学习",
                     site=rng.choice(SITES), participant_count=rng.randint(8, 30))
        city_members = list(self.city.members.values_list("name", flat=True)) or ["市委常委"]
        for i in range(RESEARCH_REPORTS):
            self.add(self.city, ActivityKind.RESEARCH_REPORT, (datetime.date(YEAR, 5, 1), WHOLE_YEAR[1]),
                     title="关于抓项目、办实事、促发展、开新局的调研报告", author=city_members[i % len(city_members)])
        for _ in range(OTHER_RESEARCH_REPORTS):
            self.add(rng.choice(county_level), ActivityKind.RESEARCH_REPORT, (datetime.date(YEAR, 5, 1), WHOLE_YEAR[1]),
                     title="关于抓项目、办实事、促发展、开新局的调研报告", author="班子成员")

    def first_agenda(self):
        rng = self.rng
        for committee in [self.city] + self.counties + self.departments:
            for n in range(1, rng.randint(16, 24)):
                self.add(committee, ActivityKind.FIRST_AGENDA, WHOLE_YEAR, title="第一议题：学习习近平总书记重要讲话精神",
                         meeting_name=f"常委会第{n}次会议", opened_with_study=rng.random() < 0.97)

    def city_attendance(self):
        members = list(self.city.members.all())
        sessions = Activity.objects.filter(committee=self.city, kind__in=["collective", "thematic", "reading_class"])
        rows = []
        for activity in sessions:
            for member in members:
                status = self.rng.choices(list(AttendanceStatus), weights=[88, 2, 9, 1])[0]
                reason = "因公出差" if status == AttendanceStatus.EXCUSED else ""
                rows.append(Attendance(activity=activity, member=member, status=status, reason=reason))
        Attendance.objects.bulk_create(rows)
