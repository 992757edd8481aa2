"""The measures: rollup against the baseline, one changed record's dirty month, peak memory, page server
times and queries per request. Each returns plain dicts that go straight into results.json."""
import gc
import math
import resource
import time
import tracemalloc
from statistics import median

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

MB = 1024 * 1024


def percentile(samples, p):
    """Nearest-rank percentile (p in 0..100) of a list of numbers."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _rollup_api():
    from reports import rollup  # h2a's engine; may not exist yet while it is being built

    return rollup


# ---------------------------------------------------------------- memory

def _status_kb(field):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss():
    """Reset the kernel's high-water mark (VmHWM) so the next peak is the rollup's own (Linux)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def measure_full_rollup(months):
    """One full rollup, timed, with its peak memory: Python heap (tracemalloc) and the process's
    resident peak. The rollup's work is SQL, so tracemalloc's overhead on its few Python objects is
    negligible, and one run gives both figures (a second 24-month run would add minutes)."""
    rollup = _rollup_api()
    gc.collect()
    rss_before_kb = _status_kb("VmRSS")
    reset = _reset_peak_rss()
    maxrss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    rollup.rollup_months(months)
    seconds = time.perf_counter() - started
    _current, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_after_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm_kb = _status_kb("VmHWM")
    rss_peak_delta = (hwm_kb - rss_before_kb) / 1024 if reset and hwm_kb and rss_before_kb else None
    return seconds, {
        "python_heap_peak_mb": heap_peak / MB,
        "ru_maxrss_delta_mb": (maxrss_after_kb - maxrss_before_kb) / 1024,
        "rss_peak_over_start_mb": rss_peak_delta,
        "rss_before_mb": (rss_before_kb or 0) / 1024,
        "note": "client process only; PostgreSQL's own memory is bounded by work_mem per sort/hash",
    }


# ---------------------------------------------------------------- rollup and baseline

def warm_cache():
    """Read the records once so neither the baseline nor the rollup pays for a cold cache."""
    from sessions_app.models import Activity

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), SUM(COALESCE(audience_count, 0)) FROM {Activity._meta.db_table}")
        cursor.fetchone()


def measure_dirty_change(month, *, runs=2):
    """The realistic dirty month: one record of `month` changed (a figure's value, through a queryset
    update, so the marking trigger writes the mark and nothing recomputes behind the measure's back),
    then `rollup_dirty()` as the worker runs it: closure, claim, the month, and the later months' year
    to date up to December. Twice (+1, then −1: the data set ends as it was); returns the first run's
    seconds, every run's, and the first run's slowest statements."""
    from django.db.models import F
    from django.test.utils import override_settings

    from reports.models import DirtyMonth
    from sessions_app.models import Activity

    rollup = _rollup_api()
    record = (Activity.objects.filter(month=month, audience_count__isnull=False).order_by("pk")
              .values_list("pk", flat=True).first())
    if record is None:
        return {"month": month.isoformat(), "error": "no record with an audience in this month"}
    seconds, statements = [], None
    for step in (1, -1)[:runs]:
        with override_settings(STATS_RECOMPUTE="off"):
            Activity.objects.filter(pk=record).update(audience_count=F("audience_count") + step)
        marked = sorted({m.isoformat() for m in DirtyMonth.objects.values_list("month", flat=True)})
        spent, profile = _profiled(rollup.rollup_dirty)
        seconds.append(spent)
        statements = statements or profile
    return {"month": month.isoformat(), "marked": marked, "seconds": seconds[0], "runs_seconds": seconds,
            "statements": statements}


def _profiled(run):
    """Run `run()`; its seconds and the time of each SQL statement it ran, slowest first."""
    profile = {}

    def timing(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = " ".join(sql.split())[:200]
            spent, calls = profile.get(key, (0.0, 0))
            profile[key] = (spent + time.perf_counter() - started, calls + 1)

    started = time.perf_counter()
    with connection.execute_wrapper(timing):
        run()
    seconds = time.perf_counter() - started
    slowest = sorted(profile.items(), key=lambda item: -item[1][0])[:6]
    return seconds, [{"sql": sql, "seconds": spent, "calls": calls} for sql, (spent, calls) in slowest]


# ---------------------------------------------------------------- pages

def page_urls(positions, month, drill_metric):
    """{name: (username, url)} for the measured pages; a page whose URL does not exist yet is None."""
    ym = f"{month:%Y-%m}"

    def url(name, *args, **query):
        try:
            path = reverse(name, args=args)
        except NoReverseMatch:
            return None
        return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    return {
        # A trivial logged-in page: login_required, base.html and a small form, no portal data.
        "trivial_page": ("bench-root", url("password_change")),
        "home_page": ("bench-root", url("sessions_app:home")),
        "dashboard_root": ("bench-root", url("reports:dashboard", committee=positions["root"], month=ym)),
        "dashboard_county": ("bench-county", url("reports:dashboard", committee=positions["county"], month=ym)),
        "dashboard_leaf": ("bench-leaf", url("reports:dashboard", committee=positions["leaf"], month=ym)),
        "drilldown_root": (
            "bench-root", url("reports:drilldown", drill_metric, committee=positions["root"], month=ym)
        ),
        "drilldown_county": (
            "bench-county", url("reports:drilldown", drill_metric, committee=positions["county"], month=ym)
        ),
    }


def _client(username):
    from committees.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def measure_page(username, url, *, requests, warmup=5, count_queries_only=False):
    """Server time of `requests` in-process GETs after `warmup`, and the SQL queries of one request."""
    client = _client(username)
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            return {"url": url, "error": f"HTTP {response.status_code}"}
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    result = {
        "url": url, "queries": len(captured.captured_queries),
        # The statements themselves (shortened), so a change in the count can be traced to its query.
        "sql": [q["sql"][:160] for q in captured.captured_queries],
    }
    if count_queries_only:
        return result
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    result.update(
        requests=requests, p50_ms=median(samples), p95_ms=percentile(samples, 95), max_ms=max(samples),
    )
    return result


def measure_pages(urls, *, requests, count_queries_only=False):
    results = {}
    for name, (username, url) in urls.items():
        if url is None:
            results[name] = {"error": "URL not available (view not built yet)"}
            continue
        try:
            results[name] = measure_page(username, url, requests=requests, count_queries_only=count_queries_only)
        except Exception as exc:  # a page that crashes is a finding, not a reason to lose the other figures
            results[name] = {"url": url, "error": f"{type(exc).__name__}: {exc}"}
    return results
