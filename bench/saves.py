"""A save's server time with the statistics off, with a worker and embedded (issue 7).

A secretary of a grassroots committee posts the real record form (Django's test Client, in process, so the
time is the server's: middleware, form, service, commit, the wake after the commit) into a month of the data
set. Three configurations, interleaved save by save in a shuffled order, so that drift (caches, autovacuum,
the machine) falls on all of them alike:

- "off": no marking triggers and STATS_RECOMPUTE="off": what a save costs without statistics;
- "celery": the triggers, then the publish to the worker (a Redis SET NX; `apply_async` for the first save of
  a burst). No worker consumes during the timing: the save only publishes;
- "thread": the embedded default: the triggers, then a wake of the background recompute thread.

Every timed save starts on a quiet server: the embedded recompute a save woke is left to finish, untimed,
before the next one. What that recompute costs a save that meets it is measured apart
("thread_during_recompute": saves posted every 0.2 s while the recompute an embedded save woke runs).
"""
import logging
import os
import random
import time
from contextlib import contextmanager
from datetime import timedelta
from statistics import median

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from committees.models import Committee, Role, RoleKind, User
from reports import kick, triggers
from reports.rollup import rollup_dirty
from sessions_app.models import Activity, ActivityKind
from sessions_app.testing import record_post

from .harness import percentile

KIND = ActivityKind.OUTREACH_LECTURE  # no attendance rows; its audience is summed by three figures
SECRETARY = "bench-secretary-{}"
CONFIGS = ("off", "celery", "thread")
RUNNER_TIMEOUT = 600  # seconds an embedded recompute may take before the measure gives up
DURING_GAP, DURING_MAX = 0.2, 15  # saves posted while an embedded recompute runs: every 0.2 s, 15 at most


# ---------------------------------------------------------------- who saves

def bench_secretaries(count):
    """[(user, committee)]: secretaries of the first `count` grassroots (leaf) committees, made once."""
    leaves = list(Committee.objects.filter(numchild=0).order_by("-depth", "path")[:count])
    out = []
    for index, committee in enumerate(leaves, start=1):
        user, made = User.objects.get_or_create(
            username=SECRETARY.format(index), defaults={"full_name": f"bench secretary {index}"}
        )
        if made:
            user.set_unusable_password()
            user.save()
        Role.objects.get_or_create(user=user, committee=committee, kind=RoleKind.SECRETARY)
        out.append((user, committee))
    return out


def remove_bench_records(*, recompute=True):
    """Delete the records the bench's secretaries saved (the data set stays as built) and, with `recompute`,
    claim every mark left with one rollup_dirty(). Returns how many records were removed."""
    with override_settings(STATS_RECOMPUTE="off"):
        removed = Activity.objects.filter(created_by__username__startswith="bench-secretary-").delete()[1].get(
            Activity._meta.label, 0)
    if recompute:
        rollup_dirty()
    return removed


def days_of(month):
    """Every day of the month (a save lands on one of them)."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return [month + timedelta(days=n) for n in range((following - month).days)]


# ---------------------------------------------------------------- the configurations

@contextmanager
def marking_disabled():
    """No marking trigger fires inside the block (the "statistics off" save).

    PostgreSQL: ALTER TABLE … DISABLE TRIGGER, not a drop: the trigger functions stay, compiled in this
    session, so the next save with statistics pays nothing a deployed portal (triggers created once, at
    migrate) would not pay. SQLite: dropped and created again (plain SQL, nothing compiled to keep)."""
    if connection.vendor == "postgresql":
        names = _postgresql_triggers()
        _alter(names, "DISABLE")
        try:
            yield
        finally:
            _alter(names, "ENABLE")
    else:
        with connection.cursor() as cursor:
            for name in triggers.installed():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        _reload_schema()
        try:
            yield
        finally:
            triggers.install()
            _reload_schema()


def _reload_schema():
    """Touch every table a save writes, untimed, after the triggers changed: the changed schema (SQLite
    re-reads it, PostgreSQL rebuilds its cached table descriptions) is then not paid by the timed save,
    which a deployed portal, whose triggers never change, would not pay either."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 0")


def _postgresql_triggers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE %s AND NOT t.tgisinternal", [triggers.PREFIX + "%"],
        )
        return cursor.fetchall()


def _alter(names, action):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, table in names:
            cursor.execute(f"ALTER TABLE {quote(table)} {action} TRIGGER {quote(name)}")
    _reload_schema()


@contextmanager
def configured(name, *, redis_url=None):
    """The settings (and the marking triggers) of one configuration, for the saves inside the block."""
    if name == "off":
        with marking_disabled(), override_settings(STATS_RECOMPUTE="off"):
            yield
    elif name == "celery":
        from studygroup.celery import app

        # The test settings run tasks eagerly: a publish must go to the broker, as in production.
        eager, app.conf.task_always_eager = app.conf.task_always_eager, False
        try:
            with override_settings(STATS_RECOMPUTE="celery", REDIS_URL=redis_url or settings.REDIS_URL):
                yield
        finally:
            app.conf.task_always_eager = eager
    elif name == "thread":
        # The embedded thread runs in the serving process only, never inside a management command
        # (manage.py sets STUDYGROUP_COMMAND); here this process serves the saves, as runserver would.
        command = os.environ.get("STUDYGROUP_COMMAND")
        os.environ["STUDYGROUP_COMMAND"] = "runserver"
        try:
            with override_settings(STATS_RECOMPUTE="thread"):
                yield
        finally:
            if command is None:
                os.environ.pop("STUDYGROUP_COMMAND", None)
            else:
                os.environ["STUDYGROUP_COMMAND"] = command
    elif name == "settle":  # the triggers mark, nothing wakes (the next recompute claims the mark)
        with override_settings(STATS_RECOMPUTE="off"):
            yield
    else:
        raise ValueError(f"no save configuration {name!r}")


def redis_answers(url):
    import redis

    if not url:
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except (redis.RedisError, ValueError):
        return False


def clear_broker(url):
    """Drop the rollup messages the celery saves published (nobody consumed them) and the burst key."""
    import redis

    from studygroup.celery import app

    if not redis_answers(url):
        return
    with app.connection_for_write(url) as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    redis.Redis.from_url(url).delete(kick.QUEUED_KEY)


# ---------------------------------------------------------------- the measure

def measure_saves(*, month, saves=50, warmup=3, configs=CONFIGS, redis_url=None, during_every=5, seed=7):
    """Median, p95 and max server time (ms) of `saves` record saves per configuration, interleaved, and
    of a save during the embedded recompute every `during_every` rounds (each costs a recompute's wait);
    the marking triggers are installed again afterwards whatever happens."""
    (secretary, _committee), = bench_secretaries(1)
    client = Client()
    client.force_login(secretary)
    saver = _Saver(client, reverse("sessions_app:create", args=[KIND.value]), days_of(month), random.Random(seed),
                   redis_url)
    try:
        with _quiet_request_log(), _persistent_connection():
            for name in configs:
                for _ in range(warmup):
                    saver.save(name, timed=False)
            for round_ in range(saves):
                order = list(configs)
                saver.rng.shuffle(order)
                for name in order:
                    saver.save(name, during=name == "thread" and during_every and round_ % during_every == 0)
    finally:
        triggers.install()
        if "celery" in configs:
            clear_broker(redis_url or settings.REDIS_URL)
    return _result(saver, month, saves)


class _Saver:
    """Posts the form in a configuration and keeps the times; after an embedded save it waits (untimed)
    for the recompute the save woke, then posts one save with no wake-up, timed apart ("settle"): the
    first save after a recompute finds the database's caches full of the recompute's rows, whatever the
    configuration, and that should not fall on whichever configuration happens to come next."""

    def __init__(self, client, url, days, rng, redis_url):
        self.client, self.url, self.days, self.rng, self.redis_url = client, url, days, rng, redis_url
        self.samples, self.failures, self.overlapped = {}, {}, 0

    def save(self, name, *, timed=True, during=False):
        runs = kick.runner.runs
        self._post(name, name if timed else None)
        if during and _woken():
            self._during(runs)
        if name == "thread":
            _wait_for_runner(runs)
            self._post("settle", "first_after_recompute" if timed else None)

    def _during(self, runs):
        """Saves every DURING_GAP s while the recompute the last save woke runs (at most DURING_MAX), so they
        meet every part of it: its reads, and its write transaction from the claim to the commit."""
        for _ in range(DURING_MAX):
            if kick.runner.runs != runs:
                return
            self._post("thread", "thread_during_recompute")
            self.overlapped += kick.runner.runs == runs  # the recompute had not finished when the save did
            time.sleep(DURING_GAP)

    def _post(self, name, bucket):
        failures = self.failures.setdefault(bucket, []) if bucket else []
        with configured(name, redis_url=self.redis_url):
            elapsed = _post(self.client, self.url, self.rng.choice(self.days), failures)
        if bucket:
            self.samples.setdefault(bucket, []).append(elapsed)


def _result(saver, month, saves):
    result = {"kind": KIND.value, "url": saver.url, "month": month.isoformat(), "saves_per_config": saves,
              "configs": {name: _summary(values, saver.failures[name]) for name, values in saver.samples.items()}}
    off = result["configs"].get("off")
    for name, summary in result["configs"].items():
        if off and off.get("p50_ms") and name != "off" and summary.get("p50_ms"):
            summary["ratio_p50"] = summary["p50_ms"] / off["p50_ms"]
            summary["ratio_p95"] = summary["p95_ms"] / off["p95_ms"]
    for name in ("thread_during_recompute", "first_after_recompute"):
        if name in result["configs"]:
            result[name] = result["configs"].pop(name)
    if "thread_during_recompute" in result:
        result["thread_during_recompute"]["overlapped"] = saver.overlapped
    return result


@contextmanager
def _persistent_connection():
    """The connection kept between requests, as the portal's settings keep it (DB_CONN_MAX_AGE, 60 s by
    default; the test settings close it after every request for the live server's sake): a save then pays
    what a deployed portal's save pays, not a new database session each time."""
    age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    try:
        yield
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = age


@contextmanager
def _quiet_request_log():
    """A failed save is counted in the figures; its traceback need not fill the bench's output."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _save_in(name, client, url, held_on, redis_url, failures):
    with configured(name, redis_url=redis_url):
        return _post(client, url, held_on, failures)


def _post(client, url, held_on, failures):
    """One timed POST of the record form; milliseconds, or None when the save failed (the reason is
    appended to `failures`: a failing save is a finding, not a reason to lose the other figures)."""
    data = record_post(KIND, held_on=held_on)
    started = time.perf_counter()
    try:
        response = client.post(url, data)
    except Exception as exc:  # the test client re-raises the view's exception (the server would answer 500)
        failures.append(f"{type(exc).__name__}: {exc}")
        return None
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        failures.append(f"HTTP {response.status_code}")
        return None
    return elapsed


def _woken():
    """Whether the save's commit ran its on_commit wake (not inside a test's enclosing transaction)."""
    return not connection.in_atomic_block


def _wait_for_runner(runs_before):
    """Until the embedded recompute the last save woke (and any wake-up during it) has run (untimed)."""
    if not _woken():
        return
    if not kick.runner.wait_idle(RUNNER_TIMEOUT) or kick.runner.runs == runs_before:
        raise RuntimeError(f"the embedded recompute did not run, or not within {RUNNER_TIMEOUT} s")


def _summary(values, failures):
    """Figures of the saves that succeeded, and how many failed (with the first reasons)."""
    done = [v for v in values if v is not None]
    out = {"n": len(values), "failed": len(failures), "failures": sorted(set(failures))[:3]}
    if done:
        out.update(p50_ms=median(done), p95_ms=percentile(done, 95), max_ms=max(done))
    out["samples_ms"] = [None if v is None else round(v, 1) for v in values]  # in the order they were taken
    return out
