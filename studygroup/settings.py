"""Settings, read from the environment with safe defaults.

Embedded default (nothing set): SQLite file under var/, Celery tasks run in-process,
DEBUG off. Set DATABASE_URL for PostgreSQL and REDIS_URL for a real Celery broker.
"""
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from .env import envbool, envchoice, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("STUDYGROUP_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", False)
# "Development" is DEBUG or the embedded demo (`make run`); only there may the key be generated.
DEVELOPMENT = DEBUG or envbool("STUDYGROUP_DEV", False)


def _secret_key():
    key = envstr("SECRET_KEY")
    if key or not DEVELOPMENT:
        # Missing outside development: settings still load (makemigrations, check, collectstatic need no key),
        # but serving stops at start-up with a clear message (studygroup/startup.py).
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "treebeard",
    "simple_history",
    "axes",
    "committees",
    "sessions_app",
    "reports",
    "supervision",
    "assessment",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "committees.accounts.MustChangePasswordMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into the lockout page
]

ROOT_URLCONF = "studygroup.urls"
WSGI_APPLICATION = "studygroup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "committees.context_processors.scope",
                "committees.accounts.support",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default recomputes figures in a background thread: a save takes the write lock when its
    # transaction begins and waits for a recompute under way, instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "committees.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from one
# address, that pair is locked out for the cool-off time; a successful login clears the count.
# An administrator releases a lockout early with `manage.py axes_reset` or in the admin (Access attempts).
AUTHENTICATION_BACKENDS = [
    "committees.accounts.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=24 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Whom to ask when stuck (login, lockout and reset pages); empty: the Propaganda Department's administrator.
SUPPORT_CONTACT = envstr("SUPPORT_CONTACT", "")
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT_HOURS", 24, minimum=1, maximum=24 * 7) * 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "sessions_app:home"
LOGOUT_REDIRECT_URL = "login"

# Simplified Chinese by default; English switchable from every page.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Vendor assets come from the npm registry at setup (package.json), never a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded evidence; served only through a view that checks scope, never by URL.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-public/"
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process, eagerly.
REDIS_URL = envstr("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 1800)
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 1700)
CELERY_TIMEZONE = TIME_ZONE
# A message of a worker killed mid-task is redelivered after this, not kombu's default hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 300, minimum=30)}
# Month close (月度关账): a month's records are edited freely until 00:00 on this day of the next month; after that
# a change is a correction with a reason, and a new record of the month is a late entry (sessions_app/closing.py).
# 1–28, so that every month has the day.
MONTH_CLOSE_DAY = envint("MONTH_CLOSE_DAY", 5, minimum=1, maximum=28)
from reports.schedule import beat_schedule  # noqa: E402  dirty months every minute, nightly, the month close

CELERY_BEAT_SCHEDULE = beat_schedule(month_close_day=MONTH_CLOSE_DAY)
# How the statistics are recomputed after a change (reports/kick.py): "celery" (a worker), "thread" (the
# embedded default: in this process, after the response), "inline" (at commit, tests), "off" (beat only).
STATS_RECOMPUTE = envchoice("STATS_RECOMPUTE", ["celery", "thread", "inline", "off"], "celery" if REDIS_URL else "thread")

# Logging a record: how far into the future a record may be dated (logging is for what happened).
STUDY_MAX_FUTURE_DAYS = envint("STUDY_MAX_FUTURE_DAYS", 0)
# Filing (学习报备): how many days ahead an upcoming session must be filed.
FILING_MIN_DAYS_AHEAD = envint("FILING_MIN_DAYS_AHEAD", 3)
# Planning dates (filings, due dates, draw periods, campaigns, a plan's year): up to the end of the year this many
# years ahead (see studygroup/dates.py).
PLANNING_MAX_YEARS_AHEAD = envint("PLANNING_MAX_YEARS_AHEAD", 5, minimum=0, maximum=100)
# The leader's briefing (reports/briefing.py): the headline row's figures (registry keys, 4–6 of them, in order;
# a key the registry does not know is left out) and after how many days without a collective study a committee
# is listed as a silent unit.
DASHBOARD_HEADLINE = envlist("DASHBOARD_HEADLINE", [
    "group_sessions", "study_sessions", "reading_class_periods", "immersive_participants", "sit_in_visits",
    "task_completion_rate",
])
DASHBOARD_SILENT_DAYS = envint("DASHBOARD_SILENT_DAYS", 60, minimum=1, maximum=366)

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "studygroup@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}
