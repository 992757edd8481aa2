"""The statistics engine under faults (issue 7, "Tests that must exist"), against the real components.

- a Celery worker SIGKILLed inside rollup_dirty, after its claim: no mark is lost;
- the broker down: a record is logged at normal speed, its mark committed, the figures catch up later;
- the "celery" wake-up publishes one message per burst of saves;
- 50 concurrent saves (double posts among them) while rollups run: exact figures, no mark left, and a double
  post racing validation returns the first record;
- the embedded default ("thread"): the recompute runs after the response, in its own thread.

Worker and PostgreSQL cases are skipped locally without REDIS_URL / DATABASE_URL and fail in CI (CI=true).
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_faults REDIS_URL=redis://127.0.0.1:6379/13 \
     CI=true pytest tests/test_reports_faults.py
"""
import datetime
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings

from reports import kick, rollup, tasks
from reports.models import DirtyMonth, MetricValue, MonthStatus
from reports.months import month_range
from sessions_app.models import GROUP_SESSION_KINDS, Activity
from sessions_app.services import activity_create
from sessions_app.testing import record_post
from studygroup.celery import app

from .conftest import require
from .test_reports_worker import _stop, database_url, records, redis_reachable

ROOT = Path(__file__).resolve().parent.parent
RESULT_TIMEOUT = 120
DECEMBER = datetime.date(2021, 12, 1)
BROKER_DOWN_URL = "redis://127.0.0.1:6390/0"  # nothing listens there: connection refused at once


# Helpers ----------------------------------------------------------------------------------------------------

def redis_url():
    url = os.environ.get("REDIS_URL", "")
    require(url.startswith("redis"), "REDIS_URL is not set (a real Redis is needed)")
    require(redis_reachable(url), f"Redis at {url} does not answer")
    return url


def require_postgresql():
    require(connection.vendor == "postgresql", "needs the PostgreSQL test database (DATABASE_URL)")


def wait_until(condition, timeout, what):
    """Poll `condition` until it returns something true; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def stored(committee, month, metric="study_sessions"):
    row = MetricValue.objects.filter(committee=committee, month=month, metric=metric).values_list(
        "own", "subtree", "own_ytd", "subtree_ytd").first()
    return row or (0, 0, 0, 0)


def counted(committee, month):
    """study_sessions counted afresh from the Activity rows: (own, subtree, own_ytd, subtree_ytd)."""
    sessions = Activity.objects.filter(kind__in=GROUP_SESSION_KINDS)
    own = sessions.filter(committee=committee)
    subtree = sessions.filter(committee__path__startswith=committee.path)
    ytd = {"month__gte": month.replace(month=1), "month__lte": month}
    return (own.filter(month=month).count(), subtree.filter(month=month).count(),
            own.filter(**ytd).count(), subtree.filter(**ytd).count())


def assert_figures_match_the_records(tree, month=DECEMBER):
    for committee in (tree.city, tree.county_a, tree.county_b, tree.grassroots_a1):
        assert stored(committee, month) == counted(committee, month), committee.code


def assert_no_failed_recompute():
    failed = list(MonthStatus.objects.exclude(last_error="").values_list("month", "last_error"))
    assert not failed, failed


def secretary_client(user):
    client = Client()
    client.force_login(user)
    return client


def post_session(client, held_on, **overrides):
    data = record_post("collective", held_on=held_on, **overrides)
    response = client.post("/records/new/collective/", data)
    return data, response


@contextmanager
def recompute_by(mode, redis=None):
    """STATS_RECOMPUTE (and the broker Redis) for a block, with kick's cached Redis client dropped around it."""
    overrides = {"STATS_RECOMPUTE": mode}
    if redis is not None:
        overrides["REDIS_URL"] = redis
    kick._redis = None
    try:
        with override_settings(**overrides):
            yield
    finally:
        kick._redis = None


# A real worker that can be killed ---------------------------------------------------------------------------

@pytest.fixture
def start_worker(transactional_db):
    """Start `celery -A studygroup worker` subprocesses (each on its own queue) against the test database;
    every one is stopped at the end and its queue's leftovers removed from Redis."""
    url = redis_url()
    require_postgresql()
    started = []
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": url,
           "DJANGO_SETTINGS_MODULE": "studygroup.settings_test", "CELERY_TASK_TIME_LIMIT": "300"}

    def start(queue=None):
        queue = queue or f"test-faults-{uuid.uuid4().hex[:8]}"
        log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "studygroup", "worker", "--pool=solo", "--concurrency=1",
             "-Q", queue, "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        worker = SimpleNamespace(queue=queue, process=process, log=log)
        started.append(worker)
        return worker

    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        yield start
    finally:
        app.conf.task_always_eager = eager
        for worker in started:
            _stop(worker.process)
            worker.log.close()
            print(f"--- worker on {worker.queue} ---\n" + Path(worker.log.name).read_text()[-4000:])
            os.unlink(worker.log.name)
        _forget_queues(url, {w.queue for w in started})


def _forget_queues(url, queues):
    """Drop the test queues and any message a killed worker left unacknowledged on them."""
    import redis

    client = redis.Redis.from_url(url)
    for tag, payload in client.hgetall("unacked").items():
        if any(queue.encode() in payload for queue in queues):
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    for queue in queues:
        keys = list(client.scan_iter(f"*{queue}*"))
        if keys:
            client.delete(*keys)


def kill(worker):
    """SIGKILL the worker's whole process group: no cleanup, no acknowledgement, no rollback sent."""
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)


@contextmanager
def table_locked(model):
    """Another connection holds EXCLUSIVE on the model's table: others may read it, nobody may write it."""
    import psycopg2

    holder = psycopg2.connect(**connection.get_connection_params())
    try:
        with holder.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")
        yield
    finally:
        holder.rollback()
        holder.close()


def backend_waiting_to_write(model):
    """The PostgreSQL backend blocked on the model's table lock, if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE NOT granted AND relation = %s::regclass "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return row and row[0]


def backend_gone(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is None


def marks_claimed_by_someone(year):
    """How many of the year's marks another open transaction has deleted (row-locked, not yet committed)."""
    with transaction.atomic():
        visible = DirtyMonth.objects.filter(month__year=year)
        free = visible.select_for_update(skip_locked=True)
        return visible.count() - len(list(free))


# 1. A worker killed inside rollup_dirty ---------------------------------------------------------------------

@pytest.mark.worker
def test_it_loses_no_mark_when_the_worker_is_killed_after_its_claim(tree, start_worker, settings):
    settings.STATS_RECOMPUTE = "off"  # the test alone decides who recomputes
    records(tree)  # bulk_create: the triggers mark November and December 2021
    marks = sorted(DirtyMonth.objects.filter(month__year=2021).values_list("pk", "month"))
    assert {month for _, month in marks} == {datetime.date(2021, 11, 1), DECEMBER}
    figures_before = list(MetricValue.objects.order_by("pk").values_list())

    # The worker claims the marks, then blocks at its first write of the figures: kill it there.
    with table_locked(MetricValue):
        doomed = start_worker()
        tasks.rollup_dirty.apply_async(queue=doomed.queue)
        backend = wait_until(lambda: backend_waiting_to_write(MetricValue), 60, "the worker to reach its figures")
        assert marks_claimed_by_someone(2021) == len(marks)  # its DELETE … RETURNING holds every mark
        kill(doomed)
    # Its backend runs the blocked statement, finds the client gone, and rolls the whole claim back.
    wait_until(lambda: backend_gone(backend), 60, "the killed worker's database session to end")

    assert sorted(DirtyMonth.objects.filter(month__year=2021).values_list("pk", "month")) == marks
    assert list(MetricValue.objects.order_by("pk").values_list()) == figures_before

    fresh = start_worker()
    done = tasks.rollup_dirty.apply_async(queue=fresh.queue).get(timeout=RESULT_TIMEOUT)
    assert {"2021-11-01", "2021-12-01"} <= set(done)
    assert not DirtyMonth.objects.exists()
    assert stored(tree.city, DECEMBER) == (0, 2, 0, 3)
    assert_figures_match_the_records(tree)
    assert_figures_match_the_records(tree, datetime.date(2021, 11, 1))


# 2. The broker down -----------------------------------------------------------------------------------------

def test_it_logs_a_session_at_normal_speed_with_the_broker_down(transactional_db, tree, people, caplog, monkeypatch):
    published = []
    monkeypatch.setattr(tasks.rollup_dirty, "apply_async", lambda *a, **kw: published.append(kw))
    alice = secretary_client(people.secretary_a)
    with recompute_by("celery", redis=BROKER_DOWN_URL), caplog.at_level(logging.WARNING, logger="reports.kick"):
        began = time.monotonic()
        data, response = post_session(alice, datetime.date(2021, 12, 6))
        elapsed = time.monotonic() - began

    assert response.status_code == 302
    assert Activity.objects.filter(submission_key=data["submission_key"]).count() == 1
    assert DirtyMonth.objects.filter(month=DECEMBER).exists()  # committed with the record, whatever the broker
    assert "broker unreachable" in caplog.text and not published  # the wake-up tried once, and gave up
    assert elapsed < 3, f"the save waited {elapsed:.1f} s on a broker that is down"

    assert DECEMBER in rollup.rollup_dirty()  # what beat runs once the broker is back
    assert not DirtyMonth.objects.exists()
    assert stored(tree.county_a, DECEMBER) == (1, 1, 1, 1)
    assert_figures_match_the_records(tree)


def test_it_catches_up_through_the_broker_once_it_is_back(transactional_db, tree, people):
    url = redis_url()
    alice = secretary_client(people.secretary_a)
    with recompute_by("celery", redis=BROKER_DOWN_URL):
        assert post_session(alice, datetime.date(2021, 12, 6))[1].status_code == 302
    assert DirtyMonth.objects.filter(month=DECEMBER).exists()

    # The next save publishes (tasks run eagerly in tests): the run sees the mark left while it was down.
    with recompute_by("celery", redis=url):
        kick._client().delete(kick.QUEUED_KEY)
        assert post_session(alice, datetime.date(2021, 12, 7))[1].status_code == 302
        assert not kick._client().exists(kick.QUEUED_KEY)  # the task cleared it as it started

    assert not DirtyMonth.objects.exists()
    assert stored(tree.county_a, DECEMBER) == (2, 2, 2, 2)
    assert_figures_match_the_records(tree)


# 3. One message per burst -----------------------------------------------------------------------------------

@pytest.mark.worker
def test_it_publishes_once_per_burst_of_saves(tree, people, start_worker, monkeypatch):
    url = redis_url()
    worker_queue = f"test-faults-{uuid.uuid4().hex[:8]}"
    publish = tasks.rollup_dirty.apply_async
    sent = []

    def spy(*args, **kwargs):
        sent.append(kwargs)
        return publish(*args, **{**kwargs, "queue": worker_queue})

    monkeypatch.setattr(tasks.rollup_dirty, "apply_async", spy)
    alice = secretary_client(people.secretary_a)
    with recompute_by("celery", redis=url):
        broker = kick._client()
        broker.delete(kick.QUEUED_KEY)
        for day in (1, 2, 3, 4, 5):  # every save commits several watched rows: each asks to wake
            assert post_session(alice, datetime.date(2021, 12, day))[1].status_code == 302

        assert len(sent) == 1 and sent[0].get("retry") is False  # one message, and no publish retries
        assert sent[0].get("countdown") == (settings.STATS_COALESCE_SECONDS or None)  # later saves join it
        assert broker.llen(worker_queue) == 1  # one real message waits in Redis
        assert 0 < broker.ttl(kick.QUEUED_KEY) <= kick.QUEUED_TTL

        start_worker(worker_queue)  # it takes the message: the key goes as the task starts
        wait_until(lambda: not broker.exists(kick.QUEUED_KEY), RESULT_TIMEOUT, "the task to clear the key")
        wait_until(lambda: not DirtyMonth.objects.exists(), RESULT_TIMEOUT, "the worker to clear the marks")
        assert stored(tree.county_a, DECEMBER) == (5, 5, 5, 5)

        # The next burst publishes again, and the worker catches it up too.
        assert post_session(alice, datetime.date(2021, 12, 6))[1].status_code == 302
        assert len(sent) == 2
        wait_until(lambda: not DirtyMonth.objects.exists(), RESULT_TIMEOUT, "the second run")
        wait_until(lambda: not broker.exists(kick.QUEUED_KEY), RESULT_TIMEOUT, "the key of the second run")
    assert stored(tree.county_a, DECEMBER) == (6, 6, 6, 6)
    assert_figures_match_the_records(tree)


# 4. Concurrent saves and rollups ----------------------------------------------------------------------------

SAVERS = 50
DISTINCT_KEYS = 35  # the first 15 keys are posted twice: double posts racing each other
ROLLERS = 4


def test_it_counts_every_one_of_50_concurrent_saves_exactly_once(transactional_db, tree, people, settings, caplog):
    require_postgresql()
    settings.STATS_RECOMPUTE = "off"  # the rollups below are the only ones
    keys = [uuid.uuid4() for _ in range(DISTINCT_KEYS)]
    start = threading.Barrier(SAVERS + ROLLERS, timeout=60)
    saving_done = threading.Event()
    errors = []
    rollup_runs = []

    def in_thread(work):
        def run(*args):
            try:
                start.wait()
                work(*args)
            except BaseException:
                errors.append(traceback.format_exc())
            finally:
                connection.close()
        return run

    def save(i):
        activity_create(
            user=people.secretary_a, committee=tree.county_a, kind="collective",
            data={"held_on": datetime.date(2021, 12, 1 + i % 28), "title": f"学习 {i}"},
            submission_key=keys[i % DISTINCT_KEYS],
        )

    def roll():
        while True:
            last = saving_done.is_set()
            rollup_runs.append(rollup.rollup_dirty())
            if last:
                return

    savers = [threading.Thread(target=in_thread(save), args=(i,)) for i in range(SAVERS)]
    rollers = [threading.Thread(target=in_thread(roll)) for _ in range(ROLLERS)]
    with caplog.at_level(logging.ERROR):
        for thread in rollers + savers:
            thread.start()
        for thread in savers:
            thread.join(timeout=120)
        saving_done.set()
        for thread in rollers:
            thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in savers + rollers), "a thread hung"
    assert not errors, "\n".join(errors)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert_no_failed_recompute()

    assert Activity.objects.count() == DISTINCT_KEYS
    assert set(Activity.objects.values_list("submission_key", flat=True)) == set(keys)
    assert any(DECEMBER in run for run in rollup_runs)  # the rollups really ran alongside

    rollup.rollup_dirty()
    assert not DirtyMonth.objects.exists()
    assert stored(tree.county_a, DECEMBER) == (DISTINCT_KEYS,) * 4
    assert_figures_match_the_records(tree)
    check = rollup.verify(month_range(datetime.date(2021, 1, 1), DECEMBER))  # every metric, recomputed aside
    assert check.difference_count == 0, check.differences


def test_it_returns_the_first_record_when_a_double_post_lands_during_validation(tree, people, monkeypatch):
    key = uuid.uuid4()
    full_clean = Activity.full_clean

    def twin_lands_first(self, *args, **kwargs):
        monkeypatch.setattr(Activity, "full_clean", full_clean)  # once: the twin validates normally
        save_session(submission_key=key, title="学习（第一次提交）")
        return full_clean(self, *args, **kwargs)

    def save_session(**kwargs):
        return activity_create(
            user=people.secretary_a, committee=tree.county_a, kind="collective",
            data={"held_on": datetime.date(2021, 12, 6), "title": kwargs.pop("title")}, **kwargs,
        )

    monkeypatch.setattr(Activity, "full_clean", twin_lands_first)
    second = save_session(submission_key=key, title="学习（第二次提交）")
    assert Activity.objects.get(submission_key=key) == second
    assert second.title == "学习（第一次提交）"


# 5. The embedded default ------------------------------------------------------------------------------------

def test_it_recomputes_after_the_response_in_the_embedded_default(transactional_db, tree, people, monkeypatch):
    runner = kick.Runner()
    runner.TICK = 24 * 3600  # this runner works only when woken: no tick in later tests
    monkeypatch.setattr(kick, "runner", runner)
    # The recompute stops at its claim until the test lets it go (no lock is held there, on either database).
    entered, release, where = threading.Event(), threading.Event(), []
    claim = rollup._claim

    def gated_claim(year):
        where.append(threading.current_thread().name)
        entered.set()
        release.wait(timeout=30)
        return claim(year)

    monkeypatch.setattr(rollup, "_claim", gated_claim)
    alice = secretary_client(people.secretary_a)
    with recompute_by("thread"):
        data, response = post_session(alice, datetime.date(2021, 12, 6))
        assert response.status_code == 302  # returned while the recompute is held: it is not in the request
        assert entered.wait(timeout=10), "the recompute never started"
        assert set(where) == {"stats-recompute"}
        release.set()
        assert runner.wait_idle(timeout=30), "the recompute did not finish"

    assert Activity.objects.filter(submission_key=data["submission_key"]).count() == 1
    assert not DirtyMonth.objects.exists()
    assert stored(tree.county_a, DECEMBER) == (1, 1, 1, 1)
    assert_figures_match_the_records(tree)
    assert_no_failed_recompute()
    assert runner.runs >= 1
