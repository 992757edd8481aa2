"""Bulk import (imports/): templates, the preview (new / match / wrong with row and column), all-or-nothing,
re-import creates nothing, file problems, and scope (another committee's rows are "not yours")."""
import csv
import datetime
import io
import re
import weakref

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from committees.models import Committee, Member
from imports.kinds import CommitteeKindImport, MemberKind, RecordKind
from sessions_app.models import Activity, ActivityKind, Attendance, AttendanceStatus

from .factories import ActivityFactory, MemberFactory

DAY = timezone.localdate() - datetime.timedelta(days=2)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def xlsx(headers, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("rows.xlsx", out.getvalue())


def csv_file(headers, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile("rows.csv", ("\ufeff" + out.getvalue()).encode("utf-8"))


RECORD_HEADERS = ["委员会编码", "类型", "日期", "主题", "领学人", "出席人员", "缺席人员"]
REASON_HEADERS = ["委员会编码", "类型", "日期", "主题", "出席人员", "请假人员", "缺席人员"]


def record_row(title, committee="county-a", day=DAY, kind="中心组集体学习", present="", absent=""):
    return [committee, kind, day.isoformat() if hasattr(day, "isoformat") else day, title, "", present, absent]


def upload(client, kind, file):
    response = client.post(reverse("imports:start"), {"kind": kind, "file": file})
    if response.status_code != 302:
        return response, None
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return response, token


def preview(client, token):
    return client.get(reverse("imports:preview", args=[token]))


def statuses(response):
    return {row.number: row.status for row in response.context["summary"].rows}


# ------------------------------------------------------------------ templates


def test_it_offers_a_template_per_kind_with_chinese_headers(client, people):
    client.force_login(people.secretary_a)
    for kind in (RecordKind, MemberKind):
        response = client.get(reverse("imports:template", args=[kind.code]))
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        header = next(book.worksheets[0].iter_rows(values_only=True))
        assert list(header) == kind.headers()
        assert "委员会编码" in header
    assert client.get(reverse("imports:template", args=["committees"])).status_code == 404  # administrators only
    client.force_login(people.admin)
    assert client.get(reverse("imports:template", args=["committees"])).status_code == 200


# ------------------------------------------------------------------ preview


def test_it_previews_new_matching_and_wrong_rows_with_row_and_column(client, tree, people):
    ActivityFactory(committee=tree.county_a, held_on=DAY, kind=ActivityKind.COLLECTIVE, title="已有的学习")
    client.force_login(people.secretary_a)
    file = xlsx(RECORD_HEADERS, [
        record_row("已有的学习"),  # row 2: matches the stored record
        record_row("新的学习"),  # row 3: new
        record_row("日期不对", day="2026-13-45"),  # row 4: a bad date
        record_row("乙县的学习", committee="county-b"),  # row 5: another committee's: not yours
        record_row("新的学习"),  # row 6: repeats row 3
    ])
    _, token = upload(client, "records", file)
    response = preview(client, token)
    assert statuses(response) == {2: "match", 3: "new", 4: "wrong", 5: "wrong", 6: "match"}
    errors = {(number, column) for number, column, _message in response.context["summary"].errors}
    assert errors == {(4, "日期"), (5, "委员会编码")}
    html = response.content.decode()
    assert "county-b" in html and 'data-row="5"' in html
    assert Activity.objects.count() == 1  # a preview saves nothing
    assert "import-confirm" not in html  # nothing to confirm while a row is wrong


def test_it_checks_rows_with_the_forms_rules(client, tree, people):
    future = timezone.localdate() + datetime.timedelta(days=30)
    client.force_login(people.secretary_a)
    file = xlsx(["委员会编码", "类型", "日期", "主题", "主讲人"], [
        ["county-a", "专家辅导", DAY.isoformat(), "缺主讲人", ""],  # an expert lecture needs its speaker …
        ["county-a", "中心组集体学习", future.isoformat(), "未来的学习", ""],  # … and no session is in the future
        ["county-a", "中心组集体学习", DAY.isoformat(), "多了主讲人", "张教授"],  # not a column of this kind
    ])
    _, token = upload(client, "records", file)
    errors = {(number, column) for number, column, _m in preview(client, token).context["summary"].errors}
    assert (2, "主讲人") in errors and (3, "日期") in errors and (4, "主讲人") in errors


# ------------------------------------------------------------------ import


def test_it_imports_records_with_attendance(client, tree, people):
    zhang = MemberFactory(committee=tree.county_a, name="张三")
    li = MemberFactory(committee=tree.county_a, name="李四")
    client.force_login(people.secretary_a)
    wang = MemberFactory(committee=tree.county_a, name="王五")
    row = ["county-a", "集体学习", DAY.isoformat(), "带出席的学习", "张三", "王五（出差）", "李四（因病）"]
    _, token = upload(client, "records", xlsx(REASON_HEADERS, [row]))
    response = client.post(reverse("imports:confirm", args=[token]))
    assert response.status_code == 302
    record = Activity.objects.get(title="带出席的学习")
    assert record.committee == tree.county_a and record.created_by == people.secretary_a
    assert {a.member_id: (a.status, a.reason) for a in Attendance.objects.filter(activity=record)} == {
        zhang.pk: (AttendanceStatus.PRESENT, ""), wang.pk: (AttendanceStatus.EXCUSED, "出差"),
        li.pk: (AttendanceStatus.ABSENT, "因病")}


def test_leave_and_absence_without_a_reason_are_wrong_at_their_column(client, tree, people):
    MemberFactory(committee=tree.county_a, name="王五")
    MemberFactory(committee=tree.county_a, name="李四")
    client.force_login(people.secretary_a)
    row = ["county-a", "集体学习", DAY.isoformat(), "缺原因", "", "王五", "李四"]
    _, token = upload(client, "records", xlsx(REASON_HEADERS, [row]))
    summary = preview(client, token).context["summary"]
    assert [(n, c) for n, c, _m in summary.errors] == [(2, "请假人员"), (2, "缺席人员")]


def test_the_roster_of_a_day_is_the_record_pages(tree, people):
    """RecordKind.roster() reads the chunk's members once; on any day it lists whom members_for() lists."""
    from sessions_app.forms import members_for

    d = datetime.date
    for name, joined, left, active in [
        ("一直在", None, None, True), ("后加入", d(2025, 3, 1), None, True), ("已离开", None, d(2025, 6, 30), True),
        ("停用", None, None, False), ("停用但有离开日", d(2025, 1, 1), d(2025, 12, 31), False),
    ]:
        MemberFactory(committee=tree.county_a, name=name, joined_on=joined, left_on=left, active=active)
    kind = RecordKind(people.secretary_a)
    kind.learn_members({tree.county_a.pk})
    for day in (d(2024, 12, 31), d(2025, 3, 1), d(2025, 6, 30), d(2025, 7, 1), d(2026, 1, 1)):
        expected = {}
        for member in members_for(tree.county_a, on=day).values():
            expected.setdefault(member.name, []).append(member.pk)
        assert kind.roster(tree.county_a, day) == expected, day


def test_an_unknown_member_name_is_wrong_at_its_column(client, tree, people):
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("学习", present="王五")]))
    summary = preview(client, token).context["summary"]
    assert [(n, c) for n, c, _m in summary.errors] == [(2, "出席人员")]


def test_one_bad_row_imports_nothing(client, tree, people):
    client.force_login(people.secretary_a)
    rows = [record_row(f"学习{i}") for i in range(5)] + [record_row("坏行", day="不是日期")]
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, rows))
    response = client.post(reverse("imports:confirm", args=[token]))
    assert response.status_code == 400
    assert Activity.objects.count() == 0
    assert [(n, c) for n, c, _m in response.context["summary"].errors] == [(7, "日期")]


def test_reimporting_the_same_file_creates_nothing(client, tree, people):
    client.force_login(people.secretary_a)
    rows = [record_row(f"学习{i}") for i in range(3)]
    _, token = upload(client, "records", csv_file(RECORD_HEADERS, rows))
    assert client.post(reverse("imports:confirm", args=[token])).status_code == 302
    assert Activity.objects.count() == 3
    _, token = upload(client, "records", csv_file(RECORD_HEADERS, rows))
    assert set(statuses(preview(client, token)).values()) == {"match"}
    client.post(reverse("imports:confirm", args=[token]))
    assert Activity.objects.count() == 3


def test_it_imports_the_roster(client, tree, people):
    MemberFactory(committee=tree.county_a, name="张三")
    client.force_login(people.secretary_a)
    headers = ["委员会编码", "姓名", "职务", "班子成员（是/否）", "加入日期", "离开日期"]
    _, token = upload(client, "members", xlsx(headers, [
        ["county-a", "张三", "书记", "是", "", ""],
        ["county-a", "李四", "委员", "否", "2024-01-01", ""],
        ["county-a", "王五", "委员", "否", "2024-05-01", "2024-01-01"],  # leaves before joining
    ]))
    summary = preview(client, token).context["summary"]
    assert {row.number: row.status for row in summary.rows} == {2: "match", 3: "new", 4: "wrong"}
    assert [n for n, _c, _m in summary.errors] == [4]
    rows = [["county-a", "李四", "委员", "否", "2024-01-01", ""]]
    _, token = upload(client, "members", xlsx(headers, rows))
    client.post(reverse("imports:confirm", args=[token]))
    assert Member.objects.filter(committee=tree.county_a, name="李四", joined_on=datetime.date(2024, 1, 1)).exists()


def test_an_administrator_imports_committees_under_their_subtree(client, tree, people):
    client.force_login(people.admin)
    headers = CommitteeKindImport.headers()
    _, token = upload(client, "committees", xlsx(headers, [
        ["county-c", "丙县委", "县（市）区委", "city"],
        ["county-c-g1", "丙县一镇党委", "基层党委", "county-c"],  # under a committee of the same file
        ["county-a", "甲县委", "县（市）区委", "city"],  # already there
    ]))
    assert statuses(preview(client, token)) == {2: "new", 3: "new", 4: "match"}
    client.post(reverse("imports:confirm", args=[token]))
    child = Committee.objects.get(code="county-c-g1")
    assert Committee.objects.get(code="county-c").path == child.path[:-4]


def test_a_secretary_may_not_import_committees(client, tree, people):
    client.force_login(people.secretary_a)
    headers = CommitteeKindImport.headers()
    response, token = upload(client, "committees", xlsx(headers, [["x1", "某", "基层党委", "county-a"]]))
    assert token is None and response.status_code == 400
    assert not Committee.objects.filter(code="x1").exists()


# ------------------------------------------------------------------ file problems


@pytest.mark.parametrize("content,message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a spreadsheet"),
    (b"", "empty"),
])
def test_a_file_that_is_not_a_spreadsheet_or_is_empty_gets_a_clear_message(client, people, content, message):
    client.force_login(people.secretary_a)
    client.cookies.load({"django_language": "en"})
    response, token = upload(client, "records", SimpleUploadedFile("x.xlsx", content))
    assert token is None and response.status_code == 400
    assert message in response.content.decode()


def test_a_zip_that_is_not_a_workbook_and_a_header_only_file_get_a_clear_message(client, people):
    client.force_login(people.secretary_a)
    client.cookies.load({"django_language": "en"})
    _, token = upload(client, "records", SimpleUploadedFile("x.xlsx", b"PK\x03\x04not really a zip"))
    response = preview(client, token)
    assert response.status_code == 302
    assert "not a spreadsheet" in client.get(response["Location"]).content.decode()
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, []))
    follow = client.get(preview(client, token)["Location"]).content.decode()
    assert "no data rows" in follow


def test_a_file_over_the_size_limit_gets_a_clear_message(client, people, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(people.secretary_a)
    client.cookies.load({"django_language": "en"})
    response, token = upload(client, "records", csv_file(RECORD_HEADERS, [record_row("x" * 50)] * 40))
    assert token is None
    assert re.search(r"larger than [\d.]+ MB", response.content.decode())


# ------------------------------------------------------------------ scope


def test_someone_elses_upload_is_not_found(client, tree, people):
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("甲县学习")]))
    client.force_login(people.secretary_b)
    assert preview(client, token).status_code == 404
    assert client.post(reverse("imports:confirm", args=[token])).status_code == 404
    assert Activity.objects.count() == 0


def test_readers_and_outsiders_have_no_import_page(client, people):
    for user in (people.leader_a, people.outsider):
        client.force_login(user)
        assert client.get(reverse("imports:start")).status_code == 404, user.username
        assert client.get(reverse("imports:template", args=["records"])).status_code == 404


def test_an_administrator_imports_rows_of_any_committee_in_their_subtree_only(client, tree, people):
    from committees.models import RoleKind

    from .factories import user_with_role

    county_admin = user_with_role(tree.county_a, RoleKind.ADMIN, username="ada")
    client.force_login(county_admin)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [
        record_row("镇里的学习", committee="county-a-g1"), record_row("乙县", committee="county-b")]))
    assert statuses(preview(client, token)) == {2: "new", 3: "wrong"}


# ------------------------------------------------------------------ validated once, written in bulk


def _confirm(client, token):
    return client.post(reverse("imports:confirm", args=[token]))


def test_the_import_writes_what_the_preview_checked_without_checking_the_file_again(client, tree, people,
                                                                                     monkeypatch):
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row(f"学习{i}") for i in range(3)]))
    assert preview(client, token).status_code == 200

    def refuse(*args, **kwargs):
        raise AssertionError("the import checked the rows again")

    monkeypatch.setattr(RecordKind, "check_chunk", refuse)
    assert _confirm(client, token).status_code == 302
    assert sorted(Activity.objects.values_list("title", flat=True)) == ["学习0", "学习1", "学习2"]


def test_a_file_changed_after_its_preview_is_checked_again(client, tree, people, settings):
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("好的学习")]))
    assert statuses(preview(client, token)) == {2: "new"}
    kept = next((settings.MEDIA_ROOT / "imports").glob(f"*/{token}.records"))
    kept.write_bytes(xlsx(RECORD_HEADERS, [record_row("好的学习"), record_row("坏行", day="不是日期")]).read())
    response = _confirm(client, token)
    assert response.status_code == 400
    assert [(n, c) for n, c, _m in response.context["summary"].errors] == [(3, "日期")]
    assert Activity.objects.count() == 0


def test_a_file_imported_without_a_preview_is_checked_first(client, tree, people):
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("学习"), record_row("坏行", day="x")]))
    response = _confirm(client, token)
    assert response.status_code == 400 and Activity.objects.count() == 0


def test_a_record_entered_between_the_preview_and_the_import_is_a_match(client, tree, people):
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("甲"), record_row("乙")]))
    assert statuses(preview(client, token)) == {2: "new", 3: "new"}
    ActivityFactory(committee=tree.county_a, held_on=DAY, kind=ActivityKind.COLLECTIVE, title="乙")
    assert _confirm(client, token).status_code == 302
    assert Activity.objects.filter(title="乙").count() == 1 and Activity.objects.filter(title="甲").count() == 1


def test_a_member_gone_between_the_preview_and_the_import_refuses_the_import(client, tree, people):
    MemberFactory(committee=tree.county_a, name="张三")
    gone = MemberFactory(committee=tree.county_a, name="李四")
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [
        record_row("甲", present="张三"), record_row("乙", present="李四")]))
    assert statuses(preview(client, token)) == {2: "new", 3: "new"}
    gone.delete()
    response = _confirm(client, token)
    assert response.status_code == 400
    assert [n for n, _c, _m in response.context["summary"].errors] == [3]
    assert Activity.objects.count() == 0


def test_imported_records_are_like_the_record_pages(client, tree, people):
    """The same fields, derived values and history as activity_create() gives a record and its attendance."""
    from sessions_app.models import month_start

    zhang = MemberFactory(committee=tree.county_a, name="张三")
    client.force_login(people.secretary_a)
    row = ["county-a", "集体学习", DAY.isoformat(), "带出席的学习", "张三", "", ""]
    _, token = upload(client, "records", xlsx(REASON_HEADERS, [row]))
    preview(client, token)
    _confirm(client, token)
    record = Activity.objects.get(title="带出席的学习")
    assert (record.month, record.created_by, record.is_late) == (month_start(DAY), people.secretary_a,
                                                                 record.late_after_dating())
    history = record.history.get()
    assert (history.history_type, history.history_user) == ("+", people.secretary_a)
    line = Attendance.objects.get(activity=record)
    assert (line.member, line.status) == (zhang, AttendanceStatus.PRESENT)
    assert line.history.get().history_user == people.secretary_a


def test_an_imported_record_has_the_history_rows_the_record_page_writes(client, tree, people):
    """history_insert() copies the rows in SQL: the same values as simple_history writes for activity_create()."""
    from sessions_app.services import activity_create

    zhang = MemberFactory(committee=tree.county_a, name="张三")
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(REASON_HEADERS, [
        ["county-a", "集体学习", DAY.isoformat(), "导入的", "张三", "", ""]]))
    preview(client, token)
    _confirm(client, token)
    imported = Activity.objects.get(title="导入的")
    paged = activity_create(user=people.secretary_a, committee=tree.county_a, kind=ActivityKind.COLLECTIVE,
                            data={"held_on": DAY, "title": "页面的"},
                            attendance=[{"member": zhang.pk, "status": AttendanceStatus.PRESENT, "reason": ""}])
    varying = {"id", "history_id", "history_date", "created_at", "title", "activity"}

    def history(model, **filters):
        (row,) = model.history.filter(**filters)
        return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.name not in varying}

    assert history(Activity, id=imported.pk) == history(Activity, id=paged.pk)
    assert history(Attendance, activity_id=imported.pk) == history(Attendance, activity_id=paged.pk)
    assert history(Activity, id=imported.pk)["history_user_id"] == people.secretary_a.pk


def test_an_imported_session_is_linked_to_its_waiting_filing(client, tree, people):
    from .supervision_factories import make_filing

    filing = make_filing(tree.county_a, planned_on=DAY)
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("报备过的学习"), record_row("另一次")]))
    preview(client, token)
    _confirm(client, token)
    filing.refresh_from_db()
    assert filing.activity is not None and filing.activity.held_on == DAY


def test_the_bulk_path_does_what_every_post_save_receiver_of_a_record_does():
    """The import writes records and attendance without post_save: it writes their history, links a waiting
    filing and wakes the recompute itself (imports/services.py RecordWriter). A new receiver must be done there
    too, then listed here."""
    from django.db.models.signals import post_save

    def name(receiver):
        receiver = receiver() if isinstance(receiver, weakref.ReferenceType) else receiver
        return f"{receiver.__module__}.{receiver.__qualname__}"

    for model in (Activity, Attendance):
        found = {name(receiver) for (_key, sender), receiver, *_rest in post_save.receivers
                 if sender in (id(model), id(None))}
        assert found == {"reports.kick._changed", "simple_history.models.HistoricalRecords.post_save"} | (
            {"supervision.signals.match_filing"} if model is Activity else set()), model


def test_the_figures_after_an_import_equal_a_fresh_count(client, tree, people):
    from reports.models import DirtyMonth
    from reports.rollup import rollup_dirty

    from .figures_oracle import mismatches

    MemberFactory(committee=tree.county_a, name="张三")
    rollup_dirty()
    client.force_login(people.secretary_a)
    days = [DAY, DAY - datetime.timedelta(days=40), DAY - datetime.timedelta(days=80)]
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [
        record_row(f"学习{i}", day=day, present="张三") for i, day in enumerate(days)]))
    preview(client, token)
    assert _confirm(client, token).status_code == 302
    assert {day.replace(day=1) for day in days} <= set(DirtyMonth.objects.values_list("month", flat=True))
    rollup_dirty()
    assert mismatches() == []


def test_rows_that_break_a_constraint_checked_in_python_are_wrong_at_their_column(client, tree, people):
    """The CHECK constraints the import does not ask of the database (kinds.CHECKED_IN_PYTHON) are the record's,
    and a row that breaks one is wrong, as on the record page."""
    from django.db.models import CheckConstraint

    from imports.kinds import CHECKED_IN_PYTHON

    assert CHECKED_IN_PYTHON <= {c.name for c in Activity._meta.constraints if isinstance(c, CheckConstraint)}
    client.force_login(people.secretary_a)
    file = xlsx(["委员会编码", "类型", "日期", "主题", "结束日期", "学时", "天数", "参加人数"], [
        ["county-a", "读书班", DAY.isoformat(), "结束在开始前", (DAY - datetime.timedelta(days=1)).isoformat(), 4, 2, 10],
        ["county-a", "集体学习", "1949-09-30", "建国以前", "", "", "", ""],
    ])
    _, token = upload(client, "records", file)
    errors = {(n, c) for n, c, _m in preview(client, token).context["summary"].errors}
    assert (2, "结束日期") in errors and (3, "日期") in errors


def test_the_queries_do_not_grow_with_the_rows(client, tree, people):
    """Lookups are asked once per chunk of rows (services.CHUNK), never once per row: preview and import of 3
    and of 30 rows (each on its own day) ask the same number of queries (the inserts aside: SQLite's limit of 999
    parameters splits a bulk insert of many rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MemberFactory(committee=tree.county_a, name="张三")
    client.force_login(people.secretary_a)
    counts = []
    for n, prefix in ((3, "少"), (30, "多")):
        _, token = upload(client, "records", xlsx(RECORD_HEADERS, [
            record_row(f"{prefix}{i}", day=DAY - datetime.timedelta(days=i), present="张三") for i in range(n)]))
        with CaptureQueriesContext(connection) as previewed:
            assert statuses(preview(client, token)) == {i: "new" for i in range(2, n + 2)}
        with CaptureQueriesContext(connection) as imported:
            assert _confirm(client, token).status_code == 302
        counts.append([sum(not q["sql"].startswith("INSERT") for q in queries)
                       for queries in (previewed.captured_queries, imported.captured_queries)])
    assert counts[0] == counts[1]
    assert Activity.objects.count() == 33


# ------------------------------------------------------------------ a big import, as a task


def test_a_big_import_runs_as_a_task_with_a_page_showing_its_outcome(client, tree, people, monkeypatch):
    from imports import services

    monkeypatch.setattr(services, "BIG_IMPORT", 2)
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row(f"学习{i}") for i in range(3)]))
    assert "data-import-background" in preview(client, token).content.decode()
    response = _confirm(client, token)
    assert response.status_code == 302 and response["Location"] == reverse("imports:status", args=[token])
    assert Activity.objects.count() == 3  # tasks run in-process here
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'data-import-state="done"' in page.content.decode()
    client.force_login(people.secretary_b)
    assert client.get(response["Location"]).status_code == 404


def test_a_running_import_shows_its_progress_and_follows_it(client, tree, people):
    from imports import storage

    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("学习")]))
    path, _kind = storage.find(people.secretary_a, token, ["records"])
    storage.set_status(path, state="running", done=1500, total=6000)
    html = client.get(reverse("imports:status", args=[token])).content.decode()
    assert 'data-import-state="running"' in html and 'aria-valuenow="25"' in html
    assert 'http-equiv="refresh"' in html
    storage.set_status(path, state="failed", message="导入中途停止")
    html = client.get(reverse("imports:status", args=[token])).content.decode()
    assert "导入中途停止" in html and 'http-equiv="refresh"' not in html


def test_a_refused_big_import_lists_its_rows_on_its_page(client, tree, people, monkeypatch):
    from imports import services

    monkeypatch.setattr(services, "BIG_IMPORT", 1)
    gone = MemberFactory(committee=tree.county_a, name="李四")
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("甲"), record_row("乙", present="李四")]))
    preview(client, token)
    gone.delete()
    page = client.get(_confirm(client, token)["Location"])
    assert 'data-import-state="refused"' in page.content.decode()
    assert [n for n, _c, _m in page.context["summary"].errors] == [3]
    assert Activity.objects.count() == 0


def test_a_task_run_again_imports_nothing_more(client, tree, people, monkeypatch):
    from imports import services
    from imports.tasks import import_run

    monkeypatch.setattr(services, "BIG_IMPORT", 1)
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("甲"), record_row("乙")]))
    preview(client, token)
    _confirm(client, token)
    import_run.delay(people.secretary_a.pk, token, "records")  # redelivered after it finished
    assert Activity.objects.count() == 2


# ------------------------------------------------------------------ clean-up


def test_uploads_never_imported_are_forgotten_after_a_day(client, tree, people, settings):
    import os
    import time

    from django.core.management import call_command

    client.force_login(people.secretary_a)
    _, old = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("旧的")]))
    preview(client, old)
    _, fresh = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("新的")]))
    folder = settings.MEDIA_ROOT / "imports" / str(people.secretary_a.pk)
    day_ago = time.time() - 25 * 3600
    for path in folder.glob(f"{old}.*"):
        os.utime(path, (day_ago, day_ago))
    assert len(list(folder.glob(f"{old}.*"))) == 3  # the upload and its checked rows
    call_command("imports_forget", stdout=io.StringIO())
    assert [p.name for p in folder.iterdir()] == [f"{fresh}.records"]
    assert preview(client, old).status_code == 404


def test_the_benchmark_previews_imports_and_previews_again(db):
    """bench/imports.py (issue 11's measure) at a small size: every row created once, a second preview all matches."""
    from bench.imports import run

    result = run(30)
    assert (result["records"], result["attendance_rows"]) == (30, 30 * 12)
    assert result["import_counts"]["new"] == 30 and result["reimport_counts"] == {"new": 0, "match": 30, "wrong": 0}


def test_a_big_import_writes_its_outcome_in_the_language_of_who_asked(client, tree, people):
    from imports import storage, tasks

    gone = MemberFactory(committee=tree.county_a, name="李四")
    client.force_login(people.secretary_a)
    _, token = upload(client, "records", xlsx(RECORD_HEADERS, [record_row("乙", present="李四")]))
    preview(client, token)
    gone.delete()
    path, _kind = storage.find(people.secretary_a, token, ["records"])
    tasks.import_run(people.secretary_a.pk, token, "records", "en")  # as a worker runs it, outside any request
    reasons = [message for _n, _c, message in storage.read_status(path)["summary"]["errors"]]
    assert reasons and all(message.isascii() for message in reasons)
