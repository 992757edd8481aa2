"""Publishing a month's bulletin: a frozen snapshot of its text and of every figure it used.

Publishing again makes a new version rather than refusing: a correction after publication is exactly why a
committee re-issues a bulletin (更正后重新印发), and the earlier version, which people have read and filed, must
stay on record. Publishing what the latest version already says (same text, same figures) makes nothing new.

After publication the page and the downloads of that month show the latest version as published; where the
figures have changed since (corrections of closed months), the page shows published and current values side by
side, with the corrections that explain them when sessions_app keeps corrections.
"""
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import bulletin as bulletins
from .figures import figures_for
from .outline_models import PublishedBulletin


def versions(committee, month):
    """Every published version of the committee's bulletin for the month, latest first."""
    return list(
        PublishedBulletin.objects.filter(committee=committee, month=month).select_related("published_by")
        .order_by("-version")
    )


def _figure_entry(value, month_value, label, unit):
    return {"value": _plain(value), "month_value": _plain(month_value), "label": str(label), "unit": str(unit)}


def _plain(value):
    """JSON-safe: ints stay ints, a percentage a float, nothing None."""
    if value is None or isinstance(value, (int, float)):
        return value
    return float(value)


def snapshot_of(document):
    """(figures, table) of a rendered bulletin, as stored: every figure the text names and every table row."""
    figures = {
        key: _figure_entry(f.value, f.month_value, f.label, f.unit) for key, f in document.figures.items()
    }
    table = []
    for row in document.table:
        table.append({"key": row.key, "tally": row.tally, "label": row.label, "unit": row.unit,
                      "value": _plain(row.value), "ytd": _plain(row.ytd)})
        figures.setdefault(row.key, _figure_entry(row.ytd, row.value, row.label, row.unit))
    return figures, table


@transaction.atomic
def bulletin_publish(*, committee, month, user):
    """Publish the committee's bulletin for the month as it reads now (for a reader of the whole subtree).
    Returns (version, created): created is False when the latest version already says exactly this."""
    document = bulletins.build(committee, month, subtree_readable=True)
    figures, table = snapshot_of(document)
    latest = PublishedBulletin.objects.filter(committee=committee, month=month).order_by("-version").first()
    if latest is not None and (latest.title, latest.paragraphs, latest.figures, latest.table) == (
        document.title, document.paragraphs, figures, table,
    ):
        return latest, False
    try:
        with transaction.atomic():
            made = PublishedBulletin.objects.create(
                committee=committee, month=month, version=(latest.version + 1) if latest else 1,
                language=document.outline.language if document.outline else (get_language() or ""),
                title=document.title, paragraphs=document.paragraphs, table=table, figures=figures,
                outline=document.outline if getattr(document.outline, "pk", None) else None,
                published_at=timezone.now(), published_by=user, publisher_name=str(user)[:150],
            )
    except IntegrityError:
        raise ValidationError(_("Someone published this bulletin at the same moment. Reload the page and look "
                                "at the latest version.")) from None
    return made, True


def document_from(published):
    """The published version as a Bulletin (what the page and the downloads print)."""
    rows = [bulletins.TableRow(r["key"], r["tally"], r["label"], r["unit"], r["value"], r["ytd"])
            for r in published.table]
    return bulletins.Bulletin(
        published.committee, published.month, published.title, list(published.paragraphs), rows,
        published=published,
    )


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    unit: str
    published: object
    current: object
    published_month: object
    current_month: object


def changes_since(published):
    """The figures the published version used whose value differs now (year to date or the month alone)."""
    keys = list(published.figures)
    if not keys:
        return []
    current = {f.key: f for f in figures_for(published.committee, published.month, keys=keys).items}
    found = []
    for key, then in published.figures.items():
        now = current.get(key)
        value, month_value = (_plain(now.value), _plain(now.month_value)) if now else (None, None)
        if (value, month_value) != (then["value"], then["month_value"]):
            found.append(Change(key, then["label"], then["unit"], then["value"], value, then["month_value"],
                                month_value))
    return found


def corrections_since(published, limit=50):
    """The corrections of the committee's subtree, made after publication, to records of the bulletin's year
    up to its month (they are what moves a year-to-date figure); None when corrections are not kept."""
    if not apps.is_installed("sessions_app"):
        return None
    try:
        from sessions_app.models import Correction
    except ImportError:
        return None
    start, end = published.month.replace(month=1), published.month
    in_period = Q(month__gte=start, month__lte=end) | Q(new_month__gte=start, new_month__lte=end)
    return list(
        Correction.objects.filter(
            in_period, committee__path__startswith=published.committee.path, made_at__gt=published.published_at,
        ).select_related("made_by", "committee").order_by("-made_at")[:limit]
    )
