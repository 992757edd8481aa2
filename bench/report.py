"""Targets, and the results written as bench/results*.json and bench/results.md."""
import json
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def _fmt(value, unit=""):
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3f}{unit}" if value < 10 else f"{value:,.1f}{unit}"
    return f"{value}{unit}"


def _met(ok):
    return "n/a" if ok is None else ("✅ met" if ok else "❌ not met")


def _p95(pages, name):
    return pages.get(name, {}).get("p95_ms")


def evaluate(results):
    """[(measure, value, target, met)] from the raw results."""
    return (_rollup_rows(results) + _dirty_rows(results) + _memory_rows(results) + _page_rows(results)
            + _save_rows(results) + _freshness_rows(results) + _api_rows(results) + _import_rows(results)
            + _dataset_rows(results))


def _rollup_rows(results):
    r = results.get("rollup", {})
    full, base = r.get("full_rollup_seconds"), r.get("baseline_seconds")
    ratio = full / base if full and base else None
    rows = [
        ("full rollup, 24 months (s)", _fmt(full, " s"), "≤ 1.5 × baseline", _met(None)),
        ("plain-SQL baseline, same figures (s)", _fmt(base, " s"), "—", _met(None)),
        ("rollup / baseline", _fmt(ratio, "×"), "≤ 1.5×", _met(ratio <= 1.5 if ratio else None)),
    ]
    cmp = r.get("comparison") or {}
    detail = (f"{cmp.get('rollup_rows', 0):,} rollup rows vs {cmp.get('baseline_rows', 0):,} baseline rows; "
              f"{cmp.get('rows_only_in_rollup', 0):,} / {cmp.get('rows_only_in_baseline', 0):,} differ")
    rows.append(("rollup agrees with baseline (every row)", detail if cmp else "n/a", "all rows equal",
                 _met(cmp.get("agree"))))
    return rows


def _dirty_rows(results):
    """One record changed in a month, then rollup_dirty(): against a twentieth of the full rollup."""
    r = results.get("rollup", {})
    full = r.get("full_rollup_seconds")
    rows = []
    for change in r.get("dirty_changes", []):
        seconds = change.get("seconds")
        share = seconds / full if seconds and full else None
        value = f"{_fmt(seconds, ' s')} = {_fmt(share)} × full" if seconds else change.get("error", "n/a")
        rows.append((f"one record changed in {change['month'][:7]}, then rollup_dirty() (through December)", value,
                     "≤ 0.05 × full rollup", _met(share <= 0.05 if share else None)))
    return rows


def _memory_rows(results):
    m = results.get("memory", {})
    heap, rss = m.get("python_heap_peak_mb"), m.get("rss_peak_over_start_mb") or m.get("ru_maxrss_delta_mb")
    return [
        ("rollup peak Python heap (tracemalloc, MB)", _fmt(heap, " MB"), "≤ 300 MB",
         _met(heap <= 300 if heap is not None else None)),
        ("rollup peak RSS over start (MB)", _fmt(rss, " MB"), "≤ 300 MB", _met(rss <= 300 if rss is not None else None)),
        ("ru_maxrss delta during rollup (MB)", _fmt(m.get("ru_maxrss_delta_mb"), " MB"), "—", _met(None)),
    ]


def _page_rows(results):
    rows = []
    pages = results.get("pages", {})
    trivial = _p95(pages, "trivial_page")
    rows.append(("trivial logged-in page p95 (ms)", _fmt(trivial, " ms"), "—", _met(None)))
    rows.append(("portal home page p95, same user (ms, for reference)", _fmt(_p95(pages, "home_page"), " ms"), "—",
                 _met(None)))
    for name, label in (("dashboard_root", "root leader"), ("dashboard_county", "county leader")):
        page = pages.get(name, {})
        p95 = page.get("p95_ms")
        rows.append((f"dashboard p50 / p95, {label} (ms)",
                     f"{_fmt(page.get('p50_ms'))} / {_fmt(p95)} ms" if p95 else page.get("error", "n/a"),
                     "p95 ≤ 100 ms", _met(p95 <= 100 if p95 else None)))
        times = p95 / trivial if p95 and trivial else None
        rows.append((f"dashboard p95 / trivial page p95, {label}", _fmt(times, "×"), "≤ 5×",
                     _met(times <= 5 if times else None)))
    for name, label in (("drilldown_root", "root leader"), ("drilldown_county", "county leader")):
        page = pages.get(name, {})
        p95 = page.get("p95_ms")
        rows.append((f"drill-down first page p50 / p95, {label} (ms)",
                     f"{_fmt(page.get('p50_ms'))} / {_fmt(p95)} ms" if p95 else page.get("error", "n/a"),
                     "p95 ≤ 150 ms", _met(p95 <= 150 if p95 else None)))
    small = results.get("small_size_queries", {})
    for name in ("dashboard_root", "dashboard_county", "dashboard_leaf", "drilldown_root"):
        here = pages.get(name, {}).get("queries")
        there = small.get("pages", {}).get(name, {}).get("queries")
        ok = here == there if here is not None and there is not None else None
        rows.append((f"SQL queries per request, {name} (this size / {small.get('size', 'small')} size)",
                     f"{_fmt(here)} / {_fmt(there)}", "equal (no growth with data)", _met(ok)))
    return rows


SAVE_LABELS = {
    "off": "statistics off (no triggers)",
    "celery": "with a worker (triggers + publish)",
    "thread": "embedded (triggers + wake the thread)",
}


def _save_rows(results):
    """A record saved through the form: each configuration beside the statistics-off save."""
    saves = results.get("saves")
    if not saves:
        return []
    rows = []
    configs = saves.get("configs", {})
    for name, label in SAVE_LABELS.items():
        summary = configs.get(name)
        if summary is None:
            if name == "celery" and saves.get("celery_skipped"):
                rows.append((f"record save, {label}", f"skipped: {saves['celery_skipped']}", "≤ 1.2 × off", _met(None)))
            continue
        rows.append(_save_row(f"record save p50 / p95, {label} (ms)", summary, off=name == "off"))
    during = saves.get("thread_during_recompute")
    if during:
        label = (f"embedded saves while a recompute runs (every 0.2 s), p50 / p95 (ms; {during['overlapped']} of "
                 f"{during['n']} ended while it still ran)")
        rows.append(_save_row(label, during, off=False))
    settle = saves.get("first_after_recompute")
    if settle and settle.get("p50_ms"):
        rows.append(("… for reference: the first save after a recompute (triggers, no wake-up), p50 / p95 (ms)",
                     f"{_fmt(settle['p50_ms'])} / {_fmt(settle['p95_ms'])} ms ({_fmt(settle.get('ratio_p50'), '×')} / "
                     f"{_fmt(settle.get('ratio_p95'), '×')} off)", "—", _met(None)))
    return rows


def _save_row(label, summary, *, off):
    """A failed save (an error instead of the redirect) fails the target whatever the times."""
    value = f"{_fmt(summary.get('p50_ms'))} / {_fmt(summary.get('p95_ms'))} ms"
    failed = summary.get("failed", 0)
    if failed:
        value += f"; {failed} of {summary['n']} FAILED ({'; '.join(summary.get('failures', []))[:120]})"
    if off:
        return (label, value, "—", _met(False if failed else None))
    p50, p95 = summary.get("ratio_p50"), summary.get("ratio_p95")
    ok = (p50 <= 1.2 and p95 <= 1.2 and not failed) if p50 and p95 else (False if failed else None)
    return (label, f"{value} ({_fmt(p50, '×')} / {_fmt(p95, '×')} off)", "≤ 1.2 × off, p50 and p95", _met(ok))


FRESHNESS_LABELS = {
    "one_month": "every save into one month",
    "two_months": "one save in five into the month before",
}


def _freshness_rows(results):
    rows = []
    for name, stream in FRESHNESS_LABELS.items():
        fresh = (results.get("freshness") or {}).get(name)
        if fresh:
            rows += _freshness_stream_rows(f"save → figure freshness, real worker, {stream}", fresh)
        if fresh and fresh.get("skipped"):
            break
    return rows


def _freshness_stream_rows(label, fresh):
    if fresh.get("skipped"):
        return [(label, f"skipped: {fresh['skipped']}", "p95 ≤ 10 s", _met(None))]
    p95 = fresh.get("p95_s")
    rate = f"{fresh.get('planned_rate_per_s', 0):g}"
    # A save the figures never included within the drain time fails the target whatever the others did.
    ok = p95 is not None and p95 <= 10 and not fresh.get("never_fresh") if fresh.get("saves") else None
    return [
        (f"{label}, {rate} saves/s: p50 / p95 / max (s)",
         f"{_fmt(fresh.get('p50_s'))} / {_fmt(p95)} / {_fmt(fresh.get('max_s'))} s", "p95 ≤ 10 s", _met(ok)),
        ("… saves driven (achieved rate); never fresh",
         f"{fresh.get('saves', 0):,} ({_fmt(fresh.get('achieved_rate_per_s'), '/s')}); {fresh.get('never_fresh', 0)}",
         f"{rate}/s; 0", _met(None)),
        ("… worker rollup_dirty runs with work: count, p50 / max (s)",
         f"{fresh.get('worker_runs_with_work')}, {_fmt(fresh.get('run_seconds_p50'))} / "
         f"{_fmt(fresh.get('run_seconds_max'))} s", "—", _met(None)),
        ("… save latency under that load, p50 / p95 (ms)",
         f"{_fmt(fresh.get('save_latency_p50_ms'))} / {_fmt(fresh.get('save_latency_p95_ms'))} ms", "—", _met(None)),
    ]


def _api_rows(results):
    """Issue 11: GET /api/v1/records/, pages of 50 with attendance, and its queries per page."""
    api = results.get("api")
    if not api:
        return []
    rows = []
    for scope, label in (("province", "province leader (whole tree)"), ("county", "county leader")):
        page = api.get("scopes", {}).get(scope, {})
        p95 = page.get("p95_ms")
        value = (f"{_fmt(page.get('p50_ms'))} / {_fmt(p95)} ms (pages {', '.join(map(str, page.get('pages', [])))} "
                 f"of {page.get('count', 0):,} records; {page.get('rows_with_attendance', 0)} of {page.get('rows', 0)} "
                 f"rows on page 1 with attendance, {page.get('attendance_rows', 0)} attendance rows)"
                 if p95 else page.get("error", "n/a"))
        rows.append((f"records API page of 50 with attendance, p50 / p95, {label} (ms)", value, "p95 ≤ 100 ms",
                     _met(p95 <= 100 if p95 else None)))
    queries = api.get("queries", {})
    if queries:
        value = "; ".join(f"{case}: {n}" for case, n in queries.items())
        rows.append(("records API SQL queries per request (page size 5 / 50, page 1 / 20, province / county / leaf)",
                     value, "the same in every case", _met(api.get("constant"))))
    return rows


def _import_rows(results):
    """Issue 11: a bulk import of N study records with attendance (preview, then all or nothing)."""
    imports = results.get("imports")
    if not imports:
        return []
    rows_n, small_n = imports.get("rows"), imports.get("reference_rows")
    run, small = imports.get(str(rows_n), {}), imports.get(str(small_n), {})
    if "error" in run or not run:
        return [(f"bulk import of {rows_n:,} records", run.get("error", "n/a")[-200:], "≤ 60 s", _met(False))]
    seconds = run.get("import_s")
    rows = [
        (f"bulk import of {rows_n:,} records with attendance, all or nothing (s)",
         f"{_fmt(seconds, ' s')} ({run.get('import_rows_per_s'):,} rows/s; created {run.get('records'):,} records, "
         f"{run.get('attendance_rows'):,} attendance rows)", "≤ 60 s",
         _met(seconds <= 60 and run.get("records") == rows_n if seconds is not None else None)),
        ("… its preview (s); the preview of the same file again (all rows match, none new)",
         f"{_fmt(run.get('preview_s'), ' s')}; {_fmt(run.get('reimport_preview_s'), ' s')} "
         f"({json.dumps(run.get('reimport_counts'), ensure_ascii=False)})", "—", _met(None)),
    ]
    growth = _rss_growth(run)
    small_growth = _rss_growth(small)
    ok = None
    if growth is not None:
        ok = growth <= 200 and (small_growth is None or growth <= small_growth + 50)
    rows.append((f"bulk import peak memory growth (RSS, preview + import), {rows_n:,} rows / {small_n:,} rows (MB)",
                 f"{_fmt(growth, ' MB')} / {_fmt(small_growth, ' MB')}",
                 "≤ 200 MB and ≤ the smaller file's + 50 MB (bounded, not growing with the rows)", _met(ok)))
    return rows


def _rss_growth(run):
    """The resident peak of the preview and of the import (each measured from a reset) over the memory before."""
    before = run.get("peak_rss_mb_before")
    peaks = [run.get(k) for k in ("peak_rss_mb_after_preview", "peak_rss_mb_after_import") if run.get(k) is not None]
    return float(max(peaks) - before) if before is not None and peaks else None


def _dataset_rows(results):
    data = results.get("dataset", {})
    rows = []
    if "build_marks" in data:
        when = "this run" if data.get("built_now") else "when the reused data set was built"
        rows.append((f"dirty marks written by the data-set build ({when}; COPY, triggers live), then cleared",
                     f"{data['build_marks']:,}", "none left after the build", _met(True)))
    if "marks_left_after_bench" in data:
        left = data["marks_left_after_bench"]
        rows.append(("dirty marks left when the bench ends", _fmt(left), "0", _met(left == 0)))
    return rows


def write(results, *, quick):
    results["summary"] = [dict(zip(("measure", "value", "target", "met"), row)) for row in evaluate(results)]
    stem = "results-quick" if quick else "results"
    json_path = BENCH_DIR / f"{stem}.json"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    md_path = BENCH_DIR / f"{stem}.md"
    md_path.write_text(markdown(results))
    return json_path, md_path


def markdown(results):
    data = results.get("dataset", {})
    lines = [
        f"# Benchmark results ({results.get('size')})",
        "",
        f"Run {results.get('finished_at')} on {results.get('machine')}, database {results.get('database')}; "
        f"load average {results.get('load_at_start')} at the start, {results.get('load_at_end')} at the end "
        "(the machine is shared: other work inflates every time, the interleaved save ratios least).",
        f"Data: {data.get('committees', '?'):,} committees, {data.get('records', '?'):,} records, "
        f"{data.get('months', '?')} months ({data.get('first_month')} …). Generated by `manage.py bench`; "
        "raw figures in the .json beside this file.",
        "",
        "| measure | value | target | met? |",
        "|---|---|---|---|",
    ]
    lines += [f"| {m['measure']} | {m['value']} | {m['target']} | {m['met']} |" for m in results["summary"]]
    lines.append("")
    lines += _details(results)
    return "\n".join(lines)


def _details(results):
    """Where the time goes: the baseline's phases and the dirty month's slowest statements."""
    r = results.get("rollup", {})
    lines = []
    if r.get("baseline_phases"):
        lines += ["## Baseline phases", "", "| phase | seconds |", "|---|---|"]
        lines += [f"| {name} | {sec:.1f} |" for name, sec in r["baseline_phases"].items()]
        lines.append("")
    for change in r.get("dirty_changes", []):
        if change.get("statements"):
            lines += [f"## Slowest statements of rollup_dirty() after one record changed in {change['month'][:7]}", "",
                      "| seconds | calls | statement |", "|---|---|---|"]
            lines += [f"| {s['seconds']:.2f} | {s['calls']} | `{s['sql'][:140]}` |" for s in change["statements"][:4]]
            lines.append("")
    for name, stream in FRESHNESS_LABELS.items():
        lines += _freshness_details(stream, (results.get("freshness") or {}).get(name) or {})
    return lines


def _freshness_details(stream, fresh):
    """What a save's freshness is made of: waiting for the run under way, then the run that claims it."""
    if not fresh.get("saves") or fresh.get("p50_s") is None:
        return []
    lines = [f"## Where a save's freshness goes ({stream})", ""]
    run, busy = fresh.get("run_seconds_p50"), fresh.get("worker_busy_share")
    if run is not None and busy is not None:
        lines.append(
            f"{fresh['saves']:,} saves over {fresh['planned_seconds']:g} s, {fresh['threads']} writer threads. The worker "
            f"ran `rollup_dirty` {fresh['worker_runs_with_work']} times with work (p50 {run:.1f} s, max "
            f"{fresh['run_seconds_max']:.1f} s) and was busy {busy:.0%} of the time. A run claims the marks committed "
            f"before it starts, so a save waits for the rest of the run under way (its claim missed the save) and "
            f"then for the next whole run: freshness p50 {fresh['p50_s']:.1f} s, p95 {fresh['p95_s']:.1f} s, at most about "
            f"two runs. The broker adds nothing visible (one message per run, taken as soon as the worker is "
            f"free); the run's length, the recompute of the claimed months at this scale, is what the figure is made "
            f"of. Freshness is polled every {fresh['poll_seconds']:g} s."
        )
        lines.append("")
    if fresh.get("worker_log_tail"):
        lines += ["Worker log (tail):", "", "```", fresh["worker_log_tail"][-1500:], "```", ""]
    return lines
