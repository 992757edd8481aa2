"""Structured audit log: one JSON line per login, failed login, role change and export (logger "studygroup.audit").

Each line holds `event`, `at` (UTC, ISO 8601) and the event's fields; never a password or a session key.
Ship the lines with the process's stderr (settings.LOGGING) to whatever collects the logs.
"""
import json
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

logger = logging.getLogger("studygroup.audit")


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the address the outermost
    of them saw (counted from the right of X-Forwarded-For, which each proxy appends to; whatever a client wrote
    there itself stands further left and is never taken). django-axes locks out by this address too."""
    if request is None:
        return None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def log_event(event, **fields):
    """Write one audit line: {"event": ..., "at": ..., **fields} as JSON."""
    record = {"event": event, "at": timezone.now().isoformat(timespec="seconds"), **fields}
    logger.info(json.dumps(record, ensure_ascii=False, sort_keys=True, default=str))


def log_export(request, what, fmt, **fields):
    """Every download of data (CSV, XLSX, DOCX) calls this: who exported what, in which format."""
    user = getattr(request, "user", None)
    log_event(
        "export", user=getattr(user, "username", None), what=what, format=fmt, path=request.path,
        query=request.GET.urlencode(), ip=client_ip(request), **fields,
    )


def _logged_in(sender, request, user, **kwargs):
    log_event("login", user=user.username, user_id=user.pk, ip=client_ip(request))


def _login_failed(sender, credentials, request=None, **kwargs):
    # Django already replaces the password in `credentials` by stars; only the username is kept here.
    log_event("login_failed", user=(credentials or {}).get("username"), ip=client_ip(request))


def _acting_user():
    """Who made the change, when it came through a request (django-simple-history keeps the request)."""
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return getattr(user, "username", None) if user is not None and user.is_authenticated else None


def _role_fields(role):
    try:
        username = role.user.username
    except ObjectDoesNotExist:  # deleted with its user
        username = None
    try:
        committee = role.committee.code
    except ObjectDoesNotExist:
        committee = None
    return {
        "role_id": role.pk, "user": username, "user_id": role.user_id, "kind": role.kind,
        "committee": committee, "by": _acting_user(),
    }


def _role_saved(sender, instance, created, **kwargs):
    log_event("role_created" if created else "role_changed", **_role_fields(instance))


def _role_deleted(sender, instance, **kwargs):
    log_event("role_deleted", **_role_fields(instance))


def connect():
    from committees.models import Role

    user_logged_in.connect(_logged_in, dispatch_uid="ops.audit.login")
    user_login_failed.connect(_login_failed, dispatch_uid="ops.audit.login_failed")
    post_save.connect(_role_saved, sender=Role, dispatch_uid="ops.audit.role_saved")
    post_delete.connect(_role_deleted, sender=Role, dispatch_uid="ops.audit.role_deleted")
