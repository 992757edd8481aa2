"""Settings, read from the environment with safe defaults.

Embedded default (nothing set): SQLite file under var/, Celery tasks run in-process,
DEBUG off. Set DATABASE_URL for PostgreSQL and REDIS_URL for a real Celery broker.
"""
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy

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
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "simple_history",
    "axes",
    "csp",
    "api",
    "committees",
    "sessions_app",
    "reports",
    "supervision",
    "assessment",
    "archive",
    "imports",
    "reminders",
    "ops",
    "demo",  # the demo city and the 2021 scenario: above the domain apps
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "studygroup.middleware.RequestSizeLimitMiddleware",  # after the language is known: its page is translated
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "studygroup.middleware.CacheControlMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "committees.accounts.MustChangePasswordMiddleware",
    "committees.policy.NoRoleMiddleware",  # a signed-in user with no role: the page that says so, on every portal page
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into the lockout page
]

ROOT_URLCONF = "studygroup.urls"
WSGI_APPLICATION = "studygroup.wsgi.application"

# Selects are written in Python (same markup as Django's templates), the rest as Django renders it.
FORM_RENDERER = "studygroup.renderers.FormRenderer"
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
            "libraries": {"studygroup_tables": "studygroup.templatetags.tables"},
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
# Behind reverse proxies the client's address is in X-Forwarded-For: TRUSTED_PROXY_COUNT says how many proxies
# append to it (0: use REMOTE_ADDR). The lockout and the audit log take the address from the same function.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=10)
AXES_CLIENT_IP_CALLABLE = "studygroup.audit.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Whom to ask when stuck (login, lockout and reset pages); empty: the Propaganda Department's administrator.
SUPPORT_CONTACT = envstr("SUPPORT_CONTACT", "")
# Who issues the bulletin (通报) in its DOCX, "{committee}" the committee's name, e.g. "中共{committee}宣传部";
# empty: the propaganda department of a city/county/province committee, else the study group's office.
BULLETIN_ISSUER = envstr("BULLETIN_ISSUER", "")
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
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# Bulk import (imports/): the largest spreadsheet accepted.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1)
# Per record: how many files and how many bytes in all (those kept plus those added); checked at the field.
ATTACHMENT_MAX_FILES_PER_RECORD = envint("ATTACHMENT_MAX_FILES_PER_RECORD", 10, minimum=1, maximum=1000)
ATTACHMENT_MAX_RECORD_BYTES = envint("ATTACHMENT_MAX_RECORD_BYTES", 30 * 1024 * 1024, minimum=1)
# Per request: a body larger than this is refused before it is read (413, studygroup/middleware.py).
UPLOAD_MAX_REQUEST_BYTES = envint("UPLOAD_MAX_REQUEST_BYTES", 40 * 1024 * 1024, minimum=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 50
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/studygroup.html"  # bootstrap5-responsive, rows written in Python
# A list filter's empty choice reads 全部 (all), never Django's "---------" (issue 10); a form's reads 请选择
# (studygroup/choices.py).
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")

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
# Django's cache: Redis when REDIS_URL is set (shared by the web processes), else this process's memory. It holds the
# pages that are a pure function of the stored figures, keyed on the rollup's version (reports/page_cache.py), for
# at most PAGE_CACHE_SECONDS (0: never cached); a cache that does not answer within 0.5 s is skipped, not waited for.
CACHES = {"default": {
    "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "sg",
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
} if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "studygroup"}}
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 600, minimum=0, maximum=86400)
# Month close (月度关账): a month's records are edited freely until 00:00 on this day of the next month; after that
# a change is a correction with a reason, and a new record of the month is a late entry (sessions_app/closing.py).
# 1–28, so that every month has the day.
MONTH_CLOSE_DAY = envint("MONTH_CLOSE_DAY", 5, minimum=1, maximum=28)
from celery.schedules import crontab  # noqa: E402

from reports.schedule import beat_schedule  # noqa: E402  dirty months every minute, nightly, the month close

CELERY_BEAT_SCHEDULE = beat_schedule(month_close_day=MONTH_CLOSE_DAY)
CELERY_BEAT_SCHEDULE.update({
    # Reminders once a day; the closed month's bulletins every morning (each subscription once per month).
    "reminders-send": {"task": "reminders.tasks.send_reminders", "schedule": crontab(hour=7, minute=0)},
    "reminders-bulletins": {"task": "reminders.tasks.send_bulletins", "schedule": crontab(hour=6, minute=0)},
    # Uploads previewed but never imported, and finished imports' status, after a day (imports/services.py).
    "imports-forget": {"task": "imports.tasks.forget_stale_uploads", "schedule": crontab(hour=3, minute=30)},
})
# QR sign-in at the venue (sessions_app/signin.py): the code is valid from this many minutes before the start until
# this many minutes after it; a sign-in more than SIGNIN_LATE_MINUTES after the start is late.
SIGNIN_OPENS_BEFORE_MINUTES = envint("SIGNIN_OPENS_BEFORE_MINUTES", 30, minimum=0, maximum=240)
SIGNIN_WINDOW_MINUTES = envint("SIGNIN_WINDOW_MINUTES", 180, minimum=10, maximum=24 * 60)
SIGNIN_LATE_MINUTES = envint("SIGNIN_LATE_MINUTES", 10, minimum=0, maximum=240)
# Reminders (reminders/rules.py): the city's thresholds, and which rules run (all when unset).
REMINDER_ESCALATE_DAYS = envint("REMINDER_ESCALATE_DAYS", 30, minimum=0)
REMINDER_FILING_GRACE_DAYS = envint("REMINDER_FILING_GRACE_DAYS", 2, minimum=0)
REMINDER_PLAN_FROM_MONTH = envint("REMINDER_PLAN_FROM_MONTH", 10, minimum=1, maximum=12)
REMINDER_CLOSE_WARN_DAYS = envint("REMINDER_CLOSE_WARN_DAYS", 3, minimum=0, maximum=27)
REMINDER_RULES = envlist("REMINDER_RULES") or None
# How the statistics are recomputed after a change (reports/kick.py): "celery" (a worker), "thread" (the
# embedded default: in this process, after the response), "inline" (at commit, tests), "off" (beat only).
STATS_RECOMPUTE = envchoice("STATS_RECOMPUTE", ["celery", "thread", "inline", "off"], "celery" if REDIS_URL else "thread")
# With a worker: the recompute a save asks for starts this many seconds later, so that a burst of saves (a
# county's secretaries after a meeting, an import) is one recompute, not one each; the figures lag by as much.
STATS_COALESCE_SECONDS = envint("STATS_COALESCE_SECONDS", 2, minimum=0, maximum=60)

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
SILENT_DAYS = envint("SILENT_DAYS", 60, minimum=1, maximum=366)  # the silent units on the dashboard and the reminder

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "studygroup@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS (README "Running in production"): off by default so that `make run` works over plain HTTP.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # a load balancer may probe over plain HTTP
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
if envbool("SECURE_PROXY_SSL_HEADER", False):  # only behind a proxy that sets (and strips) X-Forwarded-Proto
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles from this origin only; no inline script, no inline
# <style>. style="" attributes are still allowed (style-src-attr): ECharts' tooltips are HTML with style attributes,
# and a few templates set a computed width (a progress bar) with one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The REST API (api/, README "API"): a token (scripts) or the portal's session (browser); the pages' scope.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",  # first: an anonymous call is told 401 + WWW-Authenticate
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "studygroup API",
    "DESCRIPTION": "理论学习中心组学习平台 REST API (v1)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # Swagger UI from the drf-spectacular-sidecar package, never a CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RecordKindEnum": "sessions_app.models.ActivityKind",
        "FilingKindEnum": "supervision.models.FILING_KIND_CHOICES",
        "CommitteeKindEnum": "committees.models.CommitteeKind",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.error_responses"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "audit": {"class": "logging.StreamHandler", "formatter": "line"},
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
    # One JSON line per login, failed login, role change and export (studygroup/audit.py).
    "loggers": {"studygroup.audit": {"handlers": ["audit"], "level": "INFO", "propagate": False}},
}
# /health/ (ops/health.py) answers 503 when a change has waited this long for its month's recompute, or when
# the last nightly reconciliation finished this long ago.
HEALTH_ROLLUP_MAX_LAG_MINUTES = envint("HEALTH_ROLLUP_MAX_LAG_MINUTES", 15, minimum=1)
HEALTH_RECONCILIATION_MAX_HOURS = envint("HEALTH_RECONCILIATION_MAX_HOURS", 48, minimum=1)
