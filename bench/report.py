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
    rows = []
    r = results.get("rollup", {})
    full, base = r.get("full_rollup_seconds"), r.get("baseline_seconds")
    ratio = full / base if full and base else None
    rows.append(("full rollup, 24 months (s)", _fmt(full, " s"), "≤ 1.5 × baseline", _met(None)))
    rows.append(("plain-SQL baseline, same figures (s)", _fmt(base, " s"), "—", _met(None)))
    rows.append(("rollup / baseline", _fmt(ratio, "×"), "≤ 1.5×", _met(ratio <= 1.5 if ratio else None)))
    cmp = r.get("comparison") or {}
    agree = cmp.get("agree")
    detail = (f"{cmp.get('rollup_rows', 0):,} rollup rows vs {cmp.get('baseline_rows', 0):,} baseline rows; "
              f"{cmp.get('rows_only_in_rollup', 0):,} / {cmp.get('rows_only_in_baseline', 0):,} differ")
    rows.append(("rollup agrees with baseline (every row)", detail if cmp else "n/a", "all rows equal", _met(agree)))
    dirty = r.get("dirty_month_seconds")
    share = dirty / full if dirty and full else None
    rows.append(("recompute one dirty month (s)", _fmt(dirty, " s"), "≈ 1/20 of full", _met(None)))
    rows.append(("dirty month / full rollup", _fmt(share), "≤ 0.05", _met(share <= 0.05 if share else None)))
    mid = r.get("dirty_mid_year_month_seconds")
    mid_share = mid / full if mid and full else None
    rows.append((f"recompute {r.get('dirty_mid_year_month', 'a mid-year month')} (+ later months' year to date) (s)",
                 _fmt(mid, " s"), "≈ 1/20 of full", _met(None)))
    rows.append(("mid-year dirty month / full rollup", _fmt(mid_share), "≤ 0.05",
                 _met(mid_share <= 0.05 if mid_share else None)))
    m = results.get("memory", {})
    heap, rss = m.get("python_heap_peak_mb"), m.get("rss_peak_over_start_mb") or m.get("ru_maxrss_delta_mb")
    rows.append(("rollup peak Python heap (tracemalloc, MB)", _fmt(heap, " MB"), "≤ 300 MB",
                 _met(heap <= 300 if heap is not None else None)))
    rows.append(("rollup peak RSS over start (MB)", _fmt(rss, " MB"), "≤ 300 MB",
                 _met(rss <= 300 if rss is not None else None)))
    rows.append(("ru_maxrss delta during rollup (MB)", _fmt(m.get("ru_maxrss_delta_mb"), " MB"), "—", _met(None)))
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
        f"Run {results.get('finished_at')} on {results.get('machine')}, database {results.get('database')}.",
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
    for key, title in (("dirty_month_statements", r.get("dirty_month")),
                       ("dirty_mid_year_statements", r.get("dirty_mid_year_month"))):
        if r.get(key):
            lines += [f"## Slowest statements of rollup_month({title})", "", "| seconds | calls | statement |",
                      "|---|---|---|"]
            lines += [f"| {s['seconds']:.2f} | {s['calls']} | `{s['sql'][:140]}` |" for s in r[key][:4]]
            lines.append("")
    return lines
