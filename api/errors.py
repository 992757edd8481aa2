"""Errors as the API answers them: keyed by field, in the caller's language, never a 500 for bad input."""
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def form_errors(form, into=None):
    """A Django form's errors as {field: [message, …]} ("non_field_errors" for the form's own)."""
    errors = {} if into is None else into
    for name, messages in form.errors.items():
        key = "non_field_errors" if name == "__all__" else name
        errors.setdefault(key, []).extend(str(m) for m in messages)
    return errors


def django_errors(error):
    """A service's ValidationError as the same mapping."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): [str(m) for e in errors for m in e.messages]
            for name, errors in error.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_errors(exc))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.NotFound()  # the portal's rule: what you may not do does not exist for you
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
