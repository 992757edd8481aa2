"""The benchmark's own parts on a tiny data set: the generator makes a valid treebeard tree (and leaves
no dirty marks), the plain-SQL baseline agrees with the rollup row for row (and notices a wrong row), the
harness can measure the pages, a changed record's dirty month and the saves (with the broker down), and
the bench refuses a database that is not its own. No timings asserted."""
import datetime

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F

from bench import baseline, dataset, freshness, generator, harness, report, saves
from committees.models import Committee
from reports import kick, triggers
from reports.models import DirtyMonth
from sessions_app.models import Activity

TINY = generator.SIZES["tiny"]


@pytest.fixture
def tiny(db):
    summary, built, _ = dataset.ensure(TINY)
    assert built
    return summary


def test_it_builds_a_valid_treebeard_tree(tiny):
    evil_chars, bad_steplen, orphans, wrong_depth, wrong_numchild = Committee.objects.find_problems()
    assert (evil_chars, bad_steplen, orphans, wrong_depth, wrong_numchild) == ([], [], [], [], [])
    assert Committee.objects.count() == tiny["committees"] == len(generator.tree_rows(TINY))
    assert Committee.objects.order_by("-depth").first().depth == 5
    root = Committee.objects.get(depth=1)
    assert Committee.objects.all().subtree_of(root).count() == tiny["committees"]
    assert Activity.objects.count() == TINY.records


def test_it_loads_with_the_marking_triggers_live_and_leaves_no_marks(tiny):
    assert tiny["build_marks"] > 0  # the COPY / bulk insert was marked like any other write
    assert not DirtyMonth.objects.exists()


def test_it_encodes_steps_like_treebeard():
    assert generator.encode_step(1) == "0001"
    assert generator.encode_step(36) == "0010"
    assert generator.encode_step(36 ** 2 + 11) == "010B"


def test_it_reuses_a_data_set_built_with_the_same_parameters(tiny):
    summary, built, _ = dataset.ensure(TINY)
    assert not built
    assert summary["records"] == TINY.records


def test_it_refuses_a_database_with_committees_but_no_bench_marker(db):
    Committee.objects.add_root({"code": "real-city", "name": "市委", "kind": "city"})
    with pytest.raises(CommandError, match="no bench marker"):
        dataset.ensure(TINY)


def test_it_refuses_a_database_that_is_not_a_bench_database(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "studygroup")
    with pytest.raises(CommandError, match="Refusing"):
        dataset.guard()
    monkeypatch.setitem(connection.settings_dict, "NAME", "sg_bench")
    dataset.guard()


def test_it_runs_one_benchmark_at_a_time_on_a_database(db, monkeypatch, tmp_path):
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "bench.sqlite3"))
    with dataset.exclusive():
        with pytest.raises(CommandError, match="Another benchmark"):
            with dataset.exclusive():
                pass
    with dataset.exclusive():
        pass


def test_it_finds_the_baseline_and_the_rollup_in_agreement(tiny):
    from reports.rollup import rollup_months

    months = generator.month_starts(TINY)
    rollup_months(months)
    built = baseline.build(months)
    keys = [m.key for m in baseline.activity_metrics()]
    result = baseline.compare(months, keys)
    assert built["rows"] > 0 and "study_sessions" in keys
    assert result["agree"], result
    assert result["rollup_rows"] == result["baseline_rows"] == built["rows"]


def test_it_notices_a_rollup_row_that_differs_from_the_baseline(tiny):
    from reports.models import MetricValue
    from reports.rollup import rollup_months

    months = generator.month_starts(TINY)
    rollup_months(months)
    baseline.build(months)
    row = MetricValue.objects.filter(metric="study_sessions", subtree__gt=0).order_by("id").first()
    MetricValue.objects.filter(pk=row.pk).update(subtree=row.subtree + 1)
    result = baseline.compare(months, [m.key for m in baseline.activity_metrics()])
    assert not result["agree"]
    assert result["rows_only_in_rollup"] == result["rows_only_in_baseline"] == 1


def test_it_measures_the_leader_pages_and_counts_their_queries(tiny):
    from reports.rollup import rollup_months

    months = generator.month_starts(TINY)
    rollup_months(months)
    rows = list(Committee.objects.order_by("path").values_list("path", "depth", "numchild", "code"))
    codes = {path: code for path, _, _, code in rows}
    positions = {name: codes[path] for name, path in generator.bench_positions(rows).items()}
    urls = harness.page_urls(positions, months[-1], "study_sessions")
    pages = harness.measure_pages(urls, requests=2)
    for name in ("trivial_page", "dashboard_root", "dashboard_county", "drilldown_root"):
        assert "error" not in pages[name], pages[name]
        assert pages[name]["queries"] > 0 and pages[name]["p95_ms"] > 0


def test_it_measures_the_dirty_month_of_one_changed_record(tiny):
    from reports.rollup import rollup_months

    months = generator.month_starts(TINY)
    rollup_months(months)
    change = harness.measure_dirty_change(months[-6])
    assert change["marked"] == [months[-6].isoformat()]
    assert len(change["runs_seconds"]) == 2 and change["statements"]
    assert not DirtyMonth.objects.exists()


@pytest.fixture
def tiny_committed(transactional_db):
    """The tiny data set, committed: a save's on_commit wake runs, as in the bench."""
    summary, _, _ = dataset.ensure(TINY)
    from reports.rollup import rollup_months

    rollup_months(generator.month_starts(TINY))
    return summary


def test_it_times_saves_with_statistics_off_and_with_a_worker_whose_broker_is_down(tiny_committed, monkeypatch):
    monkeypatch.setattr(kick, "_redis", None)  # a client made for this test's unreachable broker
    month = generator.month_starts(TINY)[-1]
    before = Activity.objects.count()
    result = saves.measure_saves(month=month, saves=2, warmup=1, configs=["off", "celery"],
                                 redis_url="redis://127.0.0.1:1/12")
    for name in ("off", "celery"):
        assert result["configs"][name]["n"] == 2 and result["configs"][name]["failed"] == 0, result
    assert result["configs"]["celery"]["ratio_p95"] > 0
    assert triggers.installed() == triggers.expected()  # put back after the statistics-off saves
    assert Activity.objects.count() == before + 6
    assert saves.remove_bench_records() == 6
    assert not DirtyMonth.objects.exists()


def test_it_says_why_freshness_cannot_be_measured_without_a_broker():
    assert "needs PostgreSQL and Redis" in freshness.unavailable("")
    assert saves.days_of(datetime.date(2021, 2, 1))[-1] == datetime.date(2021, 2, 28)


def test_it_marks_targets_met_or_not_from_the_figures():
    results = {
        "rollup": {"full_rollup_seconds": 3.0, "baseline_seconds": 1.0,
                   "dirty_changes": [{"month": "2021-12-01", "seconds": 0.1}]},
        "pages": {"trivial_page": {"p95_ms": 10.0}, "dashboard_root": {"p50_ms": 20.0, "p95_ms": 40.0}},
        "saves": {"configs": {"off": {"n": 5, "p50_ms": 10.0, "p95_ms": 20.0},
                              "thread": {"n": 5, "p50_ms": 11.0, "p95_ms": 30.0, "ratio_p50": 1.1, "ratio_p95": 1.5}}},
        "freshness": {"one_month": {"saves": 100, "planned_rate_per_s": 20, "p50_s": 3.0, "p95_s": 6.0, "max_s": 7.0, "never_fresh": 0}},
    }
    rows = {measure: met for measure, _value, _target, met in report.evaluate(results)}
    assert rows["rollup / baseline"] == "❌ not met"
    assert rows["one record changed in 2021-12, then rollup_dirty() (through December)"] == "✅ met"
    assert rows["dashboard p50 / p95, root leader (ms)"] == "✅ met"
    assert rows["record save p50 / p95, embedded (triggers + wake the thread) (ms)"] == "❌ not met"
    assert rows["save → figure freshness, real worker, every save into one month, 20 saves/s: p50 / p95 / max (s)"] \
        == "✅ met"


def test_it_measures_the_records_api_pages_with_attendance_and_their_queries(tiny):
    from bench import api
    from committees.models import Member
    from sessions_app.models import Attendance

    months = generator.month_starts(TINY)
    data = api.ensure_attendance(months)
    assert data["built_now"] and data["members"] == tiny["committees"] * api.MEMBERS_PER_COMMITTEE
    assert data["attendance"] == Attendance.objects.count() > 0
    assert not Attendance.objects.exclude(member__committee=F("activity__committee")).exists()
    assert not api.ensure_attendance(months)["built_now"] and Member.objects.count() == data["members"]
    result = api.measure_records_api(requests=2, warmup=1)
    for scope in ("province", "county"):
        summary = result["scopes"][scope]
        assert "error" not in summary, summary
        assert summary["rows"] > 0 and summary["rows_with_attendance"] > 0 and summary["p95_ms"] > 0
    assert len(result["queries"]) == 6 and all(isinstance(n, int) and n > 0 for n in result["queries"].values())
    assert result["constant"] == (len(set(result["queries"].values())) == 1)
    rows = {measure: met for measure, _value, _target, met in report.evaluate({"api": result})}
    assert rows["records API SQL queries per request (page size 5 / 50, page 1 / 20, province / county / leaf)"] \
        == ("✅ met" if result["constant"] else "❌ not met")
