"""The year's study archive volume (学习档案专卷): what it holds, who may ask for it, the task's progress.

County A's group logs a full year; its sibling (county B), the grassroots committee under it and its own previous
year log look-alike records that must stay out of the volume. The DOCX is opened with python-docx and counted.
"""
import datetime
import io
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from archive import services
from archive.models import ArchiveVolume, VolumeStatus
from archive.selectors import volume_contents
from archive.services import archive_volume_build, archive_volume_request
from committees.models import RoleKind
from reports.models import PublishedBulletin
from sessions_app.models import (
    Activity,
    ActivityKind,
    Article,
    Attendance,
    AttendanceStatus,
    Correction,
    CorrectionAction,
    PlanTopic,
    StudyPlan,
    TopicSource,
)
from supervision.models import ChecklistItem, Rating, RectificationStatus

from .factories import MemberFactory, make_committee, user_with_role
from .supervision_factories import make_auditor, make_visit

YEAR = timezone.localdate().year - 1


def day(month, day_=10, year=YEAR):
    return datetime.date(year, month, day_)


def record(committee, kind, title, held_on, **extra):
    return Activity.objects.create(committee=committee, kind=kind, title=title, held_on=held_on, **extra)


OWN_SESSIONS = {
    ActivityKind.COLLECTIVE: ["甲县集体学习一", "甲县集体学习二"],
    ActivityKind.THEMATIC: ["甲县专题研讨一"],
    ActivityKind.READING_CLASS: ["甲县读书班一"],
    ActivityKind.FIRST_AGENDA: ["甲县第一议题一"],
    ActivityKind.EXPERT_LECTURE: ["甲县专家辅导一"],
    ActivityKind.OUTREACH_LECTURE: ["甲县宣讲一"],
    ActivityKind.IMMERSIVE: ["甲县沉浸式学习一"],
    ActivityKind.FIELD_STUDY: ["甲县现场教学一"],
    ActivityKind.RESEARCH_REPORT: ["甲县调研报告一", "甲县调研报告二"],
}
OWN_ARTICLES = ["甲县心得一", "甲县心得二", "甲县心得三"]
FOREIGN = ["乙县集体学习", "一镇集体学习", "甲县上年集体学习", "乙县心得", "一镇调研报告"]


@pytest.fixture
def year_of_a(tree, people, members_a):
    """County A's year: every kind of record, a plan, attendance, articles, a visit, a correction, a bulletin."""
    a = tree.county_a
    plan = StudyPlan.objects.create(committee=a, year=YEAR, title="甲县年度学习计划", approved_by="县委书记",
                                    approved_on=day(1, 5))
    topic_1 = PlanTopic.objects.create(plan=plan, title="计划专题一", source=TopicSource.ASSIGNED, planned_month=3, order=1)
    PlanTopic.objects.create(plan=plan, title="计划专题二", source=TopicSource.FOUND, order=2)
    made = {}
    for month, (kind, titles) in enumerate(OWN_SESSIONS.items(), 1):
        for n, title in enumerate(titles):
            made[title] = record(a, kind, title, day(month, 10 + n), led_by="县委书记", speaker="张教授",
                                 audience_count=40 if kind == ActivityKind.OUTREACH_LECTURE else None,
                                 site="红色教育基地", author="李四")
    first = made["甲县集体学习一"]
    first.plan_topics.set([topic_1])
    statuses = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT]
    for member, status in zip(members_a, statuses):
        Attendance.objects.create(
            activity=first, member=member, status=status, reason="出差" if status == AttendanceStatus.EXCUSED else "",
            made_up_on=day(1, 20) if status == AttendanceStatus.EXCUSED else None,
        )
    reflection = record(a, ActivityKind.REFLECTION, "甲县心得体会", day(10, 20), article_count=3)
    for title in OWN_ARTICLES:
        Article.objects.create(activity=reflection, author="王五", title=title)
    # Look-alikes that must stay out: the sibling, the grassroots committee under A, and A's previous year.
    record(tree.county_b, ActivityKind.COLLECTIVE, "乙县集体学习", day(3))
    record(tree.grassroots_a1, ActivityKind.COLLECTIVE, "一镇集体学习", day(3))
    record(a, ActivityKind.COLLECTIVE, "甲县上年集体学习", day(3, year=YEAR - 1))
    other = record(tree.county_b, ActivityKind.REFLECTION, "乙县心得体会", day(10), article_count=1)
    Article.objects.create(activity=other, author="赵六", title="乙县心得")
    record(tree.grassroots_a1, ActivityKind.RESEARCH_REPORT, "一镇调研报告", day(4))
    # Supervision: a submitted visit with ratings and rectifications, a draft (not on record), another county's.
    auditor = make_auditor(people.auditor, home=tree.city, may_visit=[tree.county_a, tree.county_b])
    visit = make_visit(auditor, a, activity=first, visited_on=day(1, 10), findings="研讨不够深入", rectifications=2)
    item = ChecklistItem.objects.filter(active=True).first()
    Rating.objects.create(visit=visit, item=item, score=4)
    done = visit.rectifications.first()
    done.status, done.closed_at, done.evidence_note = RectificationStatus.DONE, timezone.now(), "已补充记录"
    done.save()
    make_visit(auditor, a, status="draft", visited_on=day(2), findings="草稿发现")
    make_visit(auditor, tree.county_b, visited_on=day(2), findings="乙县发现")
    Correction.objects.create(
        record=made["甲县宣讲一"], record_number=made["甲县宣讲一"].pk, record_title="甲县宣讲一",
        record_kind=ActivityKind.OUTREACH_LECTURE, committee=a, committee_name=a.name, month=day(7, 1),
        action=CorrectionAction.EDIT, reason="听众人数录错", made_by=people.secretary_a,
        changes={"audience_count": ["30", "40"]},
    )
    PublishedBulletin.objects.create(
        committee=a, month=day(12, 1), version=1, language="zh-hans", title="甲县十二月学习通报",
        paragraphs=["截至十二月底，甲县委理论学习中心组集体学习2次。"],
        table=[{"key": "k", "tally": "T1", "label": "集体学习", "unit": "次", "value": 1, "ytd": 2}],
        publisher_name="dora",
    )
    PublishedBulletin.objects.create(
        committee=tree.county_b, month=day(12, 1), version=1, language="zh-hans", title="乙县十二月学习通报",
        paragraphs=["乙县。"], publisher_name="eric",
    )
    return made


def build(user, committee, django_capture_on_commit_callbacks, year=YEAR):
    with django_capture_on_commit_callbacks(execute=True):
        volume = archive_volume_request(user=user, committee=committee, year=year)
    volume.refresh_from_db()
    return volume


def read_docx(volume):
    with volume.file.open("rb") as handle:
        return Document(io.BytesIO(handle.read()))


def texts(document):
    """(headings, paragraphs, cells): every text of the volume, by where it stands."""
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return headings, paragraphs, cells


def everything(document):
    headings, paragraphs, cells = texts(document)
    return "\n".join(paragraphs + cells)


def test_it_holds_every_record_of_the_year_and_nothing_of_another_committee(
    tree, people, year_of_a, django_capture_on_commit_callbacks,
):
    volume = build(people.secretary_a, tree.county_a, django_capture_on_commit_callbacks)
    assert volume.status == VolumeStatus.DONE and volume.progress == 100
    document = read_docx(volume)
    headings, paragraphs, cells = texts(document)
    text = everything(document)
    # Every record of a kind with entries stands once as a heading (sessions, lectures, immersive, field study).
    for kind, titles in OWN_SESSIONS.items():
        if kind == ActivityKind.RESEARCH_REPORT:
            continue
        for title in titles:
            assert sum(h.endswith(title) and "列席旁听" not in h for h in headings) == 1, title
    # Reports and articles are listed once each in their tables.
    for title in OWN_SESSIONS[ActivityKind.RESEARCH_REPORT] + OWN_ARTICLES:
        assert cells.count(title) == 1, title
    record_headings = [h for h in headings if h[:1].isdigit()]
    # 9 sessions, lectures and visits out + 1 visit + 1 bulletin: nothing else numbered as an entry.
    assert len(record_headings) == 9 + 1 + 1
    assert sum(h.endswith("列席旁听：甲县集体学习一") for h in record_headings) == 1  # the visit names its session
    # The plan, attendance, make-up study, visit, rectification, correction and bulletin are in it.
    for expected in ("甲县年度学习计划", "计划专题一", "计划专题二", "出差", "研讨不够深入", "整改0", "整改1",
                     "已补充记录", "听众人数录错", "甲县十二月学习通报", "截至十二月底", "学习档案专卷"):
        assert expected in text, expected
    # Nothing of another committee, of the grassroots committee under A, of the previous year, or a draft.
    for foreign in FOREIGN + ["乙县发现", "草稿发现", "乙县十二月学习通报"]:
        assert foreign not in text, foreign
    assert volume.record_count == len(year_of_a) + 1 + 1 + 1 + 1  # records + reflection + visit + correction + bulletin


def test_it_writes_an_official_document(tree, people, year_of_a, django_capture_on_commit_callbacks):
    volume = build(people.secretary_a, tree.county_a, django_capture_on_commit_callbacks)
    document = read_docx(volume)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋" and normal.get(qn("w:eastAsiaTheme")) is None
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 1" and p.text.startswith("一、"))
    assert heading.text == "一、年度学习计划"
    assert heading.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsiaTheme")) is None
    footer = section.footer._element.xml
    assert "PAGE" in footer and "fldChar" in footer
    # The contents page lists the eight parts; Chinese punctuation is full width.
    contents = [p.text for p in document.paragraphs]
    start = contents.index("目录")
    assert "八、已发布通报" in contents[start:start + 30]
    assert any(p.startswith("领学：") for p in contents)
    assert any("出席" in p and "，" in p for p in contents)


def test_it_shows_the_tasks_progress_on_the_page(tree, people, year_of_a, django_capture_on_commit_callbacks,
                                                   monkeypatch):
    seen = []
    original = services._progress
    monkeypatch.setattr(services, "_progress", lambda pk, percent, step: (seen.append((percent, step)),
                                                                          original(pk, percent, step)))
    client = Client()
    client.force_login(people.secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/archive/", {"committee": "county-a", "year": YEAR})
    assert response.status_code == 302
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and len(seen) >= 10
    assert [s for _, s in seen][:5] == ["plan", "records", "visits", "corrections", "bulletins"]
    volume = ArchiveVolume.objects.get()
    page = client.get("/archive/").content.decode()
    assert "100%" in page and volume.get_download_url() in page and "archive/volumes.js" in page
    # A volume still being built shows where it is, on the page and in the JSON the script polls.
    running = ArchiveVolume.objects.create(committee=tree.county_a, year=YEAR, requested_by=people.secretary_a,
                                           status=VolumeStatus.RUNNING, progress=42, step="records")
    page = client.get("/archive/").content.decode()
    assert 'aria-valuenow="42"' in page and "正在读取学习记录" in page
    status = client.get(running.get_status_url()).json()
    assert status["progress"] == 42 and status["pending"] is True and status["download_url"] is None
    done = client.get(volume.get_status_url()).json()
    assert done["status"] == "done" and done["download_url"] == volume.get_download_url()


def test_it_refuses_a_committee_out_of_scope_with_404(tree, people, year_of_a):
    cases = [
        (people.leader_b, "county-a"),  # another county's leader
        (people.secretary_a, "city"),  # a secretary above their committee
        (people.secretary_a, "county-a-g1"),  # a secretary asks for the committee under theirs: own committee only
        (people.secretary_a, "no-such-code"),
    ]
    for user, code in cases:
        client = Client()
        client.force_login(user)
        assert client.post("/archive/", {"committee": code, "year": YEAR}).status_code == 404, (user, code)
    for user in (people.auditor, people.outsider):
        client = Client()
        client.force_login(user)
        assert client.get("/archive/").status_code == 404
        assert client.post("/archive/", {"committee": "county-a", "year": YEAR}).status_code == 404
    assert not ArchiveVolume.objects.exists()


def test_it_lets_a_leader_pick_a_committee_of_the_subtree(tree, people, year_of_a, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(people.leader_a)
    page = client.get("/archive/").content.decode()
    assert "county-a-g1" in page and "county-b" not in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/archive/", {"committee": "county-a-g1", "year": YEAR}).status_code == 302
    volume = ArchiveVolume.objects.get()
    assert volume.committee == tree.grassroots_a1 and volume.status == VolumeStatus.DONE
    text = everything(read_docx(volume))
    assert "一镇集体学习" in text and "一镇调研报告" in text and "甲县集体学习一" not in text


def test_it_says_clearly_when_the_year_holds_nothing(tree, people, year_of_a):
    client = Client()
    client.force_login(people.secretary_a)
    response = client.post("/archive/", {"committee": "county-a", "year": YEAR - 5})
    assert response.status_code == 400
    assert "没有任何记录" in response.content.decode()
    response = client.post("/archive/", {"committee": "county-a", "year": timezone.localdate().year + 1})
    assert response.status_code == 400
    assert not ArchiveVolume.objects.exists()


def test_it_scopes_the_download_and_the_status(tree, people, year_of_a, django_capture_on_commit_callbacks):
    volume = build(people.secretary_a, tree.county_a, django_capture_on_commit_callbacks)
    for user, expected in ((people.leader_b, 404), (people.secretary_b, 404), (people.auditor, 404),
                           (people.outsider, 404), (people.leader_city, 200), (people.leader_a, 200),
                           (people.secretary_a, 200), (people.admin, 200)):
        client = Client()
        client.force_login(user)
        response = client.get(volume.get_download_url())
        assert response.status_code == expected, user
        assert client.get(volume.get_status_url()).status_code == expected, user
        if expected == 200:
            assert response["Content-Type"].startswith("application/vnd.openxmlformats")
            Document(io.BytesIO(b"".join(response.streaming_content)))
    # Another county's leader does not see it listed either.
    client = Client()
    client.force_login(people.leader_b)
    assert volume.get_download_url() not in client.get("/archive/").content.decode()


def test_it_makes_one_volume_of_a_double_request(tree, people, year_of_a):
    first = archive_volume_request(user=people.secretary_a, committee=tree.county_a, year=YEAR)
    second = archive_volume_request(user=people.secretary_a, committee=tree.county_a, year=YEAR)
    assert first == second and first.status == VolumeStatus.QUEUED
    archive_volume_build(volume_id=first.pk)
    assert archive_volume_build(volume_id=first.pk) is None  # already built: the redelivered task does nothing
    first.refresh_from_db()
    assert first.status == VolumeStatus.DONE


def test_it_records_a_failure(tree, people, year_of_a, monkeypatch):
    volume = archive_volume_request(user=people.secretary_a, committee=tree.county_a, year=YEAR)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "write_volume", broken)
    with pytest.raises(RuntimeError):
        archive_volume_build(volume_id=volume.pk)
    volume.refresh_from_db()
    assert volume.status == VolumeStatus.FAILED and "RuntimeError" in volume.error and not volume.file


def _big_year(committee, *, records=500, members=15):
    """`records` records of every kind over the year, the group's sessions with full attendance, articles."""
    people = [MemberFactory(committee=committee) for _ in range(members)]
    kinds = list(ActivityKind)
    rows = []
    for n in range(records):
        held = datetime.date(YEAR, n % 12 + 1, n % 28 + 1)
        rows.append(Activity(
            committee=committee, kind=kinds[n % len(kinds)], held_on=held, month=held.replace(day=1),
            title=f"大量记录{n:03d}", led_by="领学人", materials="学习材料" * 10, discussion="研讨发言" * 20,
            article_count=2 if kinds[n % len(kinds)] == ActivityKind.REFLECTION else None,
        ))
    made = Activity.objects.bulk_create(rows)
    attendance, articles = [], []
    for activity in made:
        if activity.kind in (ActivityKind.COLLECTIVE, ActivityKind.THEMATIC, ActivityKind.READING_CLASS,
                             ActivityKind.FIRST_AGENDA, ActivityKind.EXPERT_LECTURE):
            for i, member in enumerate(people):
                status = AttendanceStatus.EXCUSED if i == 0 else AttendanceStatus.PRESENT
                attendance.append(Attendance(activity=activity, member=member, status=status,
                                             reason="出差" if i == 0 else ""))
        if activity.kind == ActivityKind.REFLECTION:
            articles += [Article(activity=activity, author=f"作者{i}", title=f"{activity.title}心得{i}") for i in (1, 2)]
    Attendance.objects.bulk_create(attendance)
    Article.objects.bulk_create(articles)
    return made


def test_it_reads_a_year_in_a_fixed_number_of_queries(tree, people):
    _big_year(tree.county_a, records=20)
    with CaptureQueriesContext(connection) as small:
        volume_contents(tree.county_a, YEAR)
    _big_year(tree.county_b, records=200)
    with CaptureQueriesContext(connection) as large:
        volume_contents(tree.county_b, YEAR)
    assert len(small) == len(large) <= 12


def test_it_builds_a_500_record_committee(tree, people, django_capture_on_commit_callbacks, capsys):
    made = _big_year(tree.county_a, records=500)
    volume = archive_volume_request(user=people.secretary_a, committee=tree.county_a, year=YEAR)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        archive_volume_build(volume_id=volume.pk)
    seconds = time.perf_counter() - started
    volume.refresh_from_db()
    assert volume.status == VolumeStatus.DONE and volume.record_count == 500
    text = everything(read_docx(volume))
    assert all(a.title in text for a in made)
    with capsys.disabled():
        print(f"\n500-record volume: {seconds:.2f} s, {len(queries)} queries, {volume.size / 1024:.0f} KiB")


def test_it_lists_only_the_users_own_volumes(tree, people, year_of_a):
    mine = ArchiveVolume.objects.create(committee=tree.county_a, year=YEAR, requested_by=people.secretary_a)
    theirs = ArchiveVolume.objects.create(committee=tree.county_a, year=YEAR, requested_by=people.leader_a)
    client = Client()
    client.force_login(people.secretary_a)
    page = client.get("/archive/").content.decode()
    assert mine.get_status_url() in page and theirs.get_status_url() not in page


def test_it_links_the_page_from_the_navigation(tree, people):
    second = make_committee(tree.city, code="county-c", name="丙县委")
    secretary = user_with_role(second, RoleKind.SECRETARY)
    for user, shown in ((secretary, True), (people.leader_a, True), (people.auditor, False)):
        client = Client()
        client.force_login(user)
        assert ('id="sg-nav-archive-volumes"' in client.get("/", follow=True).content.decode()) is shown


def test_it_asks_for_a_code_when_the_subtree_is_large(tree, people, monkeypatch):
    from archive import views

    monkeypatch.setattr(views, "LISTED_COMMITTEES", 2)
    client = Client()
    client.force_login(people.leader_city)
    page = client.get("/archive/?committee=county-b").content.decode()
    assert '<datalist id="sg-committee-codes">' in page and 'value="county-b"' in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_updates_the_progress_bar_in_the_browser(browser_page, tree, people):
    """The page's script polls the status endpoint: a volume that moves on shows it without a reload."""
    from .conftest import browser_login

    volume = ArchiveVolume.objects.create(committee=tree.county_a, year=YEAR, requested_by=people.secretary_a,
                                          status=VolumeStatus.RUNNING, progress=10, step="records")
    browser_login(browser_page, "alice")
    browser_page.goto("/archive/")
    bar = browser_page.locator("[data-sg-volume-progress]")
    assert bar.get_attribute("aria-valuenow") == "10"
    ArchiveVolume.objects.filter(pk=volume.pk).update(progress=60, step="writing")
    browser_page.locator("[data-sg-volume-progress][aria-valuenow='60']").wait_for()  # no eval: the page's CSP
    assert "正在编写专卷" in browser_page.locator("[data-sg-volume-step]").inner_text()
    ArchiveVolume.objects.filter(pk=volume.pk).update(status=VolumeStatus.DONE, progress=100, file="archive/x.docx")
    link = browser_page.locator("[data-sg-volume-download]")
    link.wait_for(state="visible")
    assert link.get_attribute("href") == volume.get_download_url()
    assert "已生成" in browser_page.locator("[data-sg-volume-status]").inner_text()
