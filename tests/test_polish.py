"""Secretary and auditor polish (issue 10, item 5): the record form's defaults and hints, reasons for leave and
absence, the approved plan, filing on the secretary's home; the auditor's assignments with a status, the badge
that clears once the notifications are seen, a visit from any filed or logged session in the auditor's remit,
and files as a rectification item's evidence."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions_app.models import Activity, ActivityKind, StudyPlan
from sessions_app.testing import pdf_upload, png_upload, record_post
from supervision.models import Notification, Rectification, RectificationEvidence, Visit

from .factories import make_committee
from .supervision_factories import (
    checklist_ids,
    make_assignment,
    make_auditor,
    make_filing,
    make_session,
    make_visit,
)

TODAY = timezone.localdate
COLLECTIVE = ActivityKind.COLLECTIVE


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------- the record form


def test_it_starts_a_new_record_at_today(people):
    page = client_of(people.secretary_a).get(reverse("sessions_app:create", args=[COLLECTIVE]))
    assert page.context["form"]["held_on"].value() == TODAY()
    assert f'value="{TODAY().isoformat()}"' in page.content.decode()


def test_it_offers_please_choose_not_dashes_for_empty_choices(people):
    html = client_of(people.secretary_a).get(reverse("sessions_app:create", args=[COLLECTIVE])).content.decode()
    assert "---------" not in html
    assert '<option value="" selected>请选择</option>' in html  # campaign, theme: optional choices


@pytest.mark.parametrize("status, message", [("excused", "请填写请假原因。"), ("absent", "请填写缺席原因。")])
def test_it_requires_a_reason_for_leave_and_absence_at_the_row(people, members_a, status, message):
    client = client_of(people.secretary_a)
    data = record_post(COLLECTIVE, members=members_a)
    data.update({"att-1-status": status, "att-1-reason": "  "})
    response = client.post(reverse("sessions_app:create", args=[COLLECTIVE]), data)
    assert response.status_code == 200 and not Activity.objects.exists()
    row = response.context["entry"].attendance.forms[1]
    assert row.errors["reason"] == [message]
    assert message in response.content.decode()
    data["att-1-reason"] = "出差"
    assert client.post(reverse("sessions_app:create", args=[COLLECTIVE]), data).status_code == 302
    assert Activity.objects.get().attendance.get(member=members_a[1]).reason == "出差"


def test_it_hints_at_the_plan_page_when_there_is_no_approved_plan(tree, people):
    client = client_of(people.secretary_a)
    url = reverse("sessions_app:create", args=[COLLECTIVE])
    html = client.get(url).content.decode()
    assert 'id="no-plan-hint"' in html and f'href="{reverse("sessions_app:plans")}"' in html
    plan = StudyPlan.objects.create(committee=tree.county_a, year=TODAY().year, title="年度计划")
    assert 'id="no-plan-hint"' in client.get(url).content.decode()  # a plan not approved yet: still the hint
    plan.approved_by, plan.approved_on = "王书记", TODAY()
    plan.save()
    assert 'id="no-plan-hint"' not in client.get(url).content.decode()


def test_it_shows_the_approve_form_only_until_the_plan_is_approved(tree, people):
    client = client_of(people.secretary_a)
    plan = StudyPlan.objects.create(committee=tree.county_a, year=TODAY().year, title="年度计划")
    approve = reverse("sessions_app:plan_approve", args=[plan.pk])
    assert f'action="{approve}"' in client.get(reverse("sessions_app:plan_detail", args=[plan.pk])).content.decode()
    client.post(approve, {"approved_by": "王书记", "approved_on": TODAY().isoformat()})
    html = client.get(reverse("sessions_app:plan_detail", args=[plan.pk])).content.decode()
    assert f'action="{approve}"' not in html and "王书记" in html


def test_it_puts_filing_on_the_secretarys_home(tree, people):
    upcoming = make_filing(tree.county_a, planned_on=TODAY() + datetime.timedelta(days=10), topic="学习新思想")
    make_filing(tree.county_b, planned_on=TODAY() + datetime.timedelta(days=10), topic="乙县的报备")
    make_filing(tree.county_a, planned_on=TODAY() - datetime.timedelta(days=3), topic="已过去的报备")
    html = client_of(people.secretary_a).get(reverse("sessions_app:home")).content.decode()
    assert 'id="sg-home-filings"' in html and f'href="{reverse("supervision:filing_create")}"' in html
    assert reverse("supervision:filing", args=[upcoming.pk]) in html
    assert "乙县的报备" not in html and "已过去的报备" not in html
    leader = client_of(people.leader_city).get(reverse("sessions_app:home"))
    assert 'id="sg-home-filings"' not in leader.content.decode()  # a reader files nothing


# ---------------------------------------------------------------- the auditor


@pytest.fixture
def auditor(tree, people):
    """fred audits from county B and may visit county A's subtree (not B, not the city above him)."""
    return make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.county_a])


def _visit_post(visited_on=None):
    data = {
        "visited_on": (visited_on or TODAY() - datetime.timedelta(days=1)).isoformat(), "observed_count": "5",
        "findings": "", "rect-TOTAL_FORMS": "0", "rect-INITIAL_FORMS": "0", "rect-MIN_NUM_FORMS": "0",
        "rect-MAX_NUM_FORMS": "20", "submit": "1",
    }
    data.update({f"rating_{pk}": "4" for pk in checklist_ids()})
    return data


def test_it_lists_the_auditors_assignments_with_their_status(tree, people, auditor):
    waiting = make_assignment(make_filing(tree.county_a, planned_on=TODAY() + datetime.timedelta(days=5)), auditor)
    missed = make_assignment(make_filing(tree.county_a, planned_on=TODAY() - datetime.timedelta(days=5)), auditor)
    done = make_assignment(make_filing(tree.grassroots_a1, planned_on=TODAY() - datetime.timedelta(days=2)), auditor)
    client = client_of(people.auditor)
    assert client.post(reverse("supervision:visit_start", args=[done.pk]), _visit_post()).status_code == 302
    page = client.get(reverse("supervision:assignments"))
    statuses = {a.pk: a.status for a in page.context["page"]}
    assert statuses == {waiting.pk: "to_visit", missed.pk: "overdue", done.pk: "done"}
    html = page.content.decode()
    assert "待旁听" in html and "已逾期" in html and "已完成" in html
    overdue = client.get(reverse("supervision:assignments"), {"status": "overdue"}).context["page"]
    assert [a.pk for a in overdue] == [missed.pk]
    assert client_of(people.secretary_a).get(reverse("supervision:assignments")).status_code == 404


def test_it_clears_the_badge_once_the_notifications_are_seen(people):
    Notification.objects.create(user=people.secretary_a, message="新的旁听记录", url="/")
    client = client_of(people.secretary_a)
    assert 'data-testid="unread-badge"' in client.get(reverse("supervision:home")).content.decode()
    seen = client.get(reverse("supervision:notifications"))
    assert "新的旁听记录" in seen.content.decode() and seen.context["new_ids"]
    assert not Notification.objects.filter(user=people.secretary_a, read_at__isnull=True).exists()
    assert 'data-testid="unread-badge"' not in client.get(reverse("supervision:home")).content.decode()


def test_it_starts_a_visit_from_a_filed_session_that_was_not_drawn(tree, people, auditor):
    filing = make_filing(tree.grassroots_a1, planned_on=TODAY() - datetime.timedelta(days=1))
    client = client_of(people.auditor)
    detail = client.get(reverse("supervision:filing", args=[filing.pk])).content.decode()
    url = reverse("supervision:visit_start_filing", args=[filing.pk])
    assert f'href="{url}"' in detail
    assert client.get(url).status_code == 200
    assert client.post(url, _visit_post()).status_code == 302
    visit = Visit.objects.get()
    assert (visit.filing, visit.committee, visit.assignment, visit.status) == (filing, tree.grassroots_a1, None, "submitted")
    assert client.get(url).status_code == 302  # the filing now leads to the visit


def test_it_starts_a_visit_from_a_logged_session_filed_or_not(tree, people, auditor):
    filed = make_session(tree.county_a)
    make_filing(tree.county_a, planned_on=filed.held_on, activity=filed)
    unfiled = make_session(tree.grassroots_a1, held_on=TODAY() - datetime.timedelta(days=2))
    client = client_of(people.auditor)
    for session in (filed, unfiled):
        assert client.get(reverse("supervision:visit_start_activity", args=[session.pk])).status_code == 200


def test_it_offers_record_a_visit_on_a_session_page_in_the_auditors_remit(tree, people, auditor):
    session = make_session(tree.county_a)
    visit_url = reverse("supervision:visit_start_activity", args=[session.pk])
    assert visit_url in client_of(people.auditor).get(f"/records/{session.pk}/").content.decode()
    assert visit_url not in client_of(people.leader_city).get(f"/records/{session.pk}/").content.decode()
    assert visit_url not in client_of(people.secretary_a).get(f"/records/{session.pk}/").content.decode()


def test_it_sends_a_drawn_filing_to_its_assignment(tree, people, auditor):
    assignment = make_assignment(make_filing(tree.county_a), auditor)
    response = client_of(people.auditor).get(reverse("supervision:visit_start_filing", args=[assignment.filing.pk]))
    assert response.status_code == 302 and response.url == reverse("supervision:visit_start", args=[assignment.pk])


def test_it_gives_404_for_a_session_outside_the_auditors_remit(tree, people, auditor):
    county_c = make_committee(tree.city, code="county-c", name="丙县委")
    outside = [
        make_filing(tree.county_b),  # his own committee
        make_filing(tree.city),  # above him
        make_filing(county_c),  # not in his remit
    ]
    client = client_of(people.auditor)
    for filing in outside:
        assert client.get(reverse("supervision:visit_start_filing", args=[filing.pk])).status_code == 404
        assert client.post(reverse("supervision:visit_start_filing", args=[filing.pk]), _visit_post()).status_code == 404
    assert client.get(reverse("supervision:visit_start_activity", args=[make_session(county_c).pk])).status_code == 404
    assert client.get(reverse("supervision:visit_start_filing", args=[99999])).status_code == 404
    # Not an auditor at all: the page does not exist.
    inside = make_filing(tree.county_a)
    assert client_of(people.leader_city).get(reverse("supervision:visit_start_filing", args=[inside.pk])).status_code == 404
    assert not Visit.objects.exists()


# ---------------------------------------------------------------- rectification evidence


@pytest.fixture
def open_item(tree, people, auditor):
    visit = make_visit(auditor, tree.county_a, rectifications=1)
    return Rectification.objects.get(visit=visit)


def test_it_closes_a_rectification_item_with_files_as_evidence(people, open_item):
    client = client_of(people.secretary_a)
    url = reverse("supervision:rectification_close", args=[open_item.pk])
    assert 'enctype="multipart/form-data"' in client.get(url).content.decode()
    response = client.post(url, {"evidence_note": "已补齐记录", "evidence_files": [png_upload("整改照片.png"), pdf_upload()]})
    assert response.status_code == 302
    open_item.refresh_from_db()
    assert open_item.status == "done"
    files = list(RectificationEvidence.objects.filter(rectification=open_item))
    assert [(f.original_name, f.content_type) for f in files] == [("整改照片.png", "image/png"), ("scan.pdf", "application/pdf")]
    assert all(f.file.name.startswith("rectifications/") and "整改" not in f.file.name for f in files)  # our own names
    detail = client.get(reverse("supervision:rectification", args=[open_item.pk])).content.decode()
    download = reverse("supervision:rectification_evidence", args=[files[0].pk])
    assert download in detail and "整改销号时间" in detail
    served = client_of(people.leader_city).get(download)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")  # read to the end: the client closes the file
    assert client_of(people.secretary_b).get(download).status_code == 404
    assert client_of(people.outsider).get(download).status_code == 404


@pytest.mark.parametrize("upload, message", [
    (lambda: SimpleUploadedFile("notes.png", b"just text, not a photo", content_type="image/png"),
     "“notes.png”不是照片"),
    (lambda: SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf"),
     "“big.pdf”过大"),
])
def test_it_rejects_a_bad_evidence_file_at_the_field_closing_nothing(people, open_item, settings, upload, message):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client = client_of(people.secretary_a)
    url = reverse("supervision:rectification_close", args=[open_item.pk])
    response = client.post(url, {"evidence_note": "已补齐记录", "evidence_files": [upload()]})
    assert response.status_code == 200
    errors = response.context["form"].errors["evidence_files"]
    assert any(message in str(e) for e in errors), errors
    assert message in response.content.decode()
    open_item.refresh_from_db()
    assert open_item.status == "open" and not RectificationEvidence.objects.exists()
