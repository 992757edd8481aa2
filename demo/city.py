"""The demo city: users per role and a few months of varied records (see load_demo)."""
import datetime
import random

from django.apps import apps
from django.utils import timezone

from committees.models import Campaign, Committee, RoleKind, Theme, User
from committees.services import user_create_with_role
from demo.tree import build_tree
from sessions_app.models import (
    GROUP_SESSION_KINDS,
    Activity,
    ActivityKind,
    Attendance,
    AttendanceStatus,
    LecturerLevel,
    PlaceKind,
    PlanTopic,
    StudyPlan,
    TopicSource,
)

DEMO_PASSWORD = "demo12345"
SUPERUSER = "admin"
DEMO_USERS = [
    # (username, full name, committee code, role)
    ("admin", "系统管理员", "qqhr", RoleKind.ADMIN),  # the one Django superuser
    ("county_admin", "龙沙区委系统管理员", "longsha", RoleKind.ADMIN),  # administers 龙沙区委's subtree only
    ("city_leader", "市委领导", "qqhr", RoleKind.LEADER),
    ("county_leader", "龙沙区委领导", "longsha", RoleKind.LEADER),
    ("city_secretary", "市委中心组秘书", "qqhr", RoleKind.SECRETARY),
    ("secretary", "龙沙区委中心组秘书", "longsha", RoleKind.SECRETARY),
    ("auditor", "巡听旁听员", "qqhr", RoleKind.AUDITOR),
]


def wipe_portal_data():
    """Delete every row of the portal's own apps (used by load_demo --reset)."""
    for label in ("assessment", "supervision", "reports", "sessions_app"):
        for model in reversed(list(apps.get_app_config(label).get_models())):
            model._base_manager.all().delete()
    User.objects.all().delete()
    Campaign.objects.all().delete()
    Theme.objects.all().delete()
    Committee.objects.all().delete()


def create_demo_users(tree):
    logins = []
    for username, full_name, code, role in DEMO_USERS:
        user_create_with_role(
            username=username, password=DEMO_PASSWORD, full_name=full_name, committee=tree[code], role=role,
            is_superuser=username == SUPERUSER,
        )
        logins.append((role.label, username, DEMO_PASSWORD))
    return logins


def create_campaigns_and_themes():
    campaign = Campaign.objects.create(
        code="party-spirit-2021", name="弘扬伟大建党精神学习月",
        starts_on=datetime.date(2021, 10, 15), ends_on=datetime.date(2021, 11, 15),
    )
    # A campaign running now, so that the demo's recent records can carry a campaign tag.
    today = timezone.localdate()
    Campaign.objects.create(
        code=f"study-month-{today:%Y}", name="深入学习贯彻党的创新理论专题学习月",
        starts_on=today - datetime.timedelta(days=45), ends_on=today + datetime.timedelta(days=15),
    )
    themes = {
        "plenum-6": Theme.objects.create(code="plenum-6", name="十九届六中全会精神"),
        "party-history": Theme.objects.create(code="party-history", name="党史学习教育"),
        "congress-20": Theme.objects.create(code="congress-20", name="党的二十大精神"),
    }
    return campaign, themes


TOPICS = [
    "学习习近平总书记重要讲话精神", "党史学习教育专题研讨", "学习贯彻党的二十大精神", "学习《习近平谈治国理政》",
    "推进全面从严治党", "优化营商环境专题学习", "乡村振兴战略专题研讨", "意识形态工作责任制专题学习",
]


def build_default(stdout):
    tree = build_tree()
    logins = create_demo_users(tree)
    _, themes = create_campaigns_and_themes()
    build_recent_records(tree, themes, months=6, seed=2026)
    build_study_plans(seed=2026)
    _build_other_halves(tree)
    stdout.write(f"Built {len(tree)} committees and {Activity.objects.count()} records.")
    return logins


def _build_other_halves(tree):
    """Supervision (the auditor's assigned visits) and the dashboard's figures, so every role sees a living portal."""
    from assessment.services import assessment_compute
    from demo.supervision import build_default_supervision
    from reports.rollup import rollup_all

    build_default_supervision(tree)
    rollup_all()
    assessment_compute(year=timezone.localdate().year)


def _days_in_past_months(months, rng):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=30 * months)
    return lambda: start + datetime.timedelta(days=rng.randrange((today - start).days + 1))


def build_recent_records(tree, themes, *, months, seed):
    """A few months of varied records for every committee, with attendance for group sessions."""
    rng = random.Random(seed)
    some_day = _days_in_past_months(months, rng)
    theme_list = list(themes.values())
    current = Campaign.objects.filter(starts_on__lte=timezone.localdate()).order_by("-starts_on").first()
    for committee in Committee.objects.prefetch_related("members"):
        members = list(committee.members.all())
        for _ in range(rng.randint(8, 16)):
            kind = rng.choice(list(ActivityKind))
            activity = Activity(
                committee=committee, kind=kind, held_on=some_day(), title=rng.choice(TOPICS),
                theme=rng.choice(theme_list + [None, None]),
            )
            if current and activity.held_on >= current.starts_on and rng.random() < 0.6:
                activity.campaign = current
            _fill_kind_facts(activity, rng, members)
            activity.created_at = timezone.make_aware(
                datetime.datetime.combine(activity.held_on, datetime.time(18)) + datetime.timedelta(days=rng.randint(0, 3))
            )
            activity.save()
            if activity.takes_attendance:
                _attendance(activity, members, rng)


def _fill_kind_facts(activity, rng, members):
    leader = members[0].name if members else ""
    kind = activity.kind
    if kind in (ActivityKind.COLLECTIVE, ActivityKind.THEMATIC):
        activity.led_by = leader
        activity.discussion = "班子成员结合分管工作作交流发言。"
    elif kind == ActivityKind.READING_CLASS:
        activity.day_count = rng.randint(2, 5)
        activity.ends_on = activity.held_on + datetime.timedelta(days=activity.day_count - 1)
        activity.period_count = 1
        activity.participant_count = rng.randint(20, 120)
        if activity.ends_on > timezone.localdate():
            activity.ends_on = activity.held_on
            activity.day_count = 1
    elif kind == ActivityKind.FIRST_AGENDA:
        activity.meeting_name = f"常委会第{rng.randint(1, 40)}次会议"
    elif kind == ActivityKind.EXPERT_LECTURE:
        activity.speaker = "专家" + leader[:1]
        activity.inviting_body = rng.choice(["省委党校", "黑龙江大学", "中央党史和文献研究院"])
        activity.delivery_mode = rng.choice(["online", "offline"])
    elif kind == ActivityKind.OUTREACH_LECTURE:
        activity.speaker = leader
        activity.lecturer_level = LecturerLevel.CITY_LEADER if activity.committee.depth == 1 else LecturerLevel.COUNTY_LEADER
        activity.place_kind = rng.choice(list(PlaceKind))
        activity.audience_count = rng.randint(15, 80)
    elif kind == ActivityKind.FIELD_STUDY:
        activity.site = rng.choice(["党史展览馆", "英雄纪念馆"])
        activity.participant_count = rng.randint(10, 60)
    elif kind == ActivityKind.IMMERSIVE:
        activity.site = rng.choice(["红色教育基地", "革命纪念馆"])
        activity.participant_count = rng.randint(80, 600)
    elif kind == ActivityKind.REFLECTION:
        activity.author = leader
        activity.article_count = rng.choice([1, 1, 5, 12])
    elif kind == ActivityKind.RESEARCH_REPORT:
        activity.author = leader
        activity.title = "关于抓项目、办实事、促发展、开新局的调研报告"


def _attendance(activity, members, rng):
    rows = []
    for member in members:
        status = rng.choices(list(AttendanceStatus), weights=[85, 4, 9, 2])[0]
        row = Attendance(activity=activity, member=member, status=status)
        if status == AttendanceStatus.EXCUSED:
            row.reason = rng.choice(["因公出差", "参加上级会议", "病假"])
        if status in (AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT) and rng.random() < 0.7:
            row.made_up_on = min(activity.held_on + datetime.timedelta(days=rng.randint(1, 7)), timezone.localdate())
            row.made_up_note = rng.choice(["自学会议材料并提交学习笔记", "参加下一次集中学习时补学"])
        rows.append(row)
    Attendance.objects.bulk_create(rows)


PLAN_TOPICS = [
    ("学习习近平新时代中国特色社会主义思想", TopicSource.ASSIGNED),
    ("学习贯彻党的二十大精神", TopicSource.ASSIGNED),
    ("党史学习教育常态化长效化", TopicSource.ASSIGNED),
    ("优化营商环境、推动高质量发展", TopicSource.FOUND),
    ("乡村振兴重点难点问题", TopicSource.FOUND),
    ("意识形态工作责任制落实", TopicSource.SET),
    ("基层治理中的群众急难愁盼问题", TopicSource.SOLICITED),
    ("全面从严治党向基层延伸", TopicSource.ESTABLISHED),
]


def build_study_plans(*, seed):
    """This year's approved plan for the city and each county, with topics ticked off by their sessions."""
    rng = random.Random(seed)
    year = timezone.localdate().year
    approved_on = min(datetime.date(year, 1, 20), timezone.localdate())
    counties = Committee.objects.filter(depth__lte=2, kind__in=["city", "county"]).prefetch_related("members")
    ticks = []
    for committee in counties:
        secretary = next(iter(committee.members.all()), None)
        plan = StudyPlan.objects.create(
            committee=committee, year=year, title=f"{committee.name}理论学习中心组{year}年度学习计划",
            approved_by=secretary.name if secretary else "", approved_on=approved_on if secretary else None,
        )
        topics = PlanTopic.objects.bulk_create(
            PlanTopic(plan=plan, title=title, source=source, planned_month=i + 1 + (i // 2), order=i + 1)
            for i, (title, source) in enumerate(PLAN_TOPICS)
        )
        sessions = Activity.objects.filter(committee=committee, kind__in=GROUP_SESSION_KINDS, held_on__year=year)
        for activity_id in sessions.values_list("id", flat=True):
            ticks.append(Activity.plan_topics.through(activity_id=activity_id, plantopic_id=rng.choice(topics).id))
    Activity.plan_topics.through.objects.bulk_create(ticks, ignore_conflicts=True)


def print_logins(stdout, logins):
    stdout.write("")
    stdout.write("Demo logins (username / password):")
    for username, full_name, code, role in DEMO_USERS:
        stdout.write(f"  {role.label:<14} {username:<16} {DEMO_PASSWORD}   ({full_name})")
