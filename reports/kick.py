"""Waking the recompute after a change: never in the way of the save.

The dirty marks are already committed by the triggers (reports/triggers.py), so waking is only about
freshness: if it fails, beat (or the embedded runner's minute tick) catches up. How the recompute runs is
settings.STATS_RECOMPUTE:

- "celery": publish `rollup_dirty` once per burst of saves (a Redis SET NX, 0.5 s timeouts, no publish
  retries), to start STATS_COALESCE_SECONDS later, so that the saves of those seconds share one recompute (under
  `make load` a recompute for nearly every save kept a core busy); with the broker down the save goes on at
  normal speed;
- "thread": the embedded default — one background thread in this process, after the response;
- "inline": right after the commit, in the same thread (tests that want figures at once);
- "off": nothing (beat only).
"""
import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction

log = logging.getLogger(__name__)
QUEUED_KEY = "studygroup:rollup-dirty:queued"
QUEUED_TTL = 120  # seconds: a lost message is re-sent by the next save after this, or by beat
_redis = None


def after_commit():
    """Wake the recompute once the current transaction commits. Every save asks (a savepoint rolled back
    takes its callbacks with it); waking twice costs one Redis SET NX or one empty query."""
    transaction.on_commit(_wake)


def _wake():
    mode = getattr(settings, "STATS_RECOMPUTE", "inline")
    try:
        if mode == "celery":
            _publish()
        elif mode == "thread":
            runner.wake()
        elif mode == "inline":
            from .rollup import rollup_dirty

            rollup_dirty()
    except Exception:  # never the save's problem: the marks are committed, beat catches up
        log.exception("could not wake the statistics recompute")


def _client():
    global _redis
    if _redis is None:
        import redis

        _redis = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    return _redis


def _publish():
    import redis

    try:
        first = _client().set(QUEUED_KEY, "1", nx=True, ex=QUEUED_TTL)
    except redis.RedisError:
        log.warning("broker unreachable: the statistics will catch up when it is back")
        return
    if not first:
        return  # a run is already queued and has not started: it will see this change too
    from .tasks import rollup_dirty

    rollup_dirty.apply_async(retry=False, countdown=settings.STATS_COALESCE_SECONDS or None)


def started():
    """Called by the task as it starts: saves from now on queue the next run. Whatever this process's own
    STATS_RECOMPUTE: the key is set by the publishers (the web processes), and a worker configured apart
    (e.g. "off") must still clear it, or every save would wait out QUEUED_TTL for its recompute."""
    if not getattr(settings, "REDIS_URL", ""):
        return
    import redis

    try:
        _client().delete(QUEUED_KEY)
    except redis.RedisError:
        pass


class Runner:
    """The embedded default's recompute: one daemon thread, woken after commits, ticking every minute."""

    TICK = 60

    def __init__(self):
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._idle = threading.Condition()
        self._busy = False
        self._thread = None
        self.runs = 0

    def wake(self):
        if os.environ.get("STUDYGROUP_COMMAND", "runserver") != "runserver":
            return  # a management command: its marks wait for the server (load_demo rolls up itself)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="stats-recompute", daemon=True)
                self._thread.start()
        self._event.set()

    def _loop(self):
        from django.utils import timezone

        from .rollup import rollup_dirty
        from .services import mark_day_turnover

        day = None
        while True:
            self._event.wait(self.TICK)
            with self._idle:
                self._busy = True  # before clearing the wake-up, so wait_idle() never sees a gap
            self._event.clear()
            try:
                close_old_connections()
                if day != timezone.localdate():  # what beat's day_turnover does, once a day
                    day = timezone.localdate()
                    mark_day_turnover()
                rollup_dirty()
            except Exception:
                log.exception("statistics recompute failed; the months stay marked")
            finally:
                self.runs += 1
                connection.close()
                with self._idle:
                    self._busy = False
                    self._idle.notify_all()

    def wait_idle(self, timeout):
        """Wait until no run is going on or asked for (its connection is closed by then); False on timeout.
        For tests and shutdown: a wake-up during a run is another run, which this waits for too."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._busy and not self._event.is_set(), timeout)


runner = Runner()


def start():
    """At server start (studygroup/wsgi.py): the embedded default catches up with marks left by commands."""
    if getattr(settings, "STATS_RECOMPUTE", "") == "thread":
        runner.wake()


def _changed(sender, **kwargs):
    if sender._meta.label in _watched():
        after_commit()


_WATCHED = None


def _watched():
    global _WATCHED
    if _WATCHED is None:
        from .triggers import watches

        _WATCHED = set(watches())
    return _WATCHED


def connect():
    """Saves and deletes of any watched model wake the recompute; bulk writes call after_commit() or wait
    for beat. (Marking itself never depends on this: the triggers do it.)"""
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_changed, dispatch_uid="reports_kick_save")
    post_delete.connect(_changed, dispatch_uid="reports_kick_delete")
