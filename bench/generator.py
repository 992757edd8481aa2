"""The bench data set: a committee tree five levels deep and months of study records, loaded fast.

Treebeard paths are computed here (steplen 4, base-36 alphabet, 1-based like treebeard's own
`add_child`), so a 20,000-node tree loads in one COPY instead of 20,000 `add_child` calls. Records
come from one seeded generator and go in with PostgreSQL `COPY` (chunks of a StringIO) or, on
SQLite, `executemany`; the same seed gives the same data on both.
"""
import datetime
import io
import json
import random
from bisect import bisect
from dataclasses import asdict, dataclass
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone

from committees.models import Campaign, Committee, CommitteeKind, Role, RoleKind, Theme, User
from sessions_app.models import Activity, ActivityKind, DeliveryMode, LecturerLevel, PlaceKind


@dataclass(frozen=True)
class Size:
    name: str
    fanout: tuple  # (min, max) children of each node, per level below the root
    records: int
    months: int = 24
    first_month: str = "2020-01-01"  # the document's tallies are "as of December 2021"
    seed: int = 20211231

    def params(self):
        """JSON-shaped (lists, not tuples), so it compares equal to the marker read back."""
        return json.loads(json.dumps(asdict(self)))


SIZES = {
    # 1 + 14 + 168 + 2,520 + 17,640 ≈ 20,300 committees: a province.
    "full": Size("full", ((13, 15), (10, 14), (13, 17), (5, 9)), 2_000_000),
    # ≈ 500 committees, a city.
    "quick": Size("quick", ((3, 5), (4, 6), (5, 7), (2, 4)), 50_000),
    # A county: for "queries per request do not grow with the data".
    "tiny": Size("tiny", ((2, 2), (2, 2), (2, 3), (1, 2)), 2_000),
}

KIND_BY_DEPTH = {1: CommitteeKind.PROVINCE, 2: CommitteeKind.CITY, 3: CommitteeKind.COUNTY}
# Higher committees' groups meet, lecture and report more than a township's.
ACTIVITY_WEIGHT_BY_DEPTH = {1: 6.0, 2: 4.0, 3: 3.0, 4: 1.5, 5: 1.0}
# The kind mix of a year's records (first-agenda items and reflection articles are the most frequent).
KIND_WEIGHTS = {
    ActivityKind.COLLECTIVE: 18, ActivityKind.THEMATIC: 8, ActivityKind.READING_CLASS: 5,
    ActivityKind.FIRST_AGENDA: 24, ActivityKind.EXPERT_LECTURE: 3, ActivityKind.OUTREACH_LECTURE: 9,
    ActivityKind.FIELD_STUDY: 6, ActivityKind.REFLECTION: 22, ActivityKind.RESEARCH_REPORT: 5,
}
CAMPAIGN_KINDS = {ActivityKind.THEMATIC, ActivityKind.READING_CLASS, ActivityKind.REFLECTION}
TOPICS = [
    "学习习近平总书记重要讲话精神", "党史学习教育专题研讨", "学习贯彻十九届六中全会精神", "学习《习近平谈治国理政》",
    "推进全面从严治党", "优化营商环境专题学习", "乡村振兴战略专题研讨", "意识形态工作责任制专题学习",
]
ALPHABET = Committee.alphabet
STEPLEN = Committee.steplen


def encode_step(n):
    """Treebeard's step for the n-th child (1-based), e.g. 1 -> '0001', 36 -> '0010'."""
    digits = ""
    while n:
        n, r = divmod(n, len(ALPHABET))
        digits = ALPHABET[r] + digits
    return digits.rjust(STEPLEN, ALPHABET[0])


def tree_rows(size):
    """(path, depth, numchild, code, name, kind) for every committee, parents before children."""
    rng = random.Random(size.seed)
    rows = [["0001", 1, 0, "bench-1", "省委", CommitteeKind.PROVINCE.value]]
    level = [0]
    for depth, (low, high) in enumerate(size.fanout, start=2):
        next_level = []
        for parent_index in level:
            parent = rows[parent_index]
            children = rng.randint(low, high)
            parent[2] = children
            for i in range(1, children + 1):
                n = len(rows) + 1
                kind = KIND_BY_DEPTH.get(depth, CommitteeKind.GRASSROOTS)
                if depth == 3 and i % 4 == 0:
                    kind = CommitteeKind.DEPARTMENT
                next_level.append(len(rows))
                rows.append([parent[0] + encode_step(i), depth, 0, f"bench-{n}", f"第{n}党委", kind.value])
        level = next_level
    return [tuple(row) for row in rows]


def month_starts(size):
    first = datetime.date.fromisoformat(size.first_month)
    return [_add_months(first, i) for i in range(size.months)]


def _add_months(day, n):
    y, m = divmod(day.month - 1 + n, 12)
    return datetime.date(day.year + y, m + 1, 1)


# --- loading --------------------------------------------------------------------------------------

@transaction.atomic
def load(size, *, chunk=100_000, stdout=None):
    """Load the whole data set into an empty portal database; returns a summary dict."""
    committees = tree_rows(size)
    _copy_rows(Committee, ["path", "depth", "numchild", "code", "name", "kind", "active"],
               [row + (True,) for row in committees])
    ids = dict(Committee.objects.values_list("path", "id"))
    campaign, themes = _campaigns_and_themes()
    weighted = [(ids[path], ACTIVITY_WEIGHT_BY_DEPTH[depth]) for path, depth, *_ in committees]
    columns, rows = activity_rows(size, weighted, campaign, themes)
    loaded = 0
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            _copy_rows(Activity, columns, batch)
            loaded += len(batch)
            batch = []
            if stdout:
                stdout.write(f"  … {loaded:,} records")
    if batch:
        _copy_rows(Activity, columns, batch)
        loaded += len(batch)
    users = _bench_users(committees, ids)
    marks = _clear_build_marks()
    _analyze()
    return {"committees": len(committees), "records": loaded, "users": users, "build_marks": marks}


def _clear_build_marks():
    """Delete the dirty marks the load itself wrote; returns how many there were.

    The marking triggers (reports/triggers.py) stay live during the load on purpose: a COPY is a bulk
    write like any other, and the build proves that marking copes with it (on PostgreSQL one statement
    trigger per COPY chunk writes a row per month it touched, a few hundred in all; on SQLite one row per
    record). Disabling them (`session_replication_role = replica`) would need a superuser, has no SQLite
    equivalent and would test nothing. The marks carry no information here: they name every month of a
    data set that has never been rolled up, and the bench computes every month from scratch right after.
    Claiming them with `rollup_all()` instead would cost a second full rollup (~2 minutes at province
    scale, and every empty month up to today) for figures the bench empties before it measures."""
    from reports.models import DirtyMonth

    deleted, _ = DirtyMonth.objects.all().delete()
    return deleted


def _campaigns_and_themes():
    campaign = Campaign.objects.create(
        code="party-spirit-2021", name="弘扬伟大建党精神学习月",
        starts_on=datetime.date(2021, 10, 15), ends_on=datetime.date(2021, 11, 15),
    )
    themes = [
        Theme.objects.create(code="plenum-6", name="十九届六中全会精神"),
        Theme.objects.create(code="party-history", name="党史学习教育"),
        Theme.objects.create(code="congress-20", name="党的二十大精神"),
    ]
    return campaign, themes


def bench_positions(committees):
    """The committees the measured users lead: the root, a county, a leaf (paths)."""
    root = committees[0][0]
    county = next(path for path, depth, *_ in committees if depth == 3)
    leaf = next(path for path, depth, numchild, *_ in committees if numchild == 0 and path.startswith(county))
    return {"root": root, "county": county, "leaf": leaf}


def _bench_users(committees, ids):
    positions = bench_positions(committees)
    made = {}
    for position, path in positions.items():
        user = User.objects.create_user(username=f"bench-{position}", full_name=f"bench {position} leader")
        user.set_unusable_password()
        user.save()
        Role.objects.create(user=user, committee_id=ids[path], kind=RoleKind.LEADER)
        made[position] = user.username
    return made


def activity_rows(size, weighted_committees, campaign, themes):
    """(columns, generator of rows) for `size.records` records spread over the tree and the months."""
    columns = [
        "committee_id", "kind", "held_on", "ends_on", "month", "title", "materials", "notes", "campaign_id",
        "theme_id", "led_by", "discussion", "period_count", "day_count", "participant_count", "meeting_name",
        "opened_with_study", "speaker", "inviting_body", "delivery_mode", "lecturer_level", "place_kind",
        "audience_count", "site", "author", "article_count", "created_at", "updated_at", "is_late",
    ]
    return columns, _rows(size, weighted_committees, campaign, themes)


def _rows(size, weighted_committees, campaign, themes):
    rng = random.Random(size.seed + 1)
    committee_ids = [cid for cid, _ in weighted_committees]
    committee_cum = list(accumulate(w for _, w in weighted_committees))
    kinds = list(KIND_WEIGHTS)
    kind_cum = list(accumulate(KIND_WEIGHTS.values()))
    months = month_starts(size)
    month_days = [(_add_months(m, 1) - m).days for m in months]
    theme_ids = [t.id for t in themes]
    tz = timezone.get_current_timezone()
    evening = datetime.time(18)
    for _ in range(size.records):
        committee_id = committee_ids[bisect(committee_cum, rng.random() * committee_cum[-1])]
        kind = kinds[bisect(kind_cum, rng.random() * kind_cum[-1])]
        m = rng.randrange(len(months))
        month = months[m]
        held_on = month + datetime.timedelta(days=rng.randrange(month_days[m]))
        facts = _kind_facts(kind, held_on, rng)
        in_campaign = campaign.starts_on <= held_on <= campaign.ends_on and kind in CAMPAIGN_KINDS
        campaign_id = campaign.id if in_campaign and rng.random() < 0.7 else None
        theme_id = theme_ids[rng.randrange(3)] if rng.random() < 0.3 else None
        created = datetime.datetime.combine(held_on + datetime.timedelta(days=rng.randrange(4)), evening, tz)
        yield (
            committee_id, kind.value, held_on, facts.get("ends_on"), month, TOPICS[rng.randrange(len(TOPICS))],
            "", "", campaign_id, theme_id, facts.get("led_by", ""), "", facts.get("period_count"),
            facts.get("day_count"), facts.get("participant_count"), facts.get("meeting_name", ""),
            facts.get("opened_with_study", True), facts.get("speaker", ""), facts.get("inviting_body", ""),
            facts.get("delivery_mode", ""), facts.get("lecturer_level", ""), facts.get("place_kind", ""),
            facts.get("audience_count"), facts.get("site", ""), facts.get("author", ""), facts.get("article_count"),
            created, created, False,
        )


_PLACES = [p.value for p in PlaceKind]
_LEVELS = [LecturerLevel.CITY_LEADER.value, LecturerLevel.COUNTY_LEADER.value, LecturerLevel.COUNTY_LEADER.value,
           LecturerLevel.GRASSROOTS.value, LecturerLevel.OTHER.value]


def _kind_facts(kind, held_on, rng):
    if kind in (ActivityKind.COLLECTIVE, ActivityKind.THEMATIC):
        return {"led_by": "书记"}
    if kind == ActivityKind.READING_CLASS:
        days = rng.randint(1, 5)
        return {"day_count": days, "period_count": 1, "participant_count": rng.randint(20, 120),
                "ends_on": held_on + datetime.timedelta(days=days - 1)}
    if kind == ActivityKind.FIRST_AGENDA:
        return {"meeting_name": f"常委会第{rng.randint(1, 40)}次会议", "opened_with_study": rng.random() < 0.95}
    if kind == ActivityKind.EXPERT_LECTURE:
        mode = DeliveryMode.ONLINE.value if rng.random() < 0.4 else DeliveryMode.OFFLINE.value
        return {"speaker": "专家", "inviting_body": "省委党校", "delivery_mode": mode}
    if kind == ActivityKind.OUTREACH_LECTURE:
        return {"speaker": "宣讲员", "lecturer_level": _LEVELS[rng.randrange(len(_LEVELS))],
                "place_kind": _PLACES[rng.randrange(len(_PLACES))], "audience_count": rng.randint(15, 80)}
    if kind == ActivityKind.FIELD_STUDY:
        return {"site": "红色教育基地", "participant_count": rng.randint(10, 60)}
    if kind == ActivityKind.REFLECTION:
        return {"author": "班子成员", "article_count": rng.choice((1, 1, 1, 5, 12))}
    return {"author": "班子成员"}


def _copy_rows(model, columns, rows):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            buffer.writelines("\t".join(_pg_text(v) for v in row) + "\n" for row in rows)
            buffer.seek(0)
            cols = ", ".join(f'"{c}"' for c in columns)
            cursor.cursor.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN', buffer)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cols = ", ".join(f'"{c}"' for c in columns)
            cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', [_sqlite_row(r) for r in rows])


def _pg_text(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def _sqlite_row(row):
    out = []
    for value in row:
        if isinstance(value, datetime.datetime):
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat(" ")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out.append(value)
    return out


def _analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
