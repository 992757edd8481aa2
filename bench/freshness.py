"""Save-to-figure freshness with a real Celery worker under a steady stream of saves (issue 7).

A `celery -A studygroup worker --pool=solo` subprocess consumes the bench's Redis while threads of this
process (each with its own database connection) save records through the create service at a fixed rate,
with STATS_RECOMPUTE="celery": each commit's wake publishes `rollup_dirty` (once per burst). A poller reads
the marks and the month statuses every POLL seconds; a save is fresh once its month has no mark made at or
before its commit and the month was computed at or after it, i.e. the figures include it.

Where the time goes: the worker's log says how long each `rollup_dirty` run took; a save waits for the run
under way when it committed (its mark is not in that run's claim) and then for the run that claims it.
"""
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import mean, median
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from reports.models import DirtyMonth, MonthStatus
from reports.rollup import rollup_dirty
from sessions_app.services import activity_create

from .harness import percentile
from .saves import KIND, bench_secretaries, clear_broker, configured, days_of, redis_answers

POLL = 0.1  # seconds between two looks at the marks
WORKER_READY_TIMEOUT = 90
RUN_LINE = re.compile(r"rollup_dirty\[[^\]]+\] succeeded in ([0-9.]+)s: (\[.*\])")


@dataclass
class Save:
    month: object
    committed: object  # aware datetime, just after the commit
    latency: float  # seconds the service call took
    fresh: object = None  # aware datetime of the first poll that saw the figures include it


def unavailable(redis_url):
    """Why the measure cannot run here, or None."""
    if connection.vendor != "postgresql" or not redis_answers(redis_url):
        return "needs PostgreSQL and Redis (REDIS_URL)"
    return None


def measure_freshness(*, months, rate=20.0, seconds=40.0, threads=4, drain=120.0, redis_url=None, seed=11,
                      share_last=0.8):
    """Drive `rate` saves/s for `seconds` into `months` (the last one gets `share_last` of them, the one
    before the rest: late entries for last month), with a real worker; p50/p95/max of save → figure."""
    redis_url = redis_url or settings.REDIS_URL
    why = unavailable(redis_url)
    if why:
        return {"skipped": why}
    writers = bench_secretaries(threads)
    clear_broker(redis_url)
    rollup_dirty()  # start with no marks: the first run then holds only this measure's saves
    log = tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".log", delete=False)
    worker = _start_worker(redis_url, log)
    saves, errors, lock = [], [], threading.Lock()
    try:
        _wait_ready(worker, log.name)
        schedule = _schedule(rate, seconds, months, share_last, seed)
        stop = threading.Event()
        poller = threading.Thread(target=_poll, args=(saves, lock, stop), daemon=True)
        poller.start()
        started = time.monotonic()
        with configured("celery", redis_url=redis_url):
            drivers = [
                threading.Thread(target=_drive, args=(user, committee, schedule[i::threads], started, saves, lock,
                                                      errors))
                for i, (user, committee) in enumerate(writers)
            ]
            for driver in drivers:
                driver.start()
            for driver in drivers:
                driver.join()
        driven = time.monotonic() - started
        deadline = time.monotonic() + drain
        while time.monotonic() < deadline and any(s.fresh is None for s in list(saves)):
            time.sleep(POLL)
        stop.set()
        poller.join()
    finally:
        _stop(worker)
        clear_broker(redis_url)
        log.close()
    worker_log = Path(log.name).read_text()
    os.unlink(log.name)
    return _summary(saves, errors, driven, rate, seconds, threads, worker_log, months, share_last)


def _schedule(rate, seconds, months, share_last, seed):
    """[(offset in seconds, held_on)] of every save, in order."""
    rng = random.Random(seed)
    last, before = days_of(months[-1]), days_of(months[-2])
    return [(k / rate, rng.choice(last if rng.random() < share_last else before)) for k in range(int(rate * seconds))]


def _drive(user, committee, schedule, started, saves, lock, errors):
    """One writer: its share of the saves at their planned times, through the create service."""
    try:
        for offset, held_on in schedule:
            delay = started + offset - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            began = time.perf_counter()
            activity_create(user=user, committee=committee, kind=KIND, data=_record_data(held_on))
            committed = timezone.now()
            with lock:
                saves.append(Save(month=held_on.replace(day=1), committed=committed,
                                  latency=time.perf_counter() - began))
    except Exception as exc:  # a failed save is reported with the figures, not lost in a thread
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()


def _record_data(held_on):
    return {"held_on": held_on, "title": "学习贯彻党的二十大精神", "speaker": "宣讲员",
            "lecturer_level": "county_leader", "place_kind": "contact_point", "audience_count": 40}


def _poll(saves, lock, stop):
    """Every POLL s: which saves the figures now include (the marks are read before the statuses, so a
    run committing in between makes a save fresh one poll later, never too early)."""
    try:
        while not stop.is_set():
            now = timezone.now()
            first_mark = dict(DirtyMonth.objects.order_by().values("month").annotate(first=Min("marked_at"))
                              .values_list("month", "first"))
            computed = dict(MonthStatus.objects.values_list("month", "computed_at"))
            with lock:
                pending = [s for s in saves if s.fresh is None]
            for save in pending:
                mark, done = first_mark.get(save.month), computed.get(save.month)
                if (mark is None or mark > save.committed) and done is not None and done >= save.committed:
                    save.fresh = now
            time.sleep(POLL)
    finally:
        connection.close()


# ---------------------------------------------------------------- the worker

def worker_env(redis_url):
    """The worker's environment: production settings (STATS_RECOMPUTE="celery", so a run's start lets the
    next save publish again) on the bench database and the bench's Redis."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "studygroup.settings",
        "DATABASE_URL": f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        "REDIS_URL": redis_url,
        "STATS_RECOMPUTE": "celery",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-worker-only-signs-nothing",
    }


def _start_worker(redis_url, log):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "studygroup", "worker", "--pool=solo", "--concurrency=1",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=settings.BASE_DIR, env=worker_env(redis_url), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_ready(process, log_path):
    deadline = time.monotonic() + WORKER_READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited: {Path(log_path).read_text()[-2000:]}")
        if " ready." in Path(log_path).read_text():
            return
        time.sleep(0.2)
    raise RuntimeError(f"the worker was not ready within {WORKER_READY_TIMEOUT} s")


def _stop(process):
    """SIGTERM to the worker's own process group (it was started in a new session), then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# ---------------------------------------------------------------- figures

def _summary(saves, errors, driven, rate, seconds, threads, worker_log, months, share_last):
    ages = [(s.fresh - s.committed).total_seconds() for s in saves if s.fresh is not None]
    runs = [(float(sec), result != "[]") for sec, result in RUN_LINE.findall(worker_log)]
    working = [sec for sec, did in runs if did]
    latencies = [s.latency for s in saves]
    out = {
        "planned_rate_per_s": rate, "planned_seconds": seconds, "threads": threads,
        "months": [m.isoformat() for m in months[-2:]], "share_last_month": share_last,
        "saves": len(saves), "achieved_rate_per_s": len(saves) / driven if driven else None,
        "save_errors": errors[:5], "never_fresh": len(saves) - len(ages),
        "poll_seconds": POLL,
        "worker_runs": len(runs), "worker_runs_with_work": len(working),
        "run_seconds_p50": median(working) if working else None,
        "run_seconds_max": max(working) if working else None,
        "save_latency_p50_ms": median(latencies) * 1000 if latencies else None,
        "save_latency_p95_ms": percentile(latencies, 95) * 1000 if latencies else None,
    }
    if ages:
        out.update(p50_s=median(ages), p95_s=percentile(ages, 95), max_s=max(ages), mean_s=mean(ages))
    if saves and working:
        # Busy share near 1: the runs follow each other back to back, and a save's freshness is the time to
        # the end of the first run that starts after its commit (up to two runs), whatever the broker does.
        span = (max(s.fresh or s.committed for s in saves) - min(s.committed for s in saves)).total_seconds()
        out["worker_busy_share"] = min(1.0, sum(working) / span) if span > 0 else None
    if "Traceback" in worker_log or "ERROR" in worker_log:
        out["worker_log_tail"] = worker_log[-3000:]
    return out
