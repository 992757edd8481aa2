"""Writes of the reports app: marking months dirty, claiming them, closing a month, asking for a recompute."""
from django.db import transaction
from django.utils import timezone

from .models import DirtyMonth, MonthStatus
from .months import month_floor


def dirty_mark(*, months):
    """Mark months for recomputation; `rollup_dirty` is enqueued once the transaction commits."""
    now = timezone.now()
    for month in sorted({month_floor(m) for m in months}):
        DirtyMonth.objects.update_or_create(month=month, defaults={"marked_at": now})
    # Several saves enqueue several runs: the first claims the months, the others find nothing (one query).
    transaction.on_commit(_enqueue_rollup_dirty)


def _enqueue_rollup_dirty():
    from .tasks import rollup_dirty

    rollup_dirty.delay()


def dirty_claim():
    """Claim the dirty months: a conditional delete (same month, same marked_at) succeeds for one
    worker only; a month marked again meanwhile stays dirty for the next run."""
    claimed = []
    for month, marked_at in DirtyMonth.objects.order_by("month").values_list("month", "marked_at"):
        deleted, _ = DirtyMonth.objects.filter(month=month, marked_at=marked_at).delete()
        if deleted:
            claimed.append(month)
    return claimed


def month_close(*, month):
    """Close a month (its later entries are late) and count the records already entered late."""
    from sessions_app.models import Activity

    month = month_floor(month)
    late = Activity.objects.filter(month=month, is_late=True).count()
    status, _ = MonthStatus.objects.update_or_create(
        month=month, defaults={"closed_at": timezone.now(), "late_records": late}
    )
    return status


def rollup_request(*, months):
    """An administrator asks for a recompute (the dashboard's button): enqueue one task per month."""
    from .tasks import rollup_month

    isos = [m.isoformat() for m in sorted({month_floor(m) for m in months})]
    transaction.on_commit(lambda: [rollup_month.delay(iso) for iso in isos])
    return isos
