"""The portal's Chinese wins over Django's own catalogues (issue 10).

Django merges catalogues LOCALE_PATHS first, then INSTALLED_APPS in order (django.contrib.* and the third-party
apps before the portal's), then its own: a bare msgid the portal shares with django.contrib.sessions reads 会话.
These tests render the pages a leader, a secretary, an auditor and an administrator read, in zh-hans, and fail on
any of the words seen wrongly; and they check every msgid the portal's catalogues share with an installed app.
"""
import datetime
import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from sessions_app.models import ActivityKind, StudyPlan
from supervision.models import ChecklistItem, Rectification

from .factories import ActivityFactory
from .supervision_factories import make_assignment, make_auditor, make_filing, make_session, make_visit

# (pattern, what it means): each must never appear on the pages below.
WRONG = [
    (re.compile("会话"), "django.contrib.sessions' word for “session”"),
    (re.compile("(?<!修改)历史"), "“历史” where 修改历史 is meant"),
    (re.compile("有效"), "“有效” (django.contrib.auth) where 启用 is meant"),
    (re.compile("-{9}"), "Django's empty choice “---------” instead of 请选择"),
    (re.compile("逾期(录入|补录)"), "“逾期” for a late entry (补录)"),
]


@pytest.fixture
def world(tree, people, members_a):
    """A late record, a plan, a filed and visited session with a closed rectification item, an auditor."""
    auditor = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.city])
    late = ActivityFactory(committee=tree.county_a, held_on=datetime.date(2024, 3, 5))  # entered long after its close
    assert late.is_late
    StudyPlan.objects.create(committee=tree.county_a, year=timezone.localdate().year, title="年度学习计划")
    filing = make_filing(tree.county_a)
    session = make_session(tree.county_a)
    assignment = make_assignment(filing, auditor)
    visit = make_visit(auditor, tree.county_a, activity=session, rectifications=1, rect_status="done")
    visit.assignment = assignment
    visit.save()
    rect = Rectification.objects.get()
    rect.closed_at, rect.closed_by, rect.evidence_note = timezone.now(), people.secretary_a, "已补齐"
    rect.save()
    return {"late": late, "filing": filing, "visit": visit, "rect": rect, "session": session}


def _pages(world):
    late, rect, visit = world["late"], world["rect"], world["visit"]
    secretary = [
        reverse("sessions_app:home"), reverse("sessions_app:archive"), reverse("sessions_app:detail", args=[late.pk]),
        reverse("sessions_app:create", args=[ActivityKind.COLLECTIVE]), reverse("sessions_app:plans"),
        reverse("sessions_app:plan_create"), reverse("supervision:filing_create"),
        reverse("supervision:rectification", args=[rect.pk]), reverse("supervision:filings"),
    ]
    leader = [
        reverse("reports:dashboard"), reverse("supervision:home"), reverse("supervision:visits"),
        reverse("supervision:rectifications"), reverse("supervision:visit", args=[visit.pk]),
        reverse("supervision:draw_create"), reverse("supervision:rectification", args=[rect.pk]),
    ]
    auditor = [
        reverse("supervision:home"), reverse("supervision:assignments"), reverse("supervision:notifications"),
        reverse("supervision:filing", args=[world["filing"].pk]), reverse("supervision:visit", args=[visit.pk]),
        reverse("supervision:unfiled"),
    ]
    admin = [
        reverse("committees:tree"), reverse("admin:index"), reverse("admin:supervision_auditor_changelist"),
        reverse("admin:supervision_checklistitem_changelist"),
        reverse("admin:supervision_checklistitem_change", args=[ChecklistItem.objects.first().pk]),
        reverse("admin:supervision_rectification_history", args=[rect.pk])
        if _admin_has("supervision", "rectification") else reverse("admin:index"),
    ]
    return {"secretary_a": secretary, "leader_city": leader, "auditor": auditor, "admin": admin}


def _admin_has(app_label, model):
    from django.contrib import admin

    return apps.get_model(app_label, model) in admin.site._registry


def _visible_text(html):
    """The page's text and attribute values a reader meets, without scripts (JSON data is not read)."""
    return re.sub(r"<script\b.*?</script>", "", html, flags=re.S)


def test_it_renders_the_portals_words_not_djangos_on_every_page(client, world, people):
    people.admin.is_staff = True  # Django's admin too: its pages use the words the portal overrides
    people.admin.save()
    problems = []
    for role, urls in _pages(world).items():
        client.force_login(getattr(people, role))
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            assert response.status_code == 200, (role, url, response.status_code)
            text = _visible_text(response.content.decode())
            for pattern, meaning in WRONG:
                for match in pattern.finditer(text):
                    problems.append(f"{role} {url}: {meaning}: …{text[max(0, match.start() - 40):match.end() + 20]}…")
    assert problems == [], "\n".join(problems)


def test_it_calls_a_late_record_buluo_and_keeps_overdue_for_rectifications(client, world, people):
    client.force_login(people.secretary_a)
    detail = client.get(reverse("sessions_app:detail", args=[world["late"].pk])).content.decode()
    archive = client.get(reverse("sessions_app:archive")).content.decode()
    assert "补录" in detail and "逾期" not in detail
    assert "补录" in archive and "逾期" not in archive
    overdue = Rectification.objects.create(
        visit=world["visit"], committee=world["rect"].committee, raised_on=world["visit"].visited_on,
        description="逾期未改", owner="张三", due_on=world["visit"].visited_on,
    )
    client.force_login(people.leader_city)
    page = client.get(reverse("supervision:rectification", args=[overdue.pk])).content.decode()
    assert '<span class="badge text-bg-danger">逾期</span>' in page


def test_it_shows_a_rectifications_own_closing_time_not_the_month_close(client, world, people):
    client.force_login(people.leader_city)
    for url in (reverse("supervision:rectification", args=[world["rect"].pk]),
                reverse("supervision:visit", args=[world["visit"].pk])):
        page = client.get(url).content.decode()
        assert "整改销号时间" in page and "关账时间" not in page


def test_it_offers_please_choose_for_empty_choices(client, world, people):
    client.force_login(people.leader_city)
    page = client.get(reverse("supervision:draw_create")).content.decode()
    assert '<option value="" selected>请选择</option>' in page


# ---------------------------------------------------------------- every shared msgid, not only the ones seen

PORTAL_APPS = {"committees", "sessions_app", "reports", "supervision", "assessment", "archive"}


def _portal_catalogues():
    base = Path(settings.BASE_DIR)
    paths = [base / "locale/zh_Hans/LC_MESSAGES/django.po"]
    for config in apps.get_app_configs():
        path = Path(config.path) / "locale/zh_Hans/LC_MESSAGES/django.po"
        if path.exists() and base in path.parents and ".venv" not in path.parts:
            paths.append(path)
    return paths


def _installed_foreign_catalogues():
    """The catalogues of installed apps that are not the portal's (Django's contrib apps, third-party apps)."""
    base = Path(settings.BASE_DIR)
    for config in apps.get_app_configs():
        path = Path(config.path) / "locale/zh_Hans/LC_MESSAGES/django.po"
        if path.exists() and (".venv" in path.parts or base not in path.parents):
            yield config.name, path


def test_no_installed_apps_catalogue_wins_over_the_portals_translation():
    """For every msgid (and context) a portal catalogue translates and an installed foreign app translates
    otherwise, zh-hans resolves to one of the portal's translations. On failure: give the portal's string a
    message context (pgettext), or list the msgid in studygroup/catalogue.py and translate it in locale/."""
    portal = {}
    for path in _portal_catalogues():
        for entry in polib.pofile(str(path)).translated_entries():
            portal.setdefault((entry.msgctxt, entry.msgid), set()).add(entry.msgstr)
    lost = []
    with translation.override("zh-hans"):
        for app, path in _installed_foreign_catalogues():
            for entry in polib.pofile(str(path)).translated_entries():
                key = (entry.msgctxt, entry.msgid)
                if key not in portal or entry.msgid_plural or entry.msgstr in portal[key]:
                    continue
                shown = translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)
                if shown not in portal[key]:
                    lost.append(f"{entry.msgid!r}: {app} gives {shown!r}, the portal says {sorted(portal[key])}")
    assert lost == []
