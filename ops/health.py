"""What /health/ checks: the database, the broker, a worker that answers, the rollup's lag, the last reconciliation.

Each check answers {"ok": bool, ...figures}; errors are named by their type only (no host, user or password).
"""
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

BROKER_TIMEOUT = 0.5  # seconds: a probe must answer fast, whatever is down
WORKER_PING_TIMEOUT = 1.0


def _age(moment, now):
    return None if moment is None else max(0, round((now - moment).total_seconds()))


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "down"; its text may hold the host and user
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker():
    url = settings.REDIS_URL
    if not url:
        return {"ok": True, "mode": "embedded"}  # tasks run in-process: there is no broker to lose
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=BROKER_TIMEOUT, socket_timeout=BROKER_TIMEOUT)
        client.ping()
        client.close()
    except Exception as error:
        return {"ok": False, "mode": "redis", "error": type(error).__name__}
    return {"ok": True, "mode": "redis"}


def check_workers(broker):
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "in-process"}
    if not broker["ok"]:
        return {"ok": False, "count": 0, "error": "broker unavailable"}
    from studygroup.celery import app

    try:
        replies = app.control.ping(timeout=WORKER_PING_TIMEOUT) or []
    except Exception as error:
        return {"ok": False, "count": 0, "error": type(error).__name__}
    return {"ok": bool(replies), "count": len(replies)}


def check_rollup(database, now):
    """Stale when a change has waited longer than HEALTH_ROLLUP_MAX_LAG_MINUTES for its month's recompute."""
    if not database["ok"]:
        return {"ok": False, "error": "database unavailable"}
    from reports.models import DirtyMonth, MonthStatus

    try:
        last = MonthStatus.objects.aggregate(last=Max("computed_at"))["last"]
        oldest = DirtyMonth.objects.aggregate(oldest=Min("marked_at"))["oldest"]
        failing = MonthStatus.objects.filter(failures__gt=0).count()
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    limit = timedelta(minutes=settings.HEALTH_ROLLUP_MAX_LAG_MINUTES)
    return {
        "ok": oldest is None or now - oldest <= limit,
        "last_age_seconds": _age(last, now),
        "oldest_pending_seconds": _age(oldest, now),
        "failing_months": failing,
        "max_lag_seconds": round(limit.total_seconds()),
    }


def check_reconciliation(database, now):
    """Stale when the last finished reconciliation is older than HEALTH_RECONCILIATION_MAX_HOURS (beat runs one
    every night); none yet (a new installation) is not a failure."""
    if not database["ok"]:
        return {"ok": False, "error": "database unavailable"}
    from reports.models import Reconciliation

    try:
        last = Reconciliation.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    limit = timedelta(hours=settings.HEALTH_RECONCILIATION_MAX_HOURS)
    if last is None:
        return {"ok": True, "last_age_seconds": None, "differences": None}
    return {
        "ok": now - last.finished_at <= limit,
        "last_age_seconds": _age(last.finished_at, now),
        "differences": last.difference_count,
        "max_age_seconds": round(limit.total_seconds()),
    }


def health():
    """(healthy, report)."""
    started = time.monotonic()
    now = timezone.now()
    database = check_database()
    broker = check_broker()
    checks = {
        "database": database,
        "broker": broker,
        "workers": check_workers(broker),
        "rollup": check_rollup(database, now),
        "reconciliation": check_reconciliation(database, now),
    }
    healthy = all(check["ok"] for check in checks.values())
    return healthy, {
        "status": "ok" if healthy else "fail",
        "checks": checks,
        "took_ms": round((time.monotonic() - started) * 1000),
    }
