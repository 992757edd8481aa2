"""The rollup through a REAL Celery worker on Redis, against the test database.

Skipped locally without REDIS_URL and PostgreSQL; in CI (CI=true) a missing component fails.
Run locally: DATABASE_URL=postgres://…/sg_x REDIS_URL=redis://127.0.0.1:6379/2 pytest -m worker
"""
import datetime
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from reports import tasks
from reports.models import DirtyMonth, MetricValue, MonthStatus
from sessions_app.models import Activity
from studygroup.celery import app

from .conftest import require

pytestmark = pytest.mark.worker
ROOT = Path(__file__).resolve().parent.parent
RESULT_TIMEOUT = 120


def redis_reachable(url):
    import redis

    try:
        return redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError:
        return False


def database_url():
    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(transactional_db):
    """A `celery -A studygroup worker` subprocess on its own queue, always terminated."""
    redis_url = os.environ.get("REDIS_URL", "")
    require(redis_url.startswith("redis"), "REDIS_URL is not set (a real broker is needed)")
    require(connection.vendor == "postgresql", "the worker needs the PostgreSQL test database (DATABASE_URL)")
    require(redis_reachable(redis_url), f"Redis at {redis_url} does not answer")
    queue = f"test-reports-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url,
           "DJANGO_SETTINGS_MODULE": "studygroup.settings_test", "CELERY_TASK_TIME_LIMIT": "300"}
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "studygroup", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        yield queue
    finally:
        app.conf.task_always_eager = eager
        _stop(process)
        log.close()
        print(Path(log.name).read_text()[-4000:])  # shown by pytest when the test fails
        os.unlink(log.name)


def _stop(process):
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def records(tree):
    rows = [
        Activity(committee=tree.grassroots_a1, kind="collective", held_on=datetime.date(2021, 12, 3)),
        Activity(committee=tree.county_b, kind="reading_class", held_on=datetime.date(2021, 12, 9), period_count=2),
        Activity(committee=tree.county_a, kind="thematic", held_on=datetime.date(2021, 11, 9)),
    ]
    for row in rows:
        row.month, row.title = row.held_on.replace(day=1), "学习"
    Activity.objects.bulk_create(rows)  # no signals: nothing is enqueued behind the test's back


def study_sessions(committee, month):
    return MetricValue.objects.filter(committee=committee, month=month, metric="study_sessions").values_list(
        "own", "subtree", "own_ytd", "subtree_ytd").first()


def test_it_rolls_up_a_month_in_a_real_worker(tree, worker):
    records(tree)
    assert not app.conf.task_always_eager
    result = tasks.rollup_month.apply_async(args=["2021-12-01"], queue=worker)
    assert result.get(timeout=RESULT_TIMEOUT) == [f"2021-{m:02d}-01" for m in range(1, 13)]
    assert study_sessions(tree.city, datetime.date(2021, 12, 1)) == (0, 2, 0, 3)
    assert study_sessions(tree.county_a, datetime.date(2021, 12, 1)) == (0, 1, 1, 2)
    assert MonthStatus.objects.get(month=datetime.date(2021, 12, 1)).computed_at is not None


def test_it_claims_dirty_months_in_a_real_worker(tree, worker):
    records(tree)
    DirtyMonth.objects.create(month=datetime.date(2021, 11, 1))
    result = tasks.rollup_dirty.apply_async(queue=worker)
    assert "2021-11-01" in result.get(timeout=RESULT_TIMEOUT)
    assert not DirtyMonth.objects.exists()
    assert study_sessions(tree.city, datetime.date(2021, 11, 1)) == (0, 1, 0, 1)
    # A second run finds nothing left to claim.
    assert tasks.rollup_dirty.apply_async(queue=worker).get(timeout=RESULT_TIMEOUT) == []
