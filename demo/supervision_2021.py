"""The supervision half of the qiqihar-2021 scenario (T12, T14). Called by demo.qiqihar_2021.

- filings (学习报备) for most of the 2021 study sessions and outreach lectures already built, linked to them,
  plus a few filed sessions that were never held;
- an auditor pool (巡听旁听人员库) homed in city departments, each allowed to visit the whole city;
- one random draw (December) made by the real service, so its assignments can be verified;
- the README's demo login `auditor` in the pool (first, so the draws reach it) and, for today, upcoming filed
  sessions with a draw, so that auditor has visits to make on their first page;
- T12: 1,215 submitted sit-in visits to study sessions and outreach lectures, never by a conflicted auditor;
- T14: every depth-2 group (counties, districts, city departments) visited at least once;
- ratings on the checklist, findings on about two visits in five, rectification items mostly closed.

Everything is written with bulk_create; rolling up the figures is the caller's job.
"""
import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.utils import timezone

from committees.models import Role, RoleKind, User
from demo.supervision import DEMO_AUDITOR, demo_auditor_profile, give_upcoming_work
from sessions_app.models import Activity, ActivityKind, Attendance, AttendanceStatus
from supervision import services
from supervision.models import (
    FILING_KINDS,
    Assignment,
    Auditor,
    ChecklistItem,
    Filing,
    Rating,
    Rectification,
    StrataMode,
    Visit,
    VisitStatus,
)
from supervision.scoping import has_conflict

YEAR = 2021
VISITS = 1_215  # T12
AUDITORS = 24
AUDITOR_PASSWORD = "demo12345"
FILED_SHARE = 0.85
FINDINGS = [
    "个别成员研讨发言准备不充分，联系分管工作不够紧密。", "学习记录不够完整，缺少研讨发言记录。",
    "学习材料提前下发不及时。", "个别成员请假未履行手续，缺少补学记录。", "研讨交流深度不够，查摆问题不够具体。",
]
RECTIFICATIONS = [
    ("补齐学习记录和研讨发言材料", "中心组秘书"), ("提前一周下发学习材料", "办公室主任"),
    ("请假成员完成补学并提交心得", "中心组秘书"), ("围绕分管工作撰写研讨发言提纲", "班子成员"),
]
EVIDENCE = "已整改到位，相关材料已归档。"


def extend_qiqihar_2021(tree, stdout):
    """tree: {code: Committee}. Builds filings, the auditor pool, a draw, visits, ratings and rectification."""
    rng = random.Random(20211231)
    root = min(tree.values(), key=lambda c: c.depth)
    sessions = list(
        Activity.objects.filter(committee__path__startswith=root.path, held_on__year=YEAR, kind__in=FILING_KINDS)
        .exclude(filing__isnull=False).select_related("committee").order_by("id")
    )
    filings = _filings(sessions, tree, rng)
    auditors = _auditor_pool(tree, root)
    draw = _december_draw(root)
    visits = _visits(tree, root, sessions, filings, auditors, draw, rng)
    ratings, rects = _ratings_and_rectifications(visits, rng)
    if any(a.user.username == DEMO_AUDITOR for a in auditors):
        give_upcoming_work(tree, root)
    depth2 = [c for c in tree.values() if c.depth == 2]
    covered = {v.committee_id for v in visits} & {c.pk for c in depth2}
    stdout.write(
        f"  supervision: {len(filings):,} filings, {len(auditors)} auditors, {len(visits):,} sit-in visits, "
        f"{ratings:,} ratings, {rects:,} rectification items; coverage {len(covered)}/{len(depth2)} county-level "
        f"and department groups"
    )


def _filings(sessions, tree, rng):
    """Most sessions were filed ahead (linked); a few filings were never held."""
    rows = [
        Filing(committee=a.committee, kind=a.kind, planned_on=a.held_on, place="中心组会议室", topic=a.title, activity=a)
        for a in sessions if rng.random() < FILED_SHARE
    ]
    groups = sorted((c for c in tree.values() if c.depth >= 2), key=lambda c: c.path)
    for i in range(len(rows) // 30):
        committee = groups[(i * 7) % len(groups)]
        day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        rows.append(Filing(committee=committee, kind=ActivityKind.COLLECTIVE, planned_on=day, place="中心组会议室",
                           topic="专题学习（报备后未按期举行）"))
    return Filing.objects.bulk_create(rows, batch_size=1000)


def _auditor_pool(tree, root):
    """Auditors homed in city departments (宣传部, 党校 …) and counties, each may visit the whole city."""
    homes = sorted((c for c in tree.values() if c.depth == 2), key=lambda c: (not c.code.startswith("d-"), c.path))
    if not homes:
        return []
    demo = demo_auditor_profile(tree, root)  # the README's login, before the others: the lowest id wins ties
    password = make_password(AUDITOR_PASSWORD)
    users = User.objects.bulk_create([
        User(username=f"auditor{i + 1:02d}", full_name=f"巡听员{i + 1:02d}", password=password)
        for i in range(AUDITORS) if not User.objects.filter(username=f"auditor{i + 1:02d}").exists()
    ])
    Role.objects.bulk_create([Role(user=u, committee=root, kind=RoleKind.AUDITOR) for u in users])
    auditors = Auditor.objects.bulk_create([
        Auditor(user=u, home_committee=homes[i % len(homes)], workload_limit=10) for i, u in enumerate(users)
    ])
    Auditor.may_visit.through.objects.bulk_create(
        [Auditor.may_visit.through(auditor_id=a.pk, committee_id=root.pk) for a in auditors]
    )
    ids = [a.pk for a in auditors] + ([demo.pk] if demo is not None else [])
    return list(Auditor.objects.filter(pk__in=ids).select_related("home_committee", "user").order_by("pk"))


def _december_draw(root):
    """One real draw over the December filings, by the service: stored seed, verifiable."""
    start, end = datetime.date(YEAR, 12, 1), datetime.date(YEAR, 12, 31)
    filed = Filing.objects.filter(committee__path__startswith=root.path, planned_on__range=(start, end)).count()
    if filed < 2:
        return None
    return services.draw_create(
        user=None, root=root, period_start=start, period_end=end, strata=StrataMode.COUNTY,
        size=min(30, filed // 2), seed=20211201,
    )


def _reported_counts(activity_ids):
    counted = dict(
        Attendance.objects.filter(activity_id__in=activity_ids, status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE])
        .values("activity").annotate(n=Count("pk")).values_list("activity", "n")
    )
    return counted


def _visits(tree, root, sessions, filings, auditors, draw, rng):
    """1,215 visits: the drawn ones first, then one session of every depth-2 group, then a random sample."""
    if not auditors:
        return []
    load = {a.pk: 0 for a in auditors}

    def pick_auditor(committee):
        options = [a for a in auditors if not has_conflict(a.home_committee.path, committee.path)]
        best = min(options, key=lambda a: (load[a.pk], a.pk))
        load[best.pk] += 1
        return best

    plan = []  # (committee, activity or None, filing or None, assignment or None, auditor)
    used = set()
    if draw is not None:
        for row in Assignment.objects.filter(draw=draw).select_related("filing__committee", "filing__activity", "auditor"):
            plan.append((row.filing.committee, row.filing.activity, row.filing, row, row.auditor))
            load[row.auditor_id] += 1
            if row.filing.activity_id:
                used.add(row.filing.activity_id)
    filing_of = {f.activity_id: f for f in filings if f.activity_id}
    visitable = [a for a in sessions if a.committee.depth > 1 and a.pk not in used]  # the city is above every auditor
    by_committee = {}
    for a in visitable:
        by_committee.setdefault(a.committee_id, []).append(a)
    for group in sorted((c for c in tree.values() if c.depth == 2), key=lambda c: c.path):
        if any(p[0].pk == group.pk for p in plan):
            continue
        own = by_committee.get(group.pk)
        if own:
            activity = rng.choice(own)
            used.add(activity.pk)
            plan.append((group, activity, filing_of.get(activity.pk), None, pick_auditor(group)))
        else:  # a group with no logged session: the visit is to its filed session
            filing = Filing.objects.create(committee=group, kind=ActivityKind.COLLECTIVE, planned_on=datetime.date(YEAR, 9, 15),
                                           place="中心组会议室", topic="专题学习")
            plan.append((group, None, filing, None, pick_auditor(group)))
    rest = [a for a in visitable if a.pk not in used]
    rng.shuffle(rest)
    for activity in rest[: max(0, VISITS - len(plan))]:
        plan.append((activity.committee, activity, filing_of.get(activity.pk), None, pick_auditor(activity.committee)))
    spare = [f for f in filings if f.committee.depth > 1]
    while spare and len(plan) < VISITS:  # fewer logged sessions than visits: the rest are to filed sessions
        filing = spare[len(plan) % len(spare)]
        plan.append((filing.committee, filing.activity, filing, None, pick_auditor(filing.committee)))
    return _write_visits(plan[:VISITS], rng)


def _write_visits(plan, rng):
    reported = _reported_counts([p[1].pk for p in plan if p[1] is not None])
    tolerance = services.headcount_tolerance()
    now = timezone.now()
    rows = []
    for committee, activity, filing, assignment, auditor in plan:
        day = activity.held_on if activity else filing.planned_on
        count = None
        if activity is not None:
            count = reported.get(activity.pk) or activity.audience_count or activity.participant_count or 0
        observed = None if count is None else max(0, count - (tolerance + rng.randint(1, 3) if rng.random() < 0.05 else 0))
        rows.append(Visit(
            auditor=auditor, committee=committee, filing=filing, activity=activity, assignment=assignment,
            kind=activity.kind if activity else filing.kind, visited_on=day, observed_count=observed,
            reported_count=count, discrepancy=count is not None and abs(observed - count) > tolerance,
            findings=rng.choice(FINDINGS) if rng.random() < 0.4 else "", status=VisitStatus.SUBMITTED,
            submitted_at=now,
        ))
    return Visit.objects.bulk_create(rows, batch_size=1000)


def _ratings_and_rectifications(visits, rng):
    items = list(ChecklistItem.objects.filter(active=True).values_list("pk", flat=True))
    ratings = [
        Rating(visit=v, item_id=item, score=rng.choices([3, 4, 5], weights=[2, 5, 4])[0] if not v.findings else rng.randint(2, 4))
        for v in visits for item in items
    ]
    Rating.objects.bulk_create(ratings, batch_size=2000)
    year_end = timezone.make_aware(datetime.datetime(YEAR, 12, 31, 18))
    rects = []
    for v in visits:
        if not v.findings:
            continue
        for description, owner in rng.sample(RECTIFICATIONS, rng.randint(1, 2)):
            due = v.visited_on + datetime.timedelta(days=rng.choice([15, 30, 30, 45]))
            done = rng.random() < 0.9
            closed_at = timezone.make_aware(datetime.datetime.combine(
                min(due, datetime.date(YEAR, 12, 31)), datetime.time(17))) if done else None
            rects.append(Rectification(
                visit=v, committee_id=v.committee_id, raised_on=v.visited_on, description=description, owner=owner,
                due_on=due, status="done" if done else "open", evidence_note=EVIDENCE if done else "",
                closed_at=min(closed_at, year_end) if closed_at else None,
            ))
    Rectification.objects.bulk_create(rects, batch_size=2000)
    return len(ratings), len(rects)
