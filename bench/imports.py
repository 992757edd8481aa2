"""Bulk import at scale (issue 11): a spreadsheet of N study records, each with an attendance list, checked
(the preview: the record page's form for each row, lookups batched per chunk of 500 rows, the validated rows kept
beside the file) and imported all or nothing (the kept rows written with bulk inserts per chunk in one
transaction, with their history and attendance), timed, with the resident memory peaks and the SQL queries.

    DATABASE_URL=... .venv/bin/python -m bench.imports [--rows 10000] [--json out.json]

A throwaway test database is created and dropped (test_<name> of DATABASE_URL, or SQLite in memory). The target:
10,000 rows within 60 s with memory bounded (the reader streams rows: openpyxl read-only, csv one line at a time;
the preview keeps 200 rows and 500 problems whatever the size of the file). Memory: `peak_rss_mb_before` is the
resident size before the preview, `peak_rss_mb_after_preview` / `_after_import` the resident peak during each
step (the kernel's high-water mark reset before it, Linux).
"""
import argparse
import contextlib
import datetime
import gc
import json
import os
import resource
import sys
import tempfile
import time

MEMBERS = 12
PRESENT = 8


def _peak_rss_mb():
    """The process's resident peak since the last reset (Linux VmHWM; else the lifetime peak, ru_maxrss)."""
    from bench.harness import _status_kb

    hwm = _status_kb("VmHWM")
    return round((hwm or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024, 1)  # KiB


def _rss_now_mb():
    """Resident memory now, with the peak reset to it, so the next peak is the step's own (Linux)."""
    from bench.harness import _reset_peak_rss, _status_kb

    gc.collect()
    _reset_peak_rss()
    now = _status_kb("VmRSS")
    return round(now / 1024, 1) if now else _peak_rss_mb()


@contextlib.contextmanager
def _counting_queries():
    """The number of SQL statements run inside (a counter, not a list: memory stays what it is)."""
    from django.db import connection

    count = [0]

    def wrapper(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


def _workbook(path, rows, today):
    from openpyxl import Workbook

    from imports.kinds import RecordKind

    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据")
    headers = RecordKind.headers()
    sheet.append(headers)
    index = {header: i for i, header in enumerate(headers)}
    present = "、".join(f"成员{i}" for i in range(PRESENT))
    absent = "、".join(f"成员{i}（出差）" for i in range(PRESENT, MEMBERS))
    for n in range(rows):
        line = [""] * len(headers)
        line[index["委员会编码"]] = "bench-county"
        line[index["类型"]] = "集体学习"
        line[index["日期"]] = (today - datetime.timedelta(days=1 + n % 300)).isoformat()
        line[index["主题"]] = f"批量导入的学习 {n}"
        line[index["领学人"]] = "书记"
        line[index["出席人员"]] = present
        line[index["缺席人员"]] = absent
        sheet.append(line)
    book.save(path)


def run(rows):
    from django.utils import timezone

    from committees.models import CommitteeKind, Member, Role, RoleKind, User
    from committees.services import committee_create
    from imports.kinds import RecordKind
    from imports.services import import_file, import_preview
    from sessions_app.models import Activity, Attendance

    city = committee_create(code="bench-city", name="市委", kind=CommitteeKind.CITY)
    county = committee_create(parent=city, code="bench-county", name="县委", kind=CommitteeKind.COUNTY)
    Member.objects.bulk_create(Member(committee=county, name=f"成员{i}", order=i) for i in range(MEMBERS))
    user = User.objects.create_user(username="bench-secretary", password="x")
    Role.objects.create(user=user, committee=county, kind=RoleKind.SECRETARY)
    today = timezone.localdate()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "rows.xlsx")
        started = time.perf_counter()
        _workbook(path, rows, today)
        written = time.perf_counter() - started
        size = os.path.getsize(path)
        rss_before = _rss_now_mb()
        load_before = os.getloadavg()
        started = time.perf_counter()
        with _counting_queries() as preview_queries:
            summary = import_preview(user=user, kind_class=RecordKind, path=path)
        preview_s = time.perf_counter() - started
        rss_preview = _peak_rss_mb()
        _rss_now_mb()
        started = time.perf_counter()
        with _counting_queries() as import_queries:
            done = import_file(user=user, kind_class=RecordKind, path=path)
        import_s = time.perf_counter() - started
        rss_import = _peak_rss_mb()
        load_after = os.getloadavg()
        started = time.perf_counter()
        again = import_preview(user=user, kind_class=RecordKind, path=path)
        reimport_preview_s = time.perf_counter() - started
    return {
        "rows": rows, "file_bytes": size, "write_s": round(written, 2),
        "peak_rss_mb_before": rss_before, "peak_rss_mb_after_preview": rss_preview,
        "peak_rss_mb_after_import": rss_import,
        "preview_s": round(preview_s, 2), "preview_rows_per_s": round(rows / preview_s),
        "preview_counts": summary.counts,
        "preview_queries": preview_queries[0],
        "import_s": round(import_s, 2), "import_rows_per_s": round(rows / import_s), "import_counts": done.counts,
        "import_queries": import_queries[0],
        "preview_and_import_s": round(preview_s + import_s, 2),
        "records": Activity.objects.filter(committee=county).count(),
        "attendance_rows": Attendance.objects.filter(activity__committee=county).count(),
        "reimport_preview_s": round(reimport_preview_s, 2), "reimport_counts": again.counts,
        "within_60s": import_s <= 60, "preview_and_import_within_60s": preview_s + import_s <= 60,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "measured_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studygroup.settings_test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        result = {"database": connection.vendor, **run(args.rows)}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, ensure_ascii=False, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
