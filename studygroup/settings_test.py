"""Test settings: the real settings, with a fixed key for tests and a fast password hasher."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")

from .settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["*"]  # the test client and live server use varied host names
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# tests/conftest.py points this at a temporary directory removed at the end (inherited by subprocesses).
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT") or VAR_DIR / "test-media")  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Tests run tasks in-process; the worker test (tests/test_reports_worker.py) sends to a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = True
# The live server's threads must not keep connections open, or the test database can't be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Figures right after the commit, in the test's own thread (the background runner has its own tests).
STATS_RECOMPUTE = "inline"
# Pages are not cached on the rollup's version (reports/page_cache.py) unless a test turns it on: many tests write
# stored figures directly, which in production only the rollup does (and then the version moves).
PAGE_CACHE_SECONDS = 0
