"""Settings come from the environment with safe defaults, and refuse to start unsafely."""
import os
import subprocess
import sys

from django.conf import settings

PRINT_SETTINGS = (
    "import django;django.setup();from django.conf import settings as s;"
    "print(s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER, s.DATABASES['default']['ENGINE'], s.TIME_ZONE, s.LANGUAGE_CODE)"
)


def run_with_env(tmp_path, *, args=("-c", PRINT_SETTINGS), **env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "STUDYGROUP_DEV", "DATABASE_URL", "REDIS_URL"}}
    base.update(DJANGO_SETTINGS_MODULE="studygroup.settings", STUDYGROUP_VAR_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, *args], cwd=settings.BASE_DIR, env=base, capture_output=True, text=True)


def test_it_refuses_to_serve_without_a_secret_key_outside_development(tmp_path):
    for args in (("-c", "import studygroup.wsgi"), ("manage.py", "runserver", "--noreload", "127.0.0.1:1")):
        result = run_with_env(tmp_path, args=args)
        assert result.returncode != 0
        assert "SECRET_KEY is not set" in result.stderr


def test_it_runs_maintenance_commands_without_a_secret_key(tmp_path):
    result = run_with_env(tmp_path, args=("manage.py", "makemigrations", "--check", "--dry-run"))
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_it_defaults_to_sqlite_in_process_tasks_and_debug_off(tmp_path):
    result = run_with_env(tmp_path, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "django.db.backends.sqlite3", "Asia/Shanghai", "zh-hans"]


def test_it_uses_postgres_and_redis_when_asked(tmp_path):
    result = run_with_env(
        tmp_path, SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@127.0.0.1:5432/db", REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1:3] == ["False", "django.db.backends.postgresql"]


def test_it_keeps_a_development_key_between_starts(tmp_path):
    assert run_with_env(tmp_path, STUDYGROUP_DEV="1").returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert run_with_env(tmp_path, STUDYGROUP_DEV="1").returncode == 0
    assert (tmp_path / "secret_key").read_text() == key and len(key) > 40


def test_it_rejects_a_malformed_boolean(tmp_path):
    result = run_with_env(tmp_path, SECRET_KEY="x" * 50, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr
