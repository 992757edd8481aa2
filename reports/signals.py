"""Marking months dirty: any change to a row of a registered metric source marks its month(s).

Connected per source model: at our ready() for the metrics registered so far, and by
`metrics.register()` for those other apps register later (in their own ready()). A save, an edit (moving the date to another month marks
both months) or a delete marks the month(s) and enqueues `rollup_dirty` when the transaction commits.
bulk_create and QuerySet.update send no signals: callers that use them roll up themselves.
"""
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_save, pre_save

from . import metrics as registry
from .months import month_floor

_OLD_MONTHS = "_reports_old_months"
_fields_cache = {}


def date_fields_of(model):
    """The date fields that put rows of `model` in a month, for every registered metric on it."""
    key = (model._meta.label, len(registry.REGISTRY))
    if key not in _fields_cache:
        label = model._meta.label
        _fields_cache[key] = sorted({m.date_field for m in registry.REGISTRY.values() if m.source == label})
    return _fields_cache[key]


def _value(instance, path):
    """`round__held_on` → instance.round.held_on (None when any step is missing)."""
    value = instance
    for name in path.split("__"):
        try:
            value = getattr(value, name, None)
        except ObjectDoesNotExist:
            return None
        if value is None:
            return None
    return value


def _months(values):
    return {month_floor(value) for value in values if value}


def remember_old_months(sender, instance, raw=False, **kwargs):
    fields = date_fields_of(sender)
    if not fields or raw or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).values_list(*fields).first()
    setattr(instance, _OLD_MONTHS, _months(old or ()))


def mark_saved(sender, instance, raw=False, **kwargs):
    fields = date_fields_of(sender)
    if fields and not raw:
        new = _months(_value(instance, name) for name in fields)
        _mark(new | getattr(instance, _OLD_MONTHS, set()))


def mark_deleted(sender, instance, **kwargs):
    fields = date_fields_of(sender)
    if fields:
        _mark(_months(_value(instance, name) for name in fields))


def _mark(months):
    from .services import dirty_mark

    if months:
        dirty_mark(months=months)


def connect_model(model):
    """Listen to one source model (deletes of other models stay fast: no receiver for them)."""
    uid = model._meta.label_lower
    pre_save.connect(remember_old_months, sender=model, dispatch_uid=f"reports_old_months_{uid}")
    post_save.connect(mark_saved, sender=model, dispatch_uid=f"reports_mark_saved_{uid}")
    post_delete.connect(mark_deleted, sender=model, dispatch_uid=f"reports_mark_deleted_{uid}")


def connect_sources():
    """Every source registered so far; `metrics.register()` connects the later ones."""
    for source in {m.source for m in registry.REGISTRY.values()}:
        connect_model(apps.get_model(source))
