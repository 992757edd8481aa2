"""Waking the recompute after a change: never in the way of the save.

The dirty marks are already committed by the triggers (reports/triggers.py), so waking is only about
freshness: if it fails, beat (or the embedded runner's minute tick) catches up. How the recompute runs is
settings.STATS_RECOMPUTE:

- "celery": publish `rollup_dirty` once per burst of saves (a Redis SET NX, 0.5 s timeouts, no publish
  retries): with the broker down the save goes on at normal speed;
- "thread": the embedded default — one background thread in this process, after the response;
- "inline": right after the commit, in the same thread (tests that want figures at once);
- "off": nothing (beat only).
"""
import logging
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

    rollup_dirty.apply_async(retry=False)


def started():
    """Called by the task as it starts: saves from now on queue the next run."""
    if getattr(settings, "STATS_RECOMPUTE", "") != "celery":
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
        self._thread = None
        self.runs = 0

    def wake(self):
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


runner = Runner()


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
