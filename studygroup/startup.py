"""Checks made when the portal starts serving (WSGI, runserver), not whenever settings load."""
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = (
    "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random string "
    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
    "or set DEBUG=1 / STUDYGROUP_DEV=1 for a development key kept in var/secret_key."
)

# Commands that serve requests or sign data; the others (migrate, check, makemigrations …) need no key.
SERVING_COMMANDS = {"runserver", "changepassword", "createsuperuser"}


def require_secret_key():
    settings.INSTALLED_APPS  # noqa: B018  (loads the settings module)
    # Read the raw value: settings.SECRET_KEY itself raises Django's terser error when it is empty.
    if not settings._wrapped.SECRET_KEY:
        raise ImproperlyConfigured(MISSING_SECRET_KEY)
