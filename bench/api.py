"""The record list API at scale (issue 11): GET /api/v1/records/ pages of 50 with their attendance, server time
p50 / p95 and SQL queries per request, for a province leader (the root: the whole tree) and a county leader,
and "constant queries per page": the same count for pages of 5 and of 50, on the first page and a later one,
for a large scope and a small one (a leaf's leader).

The generated data set has records only; `ensure_attendance()` adds a roster to every committee and the
attendance of the latest months' records of the kinds that keep it (the months the measured pages show),
once, in two INSERT … SELECT statements (no triggers on these tables, no figure depends on them), then on
PostgreSQL a VACUUM (ANALYZE) of the tables no vacuum has visited yet.

`make bench` measures it with the rest; this part alone, on the bench database (built first if missing):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_bench .venv/bin/python -m bench.api [--requests 200]
"""
import argparse
import json
import os
import sys
import time
from statistics import median

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.harness import percentile

MEMBERS_PER_COMMITTEE = 10
ATTENDANCE_MONTHS = 3  # the province leader's pages are all in the last month; a county's first pages the last two
URL = "/api/v1/records/"
# (scope name, bench user, pages timed)
SCOPES = {
    "province": ("bench-root", (1, 2, 20)),
    "county": ("bench-county", (1, 2, 5)),
}


def ensure_attendance(months):
    """Members for every committee and attendance for the last months' records (once); returns a summary."""
    from committees.models import Committee, Member
    from sessions_app.kinds import ATTENDANCE_KINDS
    from sessions_app.models import Activity, Attendance

    if Member.objects.exists():
        return {"built_now": False, "members": Member.objects.count(), "attendance": Attendance.objects.count(),
                "vacuumed_now": _vacuum_once([Activity, Member, Attendance])}
    started = time.perf_counter()
    member, committee = Member._meta.db_table, Committee._meta.db_table
    attendance, activity = Attendance._meta.db_table, Activity._meta.db_table
    numbers = " UNION ALL ".join(f"SELECT {n} AS n" for n in range(MEMBERS_PER_COMMITTEE))
    kinds = ", ".join(f"'{kind.value}'" for kind in ATTENDANCE_KINDS)
    since = months[-ATTENDANCE_MONTHS].isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{member}" (committee_id, name, position, active, "order", is_leader) '
            f"SELECT c.id, '成员' || CAST(k.n + 1 AS TEXT), CASE WHEN k.n = 0 THEN '书记' ELSE '' END, %s, k.n, k.n < 3 "
            f'FROM "{committee}" c CROSS JOIN ({numbers}) k',
            [True],
        )
        # One member in ten on leave (with its reason), one in twenty late, the rest present.
        cursor.execute(
            f'INSERT INTO "{attendance}" (activity_id, member_id, status, reason, made_up_note) '
            "SELECT a.id, m.id, CASE WHEN (a.id + m.\"order\") %% 10 = 0 THEN 'excused' "
            "WHEN (a.id + m.\"order\") %% 20 = 5 THEN 'late' ELSE 'present' END, "
            "CASE WHEN (a.id + m.\"order\") %% 10 = 0 THEN '出差' ELSE '' END, '' "
            f'FROM "{activity}" a JOIN "{member}" m ON m.committee_id = a.committee_id '
            f"WHERE a.month >= %s AND a.kind IN ({kinds})",
            [since],
        )
    vacuumed = _vacuum_once([Activity, Member, Attendance])
    return {"built_now": True, "seconds": time.perf_counter() - started, "since_month": since,
            "members": Member.objects.count(), "attendance": Attendance.objects.count(), "vacuumed_now": vacuumed}


def _vacuum_once(models):
    """PostgreSQL: VACUUM (ANALYZE) the tables no vacuum has visited yet, as autovacuum does to a live database
    some time after a bulk load (the visibility map lets a count or a page read an index without the table).
    Done here, once, so that whether autovacuum happened to pass before the run does not decide the figures."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:  # VACUUM cannot run in a transaction (tests)
        return []
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) "
                       "AND last_vacuum IS NULL AND last_autovacuum IS NULL", [tables])
        todo = [row[0] for row in cursor.fetchall()]
        for table in todo:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    return todo


def _client(username):
    from committees.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _url(page, size):
    return f"{URL}?page_size={size}&page={page}"


def _counted(client, url):
    """One request: its status, body and SQL statements."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q["sql"] for q in captured.captured_queries]


def measure_records_api(*, requests=50, warmup=2):
    """{scope: {p50_ms, p95_ms, …, pages: {page: queries}}, "queries": {case: n}, "constant": bool}."""
    out = {"scopes": {}, "queries": {}}
    for scope, (username, pages) in SCOPES.items():
        client = _client(username)
        urls = [_url(page, 50) for page in pages]
        summary = {"user": username, "pages": list(pages), "page_size": 50}
        for url in urls:
            for _ in range(warmup):
                response = client.get(url)
            if response.status_code != 200:
                summary["error"] = f"{url}: HTTP {response.status_code}"
                break
        if "error" in summary:
            out["scopes"][scope] = summary
            continue
        response, sql = _counted(client, urls[0])
        body = response.json()
        rows = body["results"]
        summary.update(
            count=body["count"], rows=len(rows), rows_with_attendance=sum(1 for r in rows if r["attendance"]),
            attendance_rows=sum(len(r["attendance"]) for r in rows), queries=len(sql),
            sql=[" ".join(s.split())[:300] for s in sql],
        )
        samples = []
        for n in range(requests):
            url = urls[n % len(urls)]
            started = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        summary.update(requests=requests, p50_ms=median(samples), p95_ms=percentile(samples, 95), max_ms=max(samples))
        out["scopes"][scope] = summary
    # Queries per request: pages of 5 and of 50, a first and a later page, a large and a small scope.
    cases = {
        "province, page 1 of 50": ("bench-root", _url(1, 50)),
        "province, page 1 of 5": ("bench-root", _url(1, 5)),
        "province, page 20 of 50": ("bench-root", _url(20, 50)),
        "county, page 1 of 50": ("bench-county", _url(1, 50)),
        "county, page 1 of 5": ("bench-county", _url(1, 5)),
        "leaf, page 1 of 50": ("bench-leaf", _url(1, 50)),
    }
    for case, (username, url) in cases.items():
        response, sql = _counted(_client(username), url)
        out["queries"][case] = len(sql) if response.status_code == 200 else f"HTTP {response.status_code}"
    counts = set(out["queries"].values())
    out["constant"] = len(counts) == 1 and all(isinstance(n, int) for n in counts)
    return out


def main(argv=None):
    """The records API part of the benchmark alone: the data set of `--size` (reused, or built when missing, as
    `make bench` builds it), its attendance, then measure_records_api(); prints the results as JSON."""
    parser = argparse.ArgumentParser(description="The record list API at scale (issue 11), alone.")
    parser.add_argument("--size", default="full", help="Data set size (bench/generator.py SIZES).")
    parser.add_argument("--requests", type=int, default=50, help="Timed requests per scope (after warm-up).")
    parser.add_argument("--json", help="Also write the results here.")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studygroup.settings_test")
    import django

    django.setup()
    from bench import dataset, generator

    size = generator.SIZES[args.size]
    dataset.guard()
    dataset.create_if_missing()
    with dataset.exclusive():
        dataset.migrate()
        summary, built, seconds = dataset.ensure(size, stdout=sys.stdout)
        months = generator.month_starts(size)
        result = {"database": dataset.describe(), "size": size.name, "records": summary["records"],
                  "built_now": built, "build_seconds": round(seconds, 1), "load_at_start": _load()}
        result["data"] = ensure_attendance(months)
        result.update(measure_records_api(requests=args.requests))
        result["load_at_end"] = _load()
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    from bench.report import _api_rows

    for row in _api_rows({"api": result}):  # the rows of bench/results.md's table
        print("| " + " | ".join(row) + " |")
    if args.json:
        with open(args.json, "w") as out:
            out.write(text)
    return 0


def _load():
    return [round(x, 2) for x in os.getloadavg()]


if __name__ == "__main__":
    sys.exit(main())
