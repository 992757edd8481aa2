"""DRF's output of a serializer, field for field, without DRF's per-field dispatch: the record list's read path.

A page of 50 records carries ~35 fields each and a few hundred attendance rows; DRF resolves each value through
`field.get_attribute` (a walk over the source's parts, a callable check, a PK-only stand-in for relations) and
`field.to_representation`, which is most of the page's time in Python. `Compiled.to_representation` resolves, once
per serializer, how each readable field reads its value (an attribute, a foreign key's id, a prefetched list) and
converts it (str, int, a date's ISO form; anything else through the field's own `to_representation`). Fields it
does not know how to read simply (a dotted source, a custom `get_attribute`) go through the field itself, so the
output is DRF's exactly (tests/test_api_representation.py compares the two for every kind of record).
"""
import datetime
from operator import attrgetter

from django.core.exceptions import FieldDoesNotExist
from django.db.models.manager import BaseManager
from rest_framework import ISO_8601, fields, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.settings import api_settings


class Compiled:
    # Mixed into a serializer before its DRF base: `to_representation` reads through a plan built once. (A comment:
    # drf-spectacular publishes a serializer's docstring, an inherited one too.)
    def to_representation(self, instance):
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = [(field.field_name, *_reader(field)) for field in self._readable_fields]
        out = {}
        for name, read, convert in plan:
            try:
                value = read(instance)
            except SkipField:
                continue
            out[name] = None if value is None else convert(value)
        return out


def _identity(value):
    return value


def _reader(field):
    """(read, convert) for one readable field: read(instance) gives the value DRF would convert (None when DRF
    answers None), convert(value) what DRF's field answers for it."""
    if isinstance(field, serializers.ListSerializer) and isinstance(field.child, Compiled) and _plain_source(field):
        child = field.child.to_representation
        return _rows(field.source), lambda rows: [child(row) for row in rows]
    if isinstance(field, relations.ManyRelatedField) and _plain_pk(field.child_relation) and _plain_source(field):
        pk = _converter(field.child_relation.pk_field) if field.child_relation.pk_field else _identity
        return _related_rows(field.source), lambda rows: [pk(row.pk) for row in rows]
    if _plain_source(field) and _plain_pk(field):
        # DRF reads a foreign key's id without loading the row (its PK-only optimisation): the attname.
        convert = _converter(field.pk_field) if field.pk_field else _identity
        return attrgetter(_attname(field.parent.Meta.model, field.source)), convert
    if not _plain_source(field) or type(field).get_attribute is not fields.Field.get_attribute:
        return _through(field), field.to_representation
    return attrgetter(field.source), _converter(field)


def _attname(model, name):
    """What Model.serializable_value(name) reads: a foreign key's column (its id), else the attribute."""
    try:
        return model._meta.get_field(name).attname
    except FieldDoesNotExist:
        return name


def _through(field):
    """The field's own reading, as DRF's Serializer.to_representation uses it."""
    def read(instance):
        value = field.get_attribute(instance)
        if isinstance(value, relations.PKOnlyObject) and value.pk is None:
            return None
        return value
    return read


def _rows(source):
    """A nested list's rows: a list as it is, a relation's manager through .all() (the prefetched rows if any)."""
    def read(instance):
        rows = getattr(instance, source)
        return rows.all() if isinstance(rows, BaseManager) else rows
    return read


def _related_rows(source):
    """A to-many relation's related rows, as DRF's ManyRelatedField reads them; none for an unsaved instance."""
    def read(instance):
        if instance.pk is None:
            return []
        rows = getattr(instance, source)
        return rows.all() if hasattr(rows, "all") else rows
    return read


def _plain_source(field):
    return field.source != "*" and "." not in field.source


def _plain_pk(field):
    """A primary key field answered as the key itself (or through a plain pk_field, e.g. an IntegerField)."""
    return (type(field) is relations.PrimaryKeyRelatedField and field.use_pk_only_optimization()
            and (field.pk_field is None or _converter(field.pk_field) is not field.pk_field.to_representation))


def _converter(field):
    kind = type(field)
    if kind is fields.CharField:
        return str
    if kind is fields.IntegerField:
        return int
    if kind is fields.DateField and _iso(field, api_settings.DATE_FORMAT):
        return _date_iso
    return field.to_representation


def _iso(field, default):
    output = getattr(field, "format", default)
    return isinstance(output, str) and output.lower() == ISO_8601


def _date_iso(value):
    if isinstance(value, str):
        return value
    assert not isinstance(value, datetime.datetime)
    return value.isoformat()
