"""Form fields the project's forms share."""
from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# The widest integer any supported database stores (PostgreSQL bigint, SQLite INTEGER).
LARGEST_KEY = 2**63 - 1


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, but a posted key no database can hold (say 2**70, from a forged form or an API payload) is an
    invalid choice at the field instead of an OverflowError (SQLite) or a database error in the query Django
    makes of the keys (`pk__in`)."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        field = self.queryset.model._meta.pk if key == "pk" else self.queryset.model._meta.get_field(key)
        if isinstance(field, (models.IntegerField, models.AutoField)):
            for pk in value:
                try:
                    number = int(str(pk).strip())
                except ValueError:
                    continue  # Django's own check says so
                if not -LARGEST_KEY <= number <= LARGEST_KEY:
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk})
        return super()._check_values(value)
