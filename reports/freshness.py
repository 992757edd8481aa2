"""Whether a month's stored figures are current: the reads behind "figures are being updated".

A change to a record leaves a DirtyMonth mark for the month it touches (several marks may stand for one
month) until the rollup has written the month's new figures. A month's figures are current only when

- the month has been computed (MonthStatus.computed_at is set), and
- no mark stands for the month or for any earlier month of its year: the year-to-date columns add the
  earlier months up, so a change in March makes December's year to date stale too.

Every read here is one query on the month index of DirtyMonth and the unique month of MonthStatus, and
a caller may fold more columns of the same month into it (`read(month, **annotations)`), so a page that
already read the month's status pays nothing for knowing it is current.
"""
import datetime
from dataclasses import dataclass

from django.db.models import Exists, Min

from .models import DirtyMonth, MonthStatus


def stale_marks(month):
    """The marks that keep `month`'s figures from being current: its own and its year's earlier months'."""
    return DirtyMonth.objects.filter(month__gte=month.replace(month=1, day=1), month__lte=month)


@dataclass(frozen=True)
class Freshness:
    """What a page says about the month it shows: as of when, closed or not, current or not."""

    month: datetime.date
    computed_at: datetime.datetime = None  # None: never computed
    closed_at: datetime.datetime = None
    updating: bool = False  # a change is waiting for the rollup (marks stand for the month or earlier)

    @property
    def computed(self):
        return self.computed_at is not None

    @property
    def pending(self):
        """The stored figures are not the records' figures: never computed, or a change waits for them."""
        return not self.computed or self.updating


STATUS_COLUMNS = ("computed_at", "closed_at", "updating")


def read(month, **annotations):
    """(Freshness, {name: value}) of `month` in one query; each extra annotation (say the month's stored
    figure, as a Subquery) is read in the same statement and is None when the month has no status row."""
    row = (
        MonthStatus.objects.filter(month=month)
        .annotate(updating=Exists(stale_marks(month)), **annotations)
        .values(*STATUS_COLUMNS, *annotations)
        .first()
    )
    if row is None:  # never computed: pending whatever the marks say, and no figure to trust
        return Freshness(month), dict.fromkeys(annotations)
    extra = {name: row.pop(name) for name in annotations}
    return Freshness(month, **row), extra


def freshness(month):
    return read(month)[0]


def pending(month):
    """Whether `month`'s stored figures may differ from its records (one query)."""
    return freshness(month).pending


def pending_since(month):
    """When the oldest change still waiting for `month`'s figures was made, or None. A query of its own:
    marks pile up while no worker runs, and `read` only asks whether there is one (the first found)."""
    return stale_marks(month).aggregate(since=Min("marked_at"))["since"]
