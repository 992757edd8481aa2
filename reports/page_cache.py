"""Pages (or parts of pages) that are a pure function of the stored figures, kept in Django's cache under a key that
names everything they are made of, the rollup's version of the figures included.

What makes the version, read in ONE query with the month's status (`read`):

- the month's `MonthStatus.computed_at`: the rollup writes it in the transaction that writes the month's figures,
  and a recompute of any month runs its year's chain through December (this year: this month), so it moves
  whenever a figure of the month or of an earlier month of its year changes. A month never computed is never
  cached: the page is built afresh;
- the latest `computed_at` of every month up to the month: it moves whenever figures of an earlier year change (a
  page reads last month, the same month last year, and records of the silent units' window);
- not each `DirtyMonth` mark: a change waiting for the rollup changes the key once, through "updating" below, and
  the rollup that takes it changes `computed_at`. Between the two, saves into the month being read share one key:
  the page says the figures are being updated, and what it reads from the records directly (the silent units) may
  be as old as the first waiting change, never older than the rollup's lag (STATS_COALESCE_SECONDS and the run).
  With a key per mark, every save of a busy month missed the cache for every leader (`make load`: 20 secretaries
  saving, leaders on the same month's dashboard and bulletin);
- the latest `CommitteeChange`: a committee created, renamed, moved, retired or reactivated in the portal;
- the month's close (`closed_at`) and whether a change is waiting ("updating"), which pages say;
- in Python: the registry's keys and labels (a campaign renamed), the language, the settings a page reads.

The cached value is built after the version was read, so it is never older than the figures the version names (it
may be newer: a rollup that committed in between; the next request reads the new version). A key names the
committee, whether the reader reads its whole subtree, and the language, so one reader's scope is never served to
another. What no version sees (a committee edited in Django admin) lasts at most PAGE_CACHE_SECONDS.

A cache that fails (Redis down) is skipped: the page is built as if nothing were cached.
"""
import hashlib
import logging
import pickle

from django.conf import settings
from django.core.cache import cache
from django.db.models import Subquery
from django.utils import translation
from redis.exceptions import RedisError

from committees.models import CommitteeChange

from . import freshness
from . import metrics as registry
from .models import MonthStatus

log = logging.getLogger(__name__)
MISSING = object()


def _latest(queryset, column):
    return Subquery(queryset.filter(**{f"{column}__isnull": False}).order_by(f"-{column}").values(column)[:1])


def read(month):
    """(reports.freshness.Freshness of `month`, the version of the figures a page of `month` reads, or None when
    the month was never computed) in one query."""
    status, found = freshness.read(
        month,
        cache_computed=_latest(MonthStatus.objects.filter(month__lte=month), "computed_at"),
        cache_committees=_latest(CommitteeChange.objects.all(), "id"),
    )
    if status.computed_at is None:
        return status, None
    return status, (status.computed_at.isoformat(), str(status.closed_at), status.updating,
                    str(found["cache_computed"]), found["cache_committees"])


def enabled():
    return bool(settings.PAGE_CACHE_SECONDS)


def version(month):
    """The version alone (`read`), and no query at all when caching is off."""
    return read(month)[1] if enabled() else None


def registry_signature():
    """The registered figures as a page names them (keys, labels, units, order), in the active language."""
    parts = [(m.key, str(m.label), str(m.unit), m.order, m.tally) for m in registry.all_metrics()]
    parts += [(r.key, str(r.label)) for r in registry.all_ratios()]
    parts += [(c.key, str(c.label)) for c in registry.all_coverages()]
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def key(kind, version, *parts):
    """The cache key of a page part: its kind, the figures' version, the language, the registry, and `parts` (the
    committee, whether the reader reads its subtree, the month, and whatever else the part depends on)."""
    named = repr((version, translation.get_language(), registry_signature(), parts))
    return f"page:{kind}:{hashlib.sha1(named.encode()).hexdigest()}"


def scope_parts(committee, subtree_readable):
    """What a part depends on of the reader: the committee (moved: a new path) and whether they read its subtree."""
    return (committee.pk, committee.path, bool(subtree_readable))


def cached(kind, version, parts, build):
    """The value of `build()` for (kind, version, parts), from the cache when it holds one. With no version (the
    month was never computed) or caching off, `build()` every time."""
    if version is None or not enabled():
        return build()
    name = key(kind, version, *parts)
    value = _get(name)
    if value is MISSING:
        value = build()
        _set(name, value, settings.PAGE_CACHE_SECONDS)
    return value


def _get(name):
    try:
        return cache.get(name, MISSING)
    except (RedisError, OSError) as error:  # the cache is only a shortcut: a broken one is skipped, not fatal
        log.warning("page cache unavailable: %s", error)
        return MISSING
    except (AttributeError, ImportError, pickle.UnpicklingError) as error:
        # Written by an older release whose classes have since moved or changed: built afresh, then overwritten.
        log.warning("page cache entry %s unreadable: %s", name, error)
        return MISSING


def _set(name, value, timeout):
    try:
        cache.set(name, value, timeout)
    except (RedisError, OSError) as error:  # (see _get)
        log.warning("page cache unavailable: %s", error)
