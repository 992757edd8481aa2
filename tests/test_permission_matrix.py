"""The permission matrix: every URL name of the URL conf, for every role, every relation of the object's
committee to the user's, and every method it takes, answers exactly what its access rule says.

The tree (the users' own committee is county A):

    city (ancestor)
    ├── county A (own) ── A1 (descendant)
    └── county B (sibling) ── B1 (unrelated: a cousin)

Roles: the secretary, the leader and the administrator of county A; an auditor whose pool profile may visit county
A's subtree (home committee B1); a Django superuser without roles; a signed-in user with no role; anonymous.

Each URL name has ONE entry in URLS below: how to build its arguments and its access rule (committees/policy.py).
The expected answer for every role × relation × method is derived from the rule. A URL name without an entry fails
`test_every_url_name_has_an_entry` with its name. To add one: pick the rule its view implements (READ, WRITE,
ADMINISTER, ... below), say how to build its kwargs (`obj("record")`: the record of each relation's committee;
`query(...)`: the committee as ?committee=<code>; nothing: a page without an object), and which methods it takes.

Every request runs in a transaction rolled back afterwards, so a POST (a valid one included) changes nothing for
the requests after it: the whole matrix shares one set of data, built once per module.
"""
import copy
import datetime
import itertools
import re
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from committees.models import Campaign, CommitteeKind, Member, Role, RoleKind, Theme
from sessions_app.models import Article, Attachment, PlanTopic, StudyPlan
from sessions_app.testing import png_upload

from .factories import ActivityFactory, UserFactory, make_committee
from .supervision_factories import make_assignment, make_auditor, make_filing, make_visit

ROLES = ("secretary", "leader", "auditor", "admin", "superuser", "no_role", "anonymous")
RELATIONS = ("own", "ancestor", "descendant", "sibling", "unrelated")
COMMITTEE_OF = {"own": "a", "ancestor": "city", "descendant": "a1", "sibling": "b", "unrelated": "b1"}
ALL = frozenset(RELATIONS)
SUBTREE = frozenset({"own", "descendant"})
OWN = frozenset({"own"})
NONE = frozenset()
POST_OK = frozenset({200, 302, 400})  # an authorised POST: handled (saved, redirected or shown again), never refused

# ---------------------------------------------------------------- the rules (what each role reaches, by relation)

# READ: the records of a committee (committees/policy.py READ): a secretary their own committee, a leader and an
# administrator their subtree, the auditor the subtrees their pool profile may visit (county A's), a superuser all.
READ = {"secretary": OWN, "leader": SUBTREE, "auditor": SUBTREE, "admin": SUBTREE, "superuser": ALL}
# READ without what the auditor reads only as a visitor (the study archive volume).
KEEP = {"secretary": OWN, "leader": SUBTREE, "admin": SUBTREE, "superuser": ALL}
WRITE = {"secretary": OWN, "admin": SUBTREE, "superuser": ALL}
ADMINISTER = {"admin": SUBTREE, "superuser": ALL}
LEAD = {"leader": SUBTREE, "admin": SUBTREE, "superuser": ALL}  # subtree readers who are not visitors
SUPERUSER = {"superuser": ALL}
# Figures of a whole subtree (the big screen, the API's statistics): its readers, not a secretary (who reads one
# committee's own group, on the dashboard).
SUBTREE_READ = {"leader": SUBTREE, "auditor": SUBTREE, "admin": SUBTREE, "superuser": ALL}
AUDIT = {"auditor": SUBTREE}  # sit in on a session: the profile's subtrees, never the auditor's own home and above
AUDITOR_OWN = {"auditor": ALL}  # the auditor's own assignment or draft, wherever it is
# A submitted visit (made by another auditor of the pool): its committee's readers, not other visitors.
VISIT_READ = {"secretary": OWN, "leader": SUBTREE, "admin": SUBTREE, "superuser": ALL}
# Campaigns concern the committee that organises them and everything under it: a committee's people read those of
# their committee and above; leaders and administrators those organised in their subtree too (committees/campaigns.py).
CAMPAIGN_READ = {
    "secretary": frozenset({"own", "ancestor"}), "leader": frozenset({"own", "ancestor", "descendant"}),
    "auditor": frozenset({"own", "ancestor"}), "admin": frozenset({"own", "ancestor", "descendant"}),
    "superuser": ALL,
}
CAMPAIGN_MANAGE = {"leader": SUBTREE, "admin": SUBTREE, "superuser": ALL}

# Pages without an object: which roles get the page (the others 404).
EVERYONE = frozenset({"secretary", "leader", "auditor", "admin", "superuser"})
WRITERS = frozenset({"secretary", "admin", "superuser"})
ADMINISTRATORS = frozenset({"admin", "superuser"})
LEADERS = frozenset({"leader", "admin", "superuser"})
SUPERUSERS = frozenset({"superuser"})
AUDITORS = frozenset({"auditor"})
MANAGERS = frozenset({"leader", "admin", "superuser"})


@dataclass(frozen=True)
class Entry:
    """One URL name: how to build its URL for a relation, and what each role gets."""

    reach: object  # {role: relations} for an object URL, or a set of roles for a page without an object
    build: object = None  # (world, relation) -> (kwargs, query); None: no kwargs, no relation
    methods: tuple = ("GET",)
    ok: object = 200  # the GET answer of those who reach it (an int, or {role: int} where a role differs)
    anonymous: object = 302  # the answer for anonymous (to the login page), or {method: status}
    gated: bool = True  # a portal page: a signed-in user with no role gets the no-role page (404)
    post_only_outer: bool = False  # @require_POST above @login_required: anonymous GET is 405, not 302
    denied: int = 404
    post_reach: object = None  # who may POST, when fewer than may GET (same form as reach)
    post: object = POST_OK  # the POST answer of those who reach it
    data: object = None  # the POST's data: a dict, or (world, relation) -> dict; default: empty (an invalid form)
    no_role: int = 404  # the answer for a signed-in user with no role, on a portal page
    note: str = ""

    def expected(self, role, relation, method):
        """The exact status (int) or the statuses allowed (a set: an authorised POST)."""
        if role == "anonymous":
            if isinstance(self.anonymous, dict):
                return self.anonymous[method]
            if method == "GET" and "GET" not in self.methods:
                return 405 if self.post_only_outer else self.anonymous
            return self.anonymous
        if role == "no_role" and self.gated:
            return self.no_role
        if method == "GET" and "GET" not in self.methods:
            return 405
        reach = self.post_reach if method == "POST" and self.post_reach is not None else self.reach
        if isinstance(reach, (set, frozenset)):  # roles, whatever the relation
            allowed = role in reach
        else:
            allowed = relation in reach.get(role, NONE)
        if not allowed:
            return self.denied
        if method == "POST":
            return self.post
        return self.ok.get(role, 200) if isinstance(self.ok, dict) else self.ok


def obj(key, field="pk", extra=None, attr="pk"):
    """kwargs {field: the pk (or `attr`) of world.objects[key][committee of the relation]} (+ extra kwargs)."""
    def build(world, relation):
        kwargs = {field: getattr(world.objects[key][COMMITTEE_OF[relation]], attr)}
        kwargs.update(extra or {})
        return kwargs, ""
    return build


def code_kwargs(**extra):
    """kwargs {code: the code of the relation's committee} (+ extra kwargs)."""
    def build(world, relation):
        return {"code": world.committees[COMMITTEE_OF[relation]].code, **extra}, ""
    return build


def query(qs="", **extra):
    """The relation's committee as ?committee=<code> (+ `qs`, and kwargs `extra`)."""
    def build(world, relation):
        return dict(extra), f"?committee={world.committees[COMMITTEE_OF[relation]].code}{qs}"
    return build


def fixed(**kwargs):
    """The same kwargs for every relation (an object that is the user's own, or a token)."""
    def build(world, relation):
        return {k: (v(world) if callable(v) else v) for k, v in kwargs.items()}, ""
    return build


YEAR = 2021
GP = ("GET", "POST")
P = ("POST",)

URLS = {
    # ------------------------------------------------------------ public and account pages (not portal pages)
    "set_language": Entry(EVERYONE | {"no_role"}, methods=GP, ok=302, post=302, gated=False,
                          data={"language": "en", "next": "/"}, note="back to the page (GET: changes nothing)"),
    "login": Entry(EVERYONE | {"no_role"}, methods=GP, anonymous={"GET": 200, "POST": 200}, gated=False),
    "logout": Entry(EVERYONE | {"no_role"}, methods=P, anonymous={"GET": 405, "POST": 302}, post=302, gated=False,
                    post_only_outer=True),
    "password_change": Entry(EVERYONE | {"no_role"}, methods=GP, gated=False),
    "password_change_done": Entry(EVERYONE | {"no_role"}, gated=False),
    "password_reset": Entry(EVERYONE | {"no_role"}, methods=GP, anonymous={"GET": 200, "POST": 200}, gated=False),
    "password_reset_done": Entry(EVERYONE | {"no_role"}, anonymous=200, gated=False),
    "password_reset_confirm": Entry(EVERYONE | {"no_role"}, build=fixed(uidb64="MA", token="bad-token"), anonymous=200,
                                    gated=False,
                                    note="a bad link: the page says so"),
    "password_reset_complete": Entry(EVERYONE | {"no_role"}, anonymous=200, gated=False),
    "profile": Entry(EVERYONE | {"no_role"}, methods=GP, gated=False),
    "ops:health": Entry(EVERYONE | {"no_role"}, anonymous=frozenset({200, 503}), ok=frozenset({200, 503}), gated=False,
                        note="public: 503 when a service (worker, rollup) is down, the same for everyone"),
    # ------------------------------------------------------------ records (sessions_app)
    "sessions_app:home": Entry(EVERYONE, ok={"leader": 302, "admin": 302, "superuser": 302, "auditor": 302},
                               no_role=200,
                               note="leaders and administrators start on the dashboard, an auditor on supervision; "
                                    "no role: the no-role page (200)"),
    "sessions_app:archive": Entry(EVERYONE),
    "sessions_app:create": Entry(WRITERS, build=fixed(kind="collective"), methods=GP),
    "sessions_app:detail": Entry(READ, build=obj("record")),
    "sessions_app:edit": Entry(WRITE, build=obj("record"), methods=GP),
    "sessions_app:delete": Entry(WRITE, build=obj("record"), methods=GP),
    "sessions_app:signin": Entry(WRITE, build=obj("record"), methods=GP),
    "sessions_app:signin_status": Entry(WRITE, build=obj("record")),
    "sessions_app:signin_member": Entry(EVERYONE | {"no_role"}, build=fixed(token="no-such-token"), methods=GP,
                                        anonymous=404, ok=404, post=404, gated=False,
                                        note="the member's QR page (no login); an unknown token is not found"),
    "sessions_app:attachment": Entry(READ, build=obj("attachment")),
    "sessions_app:article_file": Entry(READ, build=obj("article")),
    "sessions_app:corrections": Entry(EVERYONE),
    "sessions_app:attendance": Entry(EVERYONE),
    "sessions_app:roster": Entry(WRITE, build=query(), methods=GP),
    "sessions_app:roster_edit": Entry(WRITE, build=obj("member"), methods=GP),
    "sessions_app:roster_leave": Entry(WRITE, build=obj("member"), methods=P, post_only_outer=True),
    "sessions_app:plans": Entry(EVERYONE),
    "sessions_app:plan_create": Entry(WRITERS, methods=GP),
    "sessions_app:plan_detail": Entry(READ, build=obj("plan")),
    "sessions_app:plan_edit": Entry(WRITE, build=obj("plan"), methods=GP),
    "sessions_app:plan_approve": Entry(WRITE, build=obj("plan"), methods=P, post_only_outer=True),
    # ------------------------------------------------------------ reports
    "reports:dashboard": Entry(READ, build=query()),
    "reports:recompute": Entry(SUPERUSERS, methods=P, data={"month": f"{YEAR}-10"}),
    "reports:drilldown": Entry(READ, build=query(metric="study_sessions")),
    "reports:breakdown_export": Entry(READ, build=query(fmt="csv"), note="the dashboard's breakdown as a file"),
    "reports:bigscreen": Entry(SUBTREE_READ, build=query(),
                               note="the subtree's screen: a reader of one committee alone (secretary) has none"),
    "reports:bulletin": Entry(READ, build=query()),
    "reports:bulletin_publish": Entry(LEAD, build=fixed(), methods=P, data=lambda w, r: {
        "committee": w.committees[COMMITTEE_OF[r]].code, "month": f"{YEAR}-10"}, note="the committee is posted"),
    "reports:outline": Entry(ADMINISTER, build=code_kwargs(year=YEAR), methods=GP),
    "reports:outline_copy": Entry(ADMINISTER, build=code_kwargs(year=YEAR), methods=P),
    "reports:campaigns": Entry(EVERYONE),
    "reports:campaign_create": Entry(MANAGERS, methods=GP),
    "reports:campaign": Entry(CAMPAIGN_READ, build=obj("campaign", "code", attr="code")),
    "reports:campaign_edit": Entry(CAMPAIGN_MANAGE, build=obj("campaign", "code", attr="code"), methods=GP),
    "reports:theme_create": Entry(MANAGERS, methods=GP),
    "reports:theme": Entry(CAMPAIGN_READ, build=obj("theme", "code", attr="code")),
    "reports:theme_edit": Entry(CAMPAIGN_MANAGE, build=obj("theme", "code", attr="code"), methods=GP),
    # ------------------------------------------------------------ supervision
    "supervision:home": Entry(EVERYONE),
    "supervision:filings": Entry(EVERYONE),
    "supervision:filing_create": Entry(WRITERS, methods=GP),
    "supervision:filing": Entry(READ, build=obj("filing")),
    "supervision:filing_link": Entry(WRITE, build=obj("filing"), methods=GP),
    "supervision:visit_start_filing": Entry(AUDIT, build=obj("filing", "filing_pk"), methods=GP),
    "supervision:unfiled": Entry(EVERYONE),
    "supervision:draws": Entry(LEADERS),
    "supervision:draw_create": Entry(LEADERS, methods=GP),
    "supervision:draw": Entry(LEAD, build=obj("draw")),
    "supervision:draw_verify": Entry(LEAD, build=obj("draw"), methods=P),
    "supervision:assignments": Entry(AUDITORS),
    "supervision:visits": Entry(EVERYONE),
    "supervision:visit": Entry(VISIT_READ, build=obj("visit"), note="a submitted visit by another auditor"),
    "supervision:visit_edit": Entry(AUDITOR_OWN, build=obj("draft"), methods=GP, note="the auditor's own draft"),
    "supervision:visit_start": Entry(AUDITOR_OWN, build=obj("assignment", "assignment_pk"), methods=GP,
                                     note="the auditor's own assignment"),
    "supervision:visit_start_activity": Entry(AUDIT, build=obj("record", "activity_pk"), methods=GP),
    "supervision:rectifications": Entry(EVERYONE),
    "supervision:rectification": Entry(VISIT_READ, build=obj("rectification")),
    "supervision:rectification_close": Entry(WRITE, build=obj("rectification"), methods=GP,
                                             note="the committee's writers (the visiting auditor is another)"),
    "supervision:rectification_evidence": Entry(VISIT_READ, build=obj("evidence")),
    "supervision:notifications": Entry(EVERYONE, methods=GP, ok=200),
    # ------------------------------------------------------------ assessment
    "assessment:home": Entry(EVERYONE),
    "assessment:rounds": Entry(EVERYONE),
    "assessment:round_create": Entry(SUPERUSERS, methods=GP),
    "assessment:round_detail": Entry(READ, build=obj("round")),
    "assessment:round_scores": Entry(SUPERUSER, build=obj("round"), methods=GP),
    "assessment:round_import": Entry(SUPERUSER, build=obj("round"), methods=GP),
    "assessment:round_sheet": Entry(READ, build=obj("round")),
    "assessment:round_draw": Entry(READ, build=obj("round")),
    "assessment:tasks": Entry(EVERYONE),
    "assessment:task_create": Entry(WRITERS, methods=GP),
    "assessment:task_detail": Entry(READ, build=obj("task")),
    "assessment:task_edit": Entry(WRITE, build=obj("task"), methods=GP),
    "assessment:rules": Entry(EVERYONE, methods=GP, post_reach=SUPERUSERS, note="everyone reads, a superuser edits"),
    "assessment:ranking_latest": Entry(EVERYONE, ok=302),
    "assessment:ranking": Entry(EVERYONE, build=fixed(year=YEAR)),
    "assessment:compute": Entry(SUPERUSERS, build=fixed(year=YEAR), methods=P),
    "assessment:score": Entry(READ, build=code_kwargs(year=YEAR)),
    # ------------------------------------------------------------ archive volumes
    "archive:volumes": Entry(frozenset({"secretary", "leader", "admin", "superuser"}), methods=GP),
    "archive:status": Entry(KEEP, build=obj("volume")),
    "archive:download": Entry(KEEP, build=obj("volume")),
    # ------------------------------------------------------------ committees: the tree, people, the auditor pool
    "committees:tree": Entry(ADMINISTRATORS),
    "committees:detail": Entry(ADMINISTER, build=obj("committee"), methods=GP, data={"action": "rename"}),
    "committees:active": Entry(ADMINISTER, build=obj("committee"), methods=P),
    "committees:people": Entry(ADMINISTRATORS),
    "committees:person_create": Entry(ADMINISTRATORS, methods=GP),
    "committees:person": Entry(ADMINISTER, build=obj("person"), methods=GP, data={"action": "edit"}),
    "committees:person_active": Entry(ADMINISTER, build=obj("person"), methods=P),
    "committees:person_password": Entry(ADMINISTER, build=obj("person"), methods=P),
    "committees:role_remove": Entry(ADMINISTER, build=lambda w, r: (
        {"pk": w.objects["person"][COMMITTEE_OF[r]].pk, "role_pk": w.objects["role"][COMMITTEE_OF[r]].pk}, ""),
        methods=P),
    "supervision:auditors": Entry(ADMINISTRATORS),
    "supervision:auditor_create": Entry(ADMINISTRATORS, methods=GP),
    "supervision:auditor": Entry(ADMINISTER, build=obj("pool_entry"), methods=GP),
    "supervision:auditor_remove": Entry(ADMINISTER, build=obj("pool_entry"), methods=P),
    # ------------------------------------------------------------ imports, reminders
    "imports:start": Entry(WRITERS, methods=GP),
    "imports:template": Entry(WRITERS, build=fixed(kind="records")),
    "imports:preview": Entry(NONE, build=fixed(token="not-a-token"), note="only the uploader's own token"),
    "imports:confirm": Entry(NONE, build=fixed(token="not-a-token"), methods=P, post_only_outer=True),
    "imports:status": Entry(NONE, build=fixed(token="not-a-token"), note="only the uploader's own import"),
    "reminders:subscriptions": Entry(LEADERS | AUDITORS, methods=GP),
    "reminders:subscription_delete": Entry(frozenset({"leader"}), build=fixed(pk=lambda w: w.objects["subscription"].pk),
                                           methods=P, note="the leader's own subscription: its owner alone"),
    # ------------------------------------------------------------ the API (api/: token or session; 401 anonymous)
    # Its lists are the pages' querysets (api/access.py): a user with no role gets an empty list, not a page.
    "api:statistics": Entry(READ, build=query(qs=f"&month={YEAR}-10"), anonymous=401, gated=False,
                            note="a secretary gets their own group's figures"),
    "api:schema": Entry(EVERYONE | {"no_role"}, anonymous=200, gated=False, note="the API's description is public"),
    "api:docs": Entry(EVERYONE | {"no_role"}, anonymous=200, gated=False),
    "api:token": Entry(EVERYONE | {"no_role"}, methods=P, anonymous={"GET": 405, "POST": 302}, gated=False,
                       post_only_outer=True, post=200, note="a signed-in user rotates their own token"),
    **{f"api:{name}-list": Entry(EVERYONE | {"no_role"}, methods=GP if name == "record" else ("GET",),
                                 anonymous=401, gated=False, post_reach=WRITERS if name == "record" else None,
                                 post=400, denied=404 if name == "record" else 405)
       for name in ("committee", "member", "record", "filing", "visit", "rectification", "task")},
    "api:committee-detail": Entry(READ, build=obj("committee"), anonymous=401, gated=False),
    "api:member-detail": Entry(READ, build=obj("member"), anonymous=401, gated=False),
    "api:record-detail": Entry(READ, build=obj("record"), anonymous=401, gated=False),
    "api:filing-detail": Entry(READ, build=obj("filing"), anonymous=401, gated=False),
    "api:visit-detail": Entry(VISIT_READ, build=obj("visit"), anonymous=401, gated=False),
    "api:rectification-detail": Entry(VISIT_READ, build=obj("rectification"), anonymous=401, gated=False),
    "api:task-detail": Entry(READ, build=obj("task"), anonymous=401, gated=False),
}


# ---------------------------------------------------------------- the data: built once for the module


@dataclass
class World:
    committees: dict = field(default_factory=dict)  # a, city, a1, b, b1
    users: dict = field(default_factory=dict)  # role -> user (anonymous: None)
    objects: dict = field(default_factory=dict)  # kind -> {committee key: object} (or one object)


def _build_world():
    from archive.models import ArchiveVolume, VolumeStatus
    from assessment.models import AssessmentScore, PracticalTask, TestRound
    from reminders.models import BulletinSubscription
    from supervision.models import Draw, Rectification, RectificationEvidence

    w = World()
    city = make_committee(code="m-city", name="市委", kind=CommitteeKind.CITY)
    a = make_committee(city, code="m-a", name="甲县委", kind=CommitteeKind.COUNTY)
    b = make_committee(city, code="m-b", name="乙县委", kind=CommitteeKind.COUNTY)
    a1 = make_committee(a, code="m-a1", name="甲县一镇党委", kind=CommitteeKind.GRASSROOTS)
    b1 = make_committee(b, code="m-b1", name="乙县一镇党委", kind=CommitteeKind.GRASSROOTS)
    for committee in (city, a, b, a1, b1):
        committee.refresh_from_db()
    w.committees = {"city": city, "a": a, "a1": a1, "b": b, "b1": b1}

    def user(username, committee=None, kind=None, **extra):
        made = UserFactory(username=username, **extra)
        if committee is not None:
            Role.objects.create(user=made, committee=committee, kind=kind)
        return made

    w.users = {
        "secretary": user("m-secretary", a, RoleKind.SECRETARY),
        "leader": user("m-leader", a, RoleKind.LEADER),
        "auditor": user("m-auditor", city, RoleKind.AUDITOR),  # where the role sits says nothing: the profile does
        "admin": user("m-admin", a, RoleKind.ADMIN),
        "superuser": user("m-superuser", is_superuser=True, is_staff=True),
        "no_role": user("m-nobody"),
        "anonymous": None,
    }
    auditor = make_auditor(w.users["auditor"], home=b1, may_visit=[a])
    other = make_auditor(user("m-other-auditor", city, RoleKind.AUDITOR), home=city, may_visit=[city])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    objects = {kind: {} for kind in (
        "record", "attachment", "article", "member", "plan", "filing", "visit", "draft", "assignment",
        "rectification", "evidence", "draw", "round", "task", "volume", "committee", "person", "role",
        "pool_entry", "campaign", "theme",
    )}
    for key, committee in w.committees.items():
        record = ActivityFactory(committee=committee, title=f"{key}-记录", held_on=yesterday)
        objects["record"][key] = record
        objects["attachment"][key] = Attachment.objects.create(
            activity=record, file=png_upload(), original_name="sign-in.png", content_type="image/png", size=10)
        objects["article"][key] = Article.objects.create(
            activity=record, author="作者", title="心得", file=ContentFile(b"%PDF-1.4", name="a.pdf"),
            original_name="a.pdf", content_type="application/pdf")
        objects["member"][key] = Member.objects.create(committee=committee, name=f"{key}-成员")
        plan = StudyPlan.objects.create(committee=committee, year=timezone.localdate().year, title=f"{key}-计划")
        PlanTopic.objects.create(plan=plan, title="专题一", source="assigned")
        objects["plan"][key] = plan
        filing = make_filing(committee, planned_on=yesterday)
        objects["filing"][key] = filing
        visit = make_visit(other, committee, findings="记录不全", rectifications=1)
        objects["visit"][key] = visit
        rect = Rectification.objects.get(visit=visit)
        objects["rectification"][key] = rect
        objects["evidence"][key] = RectificationEvidence.objects.create(
            rectification=rect, file=png_upload(), original_name="e.png", content_type="image/png", size=10)
        objects["draft"][key] = make_visit(auditor, committee, status="draft")
        objects["assignment"][key] = make_assignment(make_filing(committee, planned_on=yesterday), auditor)
        # A draw of the committee's filing; its assignment row is missing, so verifying it says "differs".
        objects["draw"][key] = Draw.objects.create(
            root=committee, period_start=yesterday, period_end=yesterday, sample_size=1, seed=1,
            candidates=[[filing.pk, committee.pk, committee.path, ""]],
            pool=[{"id": other.pk, "home": "9999", "visits": [""], "capacity": 5, "previous": []}],
            result=[filing.pk], assignments={str(filing.pk): other.pk})
        objects["round"][key] = TestRound.objects.create(
            committee=committee, name=f"{key}-测试", held_on=datetime.date(YEAR, 3, 9), sample_size=1, pass_mark=60,
            max_score=100, seed=1)
        objects["task"][key] = PracticalTask.objects.create(
            committee=committee, level="county", title=f"{key}-实事", due_on=datetime.date(YEAR, 12, 1))
        AssessmentScore.objects.create(committee=committee, year=YEAR, points=80, max_points=100,
                                       computed_at=timezone.now())
        objects["volume"][key] = ArchiveVolume.objects.create(
            committee=committee, year=YEAR, requested_by=w.users["superuser"], status=VolumeStatus.DONE,
            progress=100, file=ContentFile(b"PK", name=f"{key}.docx"))
        objects["committee"][key] = committee
        person = user(f"m-person-{key}", committee, RoleKind.SECRETARY)
        objects["person"][key] = person
        objects["role"][key] = person.roles.get()
        objects["pool_entry"][key] = make_auditor(user(f"m-pool-{key}", committee, RoleKind.AUDITOR), home=committee,
                                                  may_visit=[committee])
        objects["campaign"][key] = Campaign.objects.create(
            code=f"m-campaign-{key}", name=f"{key}-活动", committee=committee,
            starts_on=datetime.date(YEAR, 10, 15), ends_on=datetime.date(YEAR, 11, 15))
        objects["theme"][key] = Theme.objects.create(code=f"m-theme-{key}", name=f"{key}-主题", committee=committee)
    objects["subscription"] = BulletinSubscription.objects.create(user=w.users["leader"], committee=a)
    w.objects = objects
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One set of data for the whole module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = _build_world()
            built.clients = {}
            for role, user in built.users.items():
                client = Client(raise_request_exception=False)
                if user is not None:
                    client.force_login(user)
                built.clients[role] = client
            yield built
            transaction.set_rollback(True)


def url_names():
    """Every URL name of the URL conf, namespaced, with one of its routes."""
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name
    return sorted(set(walk(get_resolver().url_patterns)))


def _request(client, method, url, data=None):
    """One request, rolled back: nothing it writes is seen by the next (nor the session it ends: the cookies too)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.post(url, data or {}) if method == "POST" else client.get(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    # A file download's handle, closed as the test client does for a streamed response: without the signal that
    # would close the database connection (inside this module's transaction).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return response


def _url(name, entry, world, relation):
    kwargs, query_string = entry.build(world, relation) if entry.build else ({}, "")
    return reverse(name, kwargs=kwargs) + query_string


def test_every_url_name_has_an_entry():
    missing = [name for name in url_names() if name not in URLS and not name.startswith("admin:")]
    assert not missing, (
        "URL names without an entry in tests/test_permission_matrix.py URLS (add one with the access rule its view "
        f"implements): {', '.join(missing)}"
    )
    stale = [name for name in URLS if name not in url_names()]
    assert not stale, f"entries for URL names that no longer exist: {', '.join(stale)}"


def _cells(name, entry):
    relations = RELATIONS if entry.build is not None and not isinstance(entry.reach, (set, frozenset)) else ("-",)
    return itertools.product(ROLES, relations, entry.methods if "GET" in entry.methods else ("GET", *entry.methods))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(URLS))
def test_it_answers_every_role_and_relation_exactly(world, name):
    entry = URLS[name]
    wrong = []
    for role, relation, method in _cells(name, entry):
        url = _url(name, entry, world, relation if relation != "-" else "own")
        expected = entry.expected(role, relation, method)
        data = entry.data(world, relation if relation != "-" else "own") if callable(entry.data) else entry.data
        got = _request(world.clients[role], method, url, data).status_code
        if (got not in expected) if isinstance(expected, frozenset) else (got != expected):
            wrong.append(f"{role:9} {relation:10} {method:4} {url}: got {got}, expected {expected}")
    assert not wrong, f"{name} ({entry.note or 'no note'}):\n" + "\n".join(wrong)


# ---------------------------------------------------------------- Django's admin: one rule for every admin:* name

ADMIN_KWARGS = {"object_id": "0", "id": "0", "app_label": "committees", "content_type_id": "0"}


def _admin_expected(name, role):
    """The Django admin is a superuser's (is_staff): anyone else is sent to its login page. The superuser gets the
    page, or for an object that does not exist (pk 0) the index again (302) or 404, and 404 for what a model's admin
    does not allow (adding a read-only history row: its 403 is answered 404, committees/policy.py)."""
    if name == "admin:javascript-catalog":
        return {200}  # the committee tree widget's translations (treebeard): a static script
    if role == "superuser":
        return {"admin:login": {302}, "admin:logout": {405}}.get(name, {200, 302, 404})
    if name == "admin:login":
        return {200}
    return {302}


@pytest.mark.django_db
def test_it_keeps_the_django_admin_to_superusers(world):
    names = [name for name in url_names() if name.startswith("admin:")]
    wrong = []
    for name in names:
        route = next(p for n, p in _admin_routes() if n == name)
        kwargs = {k: ADMIN_KWARGS.get(k, "0") for k in re.findall(r"<(?:\w+:)?(\w+)>", route)}
        unnamed = len(re.findall(r"\((?!\?)", route))  # a regex route's positional groups (simple_history's)
        url = reverse(name, args=["0"] * unnamed) if unnamed and not kwargs else reverse(name, kwargs=kwargs)
        # Every admin page for the three kinds of caller; the admin's index for every role.
        for role in ROLES if name == "admin:index" else ("superuser", "admin", "anonymous"):
            response = _request(world.clients[role], "GET", url)
            if response.status_code not in _admin_expected(name, role):
                wrong.append(f"{role:9} GET {url}: got {response.status_code}")
            elif role != "superuser" and response.status_code == 302 and name != "admin:logout":
                if not response["Location"].startswith(reverse("admin:login")):
                    wrong.append(f"{role:9} GET {url}: sent to {response['Location']}, not the admin's login")
    assert len(names) > 50 and not wrong, "\n".join(wrong)


def _admin_routes():
    def walk(patterns, namespace=None, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name and namespace == "admin":
                yield f"admin:{pattern.name}", prefix + str(pattern.pattern)
    return list(walk(get_resolver().url_patterns))
