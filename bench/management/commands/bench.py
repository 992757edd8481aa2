"""`make bench` / `make bench-quick`: the benchmark of issues 3 and 7 (see bench/).

Builds (or reuses) a data set in its own database, then measures in one run: the full rollup against
a plain-SQL baseline (and that they agree row for row), one changed record's dirty month, the rollup's
peak memory, the leader pages' server time and SQL queries per request beside a trivial page, a save's
server time with the statistics off, with a worker and embedded, and save-to-figure freshness with a
real worker under a stream of saves; for issue 11, the record list API's pages of 50 with attendance
(server time, SQL queries per page, constant over page size and scope) and the bulk import of N rows
(bench/imports.py, in a child process on a throwaway database: time and peak memory). Prints the table and writes bench/results.{md,json} (quick:
bench/results-quick.{md,json}).
"""
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from bench import api, baseline, dataset, freshness, generator, harness, report, saves
from reports.models import DirtyMonth

# The size whose query counts are compared with this run's ("queries per request do not grow").
COMPARE_SIZE = {"full": "quick", "quick": "tiny"}
DRILL_METRIC = "study_sessions"


class Command(BaseCommand):
    help = "Benchmark: rollup vs a plain-SQL baseline, dirty month, memory, dashboard and drill-down times."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="Small data (SQLite allowed), under a minute.")
        parser.add_argument("--size", choices=sorted(generator.SIZES), help="Data set size (default: full).")
        parser.add_argument("--rebuild", action="store_true", help="Rebuild the data set even if it exists.")
        parser.add_argument("--requests", type=int, default=50, help="Timed requests per page (after warm-up).")
        parser.add_argument("--queries-only", action="store_true",
                            help="Only build, roll up and count SQL queries per page (used for the size comparison).")
        parser.add_argument("--json-out", help="Write the raw results here instead of bench/.")
        parser.add_argument("--compare-url", help="Database URL for the smaller data set the query counts are "
                            "compared with (default: this database's name + '_small' / a tiny SQLite file).")
        parser.add_argument("--no-compare", action="store_true", help="Skip the smaller data set comparison.")
        parser.add_argument("--saves", dest="save_count", type=int,
                            help="Timed record saves per configuration (default 100; 20 with --quick).")
        parser.add_argument("--save-rate", type=float, default=20.0, help="Saves per second for the freshness run.")
        parser.add_argument("--freshness-seconds", type=float, default=40.0,
                            help="How long the freshness run drives saves.")
        parser.add_argument("--import-rows", type=int,
                            help="Rows of the timed bulk import (default 10,000; 2,000 with --quick).")

    def handle(self, *args, **options):
        size = generator.SIZES[options.pop("size") or ("quick" if options["quick"] else "full")]
        dataset.guard()
        if dataset.create_if_missing():
            self.stdout.write(f"Created database {dataset.describe()}.")
        with dataset.exclusive():
            self._run(size, **options)

    def _run(self, size, *, rebuild, requests, queries_only, json_out, compare_url, no_compare, save_count, save_rate,
             freshness_seconds, import_rows, **options):
        dataset.migrate()
        summary, built, seconds = dataset.ensure(size, rebuild=rebuild, stdout=self.stdout)
        self.stdout.write(
            f"Data set {size.name}: {summary['committees']:,} committees, {summary['records']:,} records "
            + (f"(built in {seconds:.1f} s)" if built else "(reused; --rebuild to regenerate)")
        )
        months = generator.month_starts(size)
        positions = self._positions()
        results = {
            "size": size.name, "database": dataset.describe(), "machine": _machine(), "load_at_start": _load(),
            "dataset": {**summary, "built_now": built, "build_seconds": seconds if built else None},
        }
        if queries_only:
            return self._queries_only(results, months, positions, json_out)
        # Records an interrupted run saved would count in the figures: gone before anything is measured
        # (the full rollup below recomputes their months and claims the marks).
        results["dataset"]["leftover_bench_records"] = saves.remove_bench_records(recompute=False)
        results["rollup"] = self._rollup(months)
        results["memory"] = results["rollup"].pop("memory")
        self.stdout.write(f"Memory: {json.dumps(results['memory'])}")
        urls = harness.page_urls(positions, months[-1], DRILL_METRIC)
        results["pages"] = harness.measure_pages(urls, requests=requests)
        results["api"] = self._api(months, requests)
        # A shared machine's noise is larger than the effect measured: the full run takes twice the samples.
        results["saves"] = self._saves(months, save_count or (100 if size.name == "full" else 20))
        results["freshness"] = self._freshness(months, save_rate, freshness_seconds)
        results["dataset"]["bench_records_removed"] = saves.remove_bench_records()
        results["dataset"]["marks_left_after_bench"] = DirtyMonth.objects.count()
        results["imports"] = self._imports(import_rows or (10_000 if size.name == "full" else 2_000))
        if not no_compare:
            results["small_size_queries"] = self._compare_size(size, compare_url)
        results["finished_at"] = timezone.localtime().isoformat(timespec="seconds")
        results["load_at_end"] = _load()
        self._write(results, quick=size.name != "full", json_out=json_out)

    def _positions(self):
        """Committee codes of the measured leaders: the root, a county, a leaf."""
        from committees.models import Committee

        rows = list(Committee.objects.order_by("path").values_list("path", "depth", "numchild", "code"))
        codes = {path: code for path, _, _, code in rows}
        return {name: codes[path] for name, path in generator.bench_positions(rows).items()}

    def _rollup(self, months):
        from reports.models import MetricValue, MonthStatus

        out = {"months": [m.isoformat() for m in (months[0], months[-1])]}
        harness.warm_cache()
        # Both start from an empty table with the same indexes: the cost of writing the rows counts.
        _empty(MetricValue)
        _empty(MonthStatus)
        built = baseline.build(months)
        out["baseline_seconds"], out["baseline_phases"] = built["seconds"], built["phases"]
        self.stdout.write(f"Baseline (plain SQL): {out['baseline_seconds']:.2f} s {json.dumps(built['phases'])}")
        out["full_rollup_seconds"], out["memory"] = harness.measure_full_rollup(months)
        self.stdout.write(f"Full rollup of {len(months)} months: {out['full_rollup_seconds']:.2f} s")
        out["comparison"] = baseline.compare(months, [m.key for m in baseline.activity_metrics()])
        self.stdout.write(f"Agreement: {json.dumps(out['comparison'], ensure_ascii=False)}")
        # One record changed, then rollup_dirty() as the worker runs it: in December of the data set's last
        # year (the chain is that month alone), in July and in January (the later months' year to date too).
        out["dirty_changes"] = []
        for month in (months[-1], months[-6], months[-12]):
            change = harness.measure_dirty_change(month)
            out["dirty_changes"].append(change)
            self.stdout.write(f"One record changed in {month:%Y-%m}, rollup_dirty(): "
                              f"{json.dumps(change.get('runs_seconds', change.get('error')))} s")
        baseline.drop_tables()
        return out

    def _api(self, months, requests):
        out = {"data": api.ensure_attendance(months)}
        self.stdout.write(f"API data (members, attendance): {json.dumps(out['data'])}")
        out.update(api.measure_records_api(requests=requests))
        for scope, summary in out["scopes"].items():
            self.stdout.write(f"Records API, {scope}: " + (
                summary["error"] if "error" in summary else
                f"p50 {summary['p50_ms']:.1f} ms, p95 {summary['p95_ms']:.1f} ms, {summary['queries']} queries, "
                f"{summary['rows_with_attendance']} of {summary['rows']} rows with attendance"))
        self.stdout.write(f"Records API queries per request: {json.dumps(out['queries'])}")
        return out

    def _imports(self, rows):
        """bench/imports.py in a child process (its own peak memory, its own throwaway database), at `rows`
        and at a tenth of them: a memory that grows with the file shows as the difference."""
        out = {}
        for n in (rows // 10, rows):
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
                path = tmp.name
            command = [sys.executable, "-m", "bench.imports", "--rows", str(n), "--json", path]
            self.stdout.write(f"Bulk import of {n:,} rows …")
            done = subprocess.run(command, cwd=settings.BASE_DIR, env=os.environ.copy(), capture_output=True, text=True)
            if done.returncode != 0:
                out[str(n)] = {"rows": n, "error": done.stderr[-2000:]}
            else:
                out[str(n)] = json.loads(Path(path).read_text())
            os.unlink(path)
            shown = {k: v for k, v in out[str(n)].items() if k not in ("error",)}
            self.stdout.write(f"  {json.dumps(shown, ensure_ascii=False)[:600]}")
        out["rows"], out["reference_rows"] = rows, rows // 10
        return out

    def _saves(self, months, count):
        redis_url = settings.REDIS_URL
        configs = ["off", "thread"]
        if saves.redis_answers(redis_url):
            configs.insert(1, "celery")
        else:
            self.stdout.write(f"Save with a worker (celery) skipped: needs Redis (REDIS_URL={redis_url!r}).")
        out = saves.measure_saves(month=months[-1], saves=count, configs=configs, redis_url=redis_url)
        if "celery" not in configs:
            out["celery_skipped"] = "needs Redis (REDIS_URL)"
        for name, summary in out["configs"].items():
            self.stdout.write(f"Save, {name}: p50 {summary['p50_ms']:.1f} ms, p95 {summary['p95_ms']:.1f} ms")
        return out

    def _freshness(self, months, rate, seconds):
        """Two streams: every save into the data set's last month (this month), then the same with one save
        in five into the month before (last month's records entered late: two months of one year dirty)."""
        out = {}
        for name, share_last in (("one_month", 1.0), ("two_months", 0.8)):
            out[name] = freshness.measure_freshness(months=months, rate=rate, seconds=seconds,
                                                    redis_url=settings.REDIS_URL, share_last=share_last)
            if "skipped" in out[name]:
                self.stdout.write(f"Freshness with a worker skipped: {out[name]['skipped']}.")
                break
            shown = {k: v for k, v in out[name].items() if k != "worker_log_tail"}
            self.stdout.write(f"Freshness, {name.replace('_', ' ')}: {json.dumps(shown)}")
        return out

    def _queries_only(self, results, months, positions, json_out):
        from reports.rollup import rollup_months

        rollup_months(months)
        urls = harness.page_urls(positions, months[-1], DRILL_METRIC)
        results["pages"] = harness.measure_pages(urls, requests=0, count_queries_only=True)
        text = json.dumps(results, indent=2, default=str)
        if json_out:
            Path(json_out).write_text(text)
        else:
            self.stdout.write(text)

    def _compare_size(self, size, compare_url):
        """Run the smaller data set in a child process on its own database and read its query counts."""
        small = COMPARE_SIZE.get(size.name)
        if small is None:
            return {}
        url = compare_url or _sibling_url(small)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
            path = out.name
        env = {**os.environ, "DATABASE_URL": url}
        command = [sys.executable, "manage.py", "bench", "--size", small, "--queries-only", "--json-out", path]
        self.stdout.write(f"Query counts at size {small} on {url} …")
        done = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            return {"size": small, "error": done.stderr[-2000:]}
        data = json.loads(Path(path).read_text())
        os.unlink(path)
        return {"size": small, "database": data.get("database"), "dataset": data.get("dataset"),
                "pages": data.get("pages", {})}

    def _write(self, results, *, quick, json_out):
        if json_out:
            Path(json_out).write_text(json.dumps(results, indent=2, default=str))
            return
        json_path, md_path = report.write(results, quick=quick)
        self.stdout.write("")
        self.stdout.write(report.markdown(results))
        self.stdout.write(f"Wrote {json_path} and {md_path}.")


def _sibling_url(size_name):
    """The smaller data set's database, next to this one: sg_bench → sg_bench_quick; SQLite → var/bench-tiny."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}_{size_name}"
    return f"sqlite:///{Path(settings.VAR_DIR) / f'bench-{size_name}.sqlite3'}"


def _empty(model):
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'TRUNCATE "{table}"' if connection.vendor == "postgresql" else f'DELETE FROM "{table}"')


def _machine():
    return f"{platform.node()} ({os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()})"



def _load():
    """The machine's 1/5/15-minute load averages: other work on a shared machine inflates every time."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None
