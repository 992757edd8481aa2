"""The bench's own database: refuse anything else, create it if missing, build or reuse the data set.

A data set is reused when the marker table `bench_dataset` holds the same parameters; a database
with committees but no marker is someone's real data and is never touched.
"""
import json
import time
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from committees.models import Committee

from . import generator

PORTAL_APPS = ("committees", "sessions_app", "reports", "supervision", "assessment")


def describe():
    settings = connection.settings_dict
    return f"{connection.vendor}:{settings['NAME']}"


def guard():
    """Refuse to run against any database whose name does not say it is a bench database."""
    name = str(connection.settings_dict["NAME"])
    if "bench" not in Path(name).name.lower():
        raise CommandError(
            f"Refusing to run the benchmark against {describe()}: it builds and wipes its own data. "
            "Point DATABASE_URL at a bench database, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_bench (make bench) or "
            "DATABASE_URL=sqlite:///var/bench-quick.sqlite3 (make bench-quick)."
        )


def create_if_missing():
    """PostgreSQL: CREATE DATABASE through the maintenance database when the bench DB is missing."""
    if connection.vendor != "postgresql":
        return False
    import psycopg2

    settings = connection.settings_dict
    params = {"dbname": "postgres", "user": settings.get("USER") or None, "password": settings.get("PASSWORD") or None,
              "host": settings.get("HOST") or None, "port": settings.get("PORT") or None}
    admin = psycopg2.connect(**{k: v for k, v in params.items() if v})
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]])
            if cursor.fetchone():
                return False
            cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
            return True
    finally:
        admin.close()


class exclusive:
    """One benchmark at a time on a database: two runs would empty each other's rollup table, claim each
    other's marks and share the worker's queue. PostgreSQL: a session advisory lock held on a connection of
    its own for the whole run (the portal's connections close after every request); SQLite: a lock file."""

    KEY = (20211231, 7)

    def __enter__(self):
        if connection.vendor == "postgresql":
            import psycopg2

            s = connection.settings_dict
            params = {"dbname": s["NAME"], "user": s.get("USER"), "password": s.get("PASSWORD"),
                      "host": s.get("HOST"), "port": s.get("PORT")}
            self._conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
            self._conn.autocommit = True
            with self._conn.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", self.KEY)
                free = cursor.fetchone()[0]
        else:
            import fcntl

            self._conn = open(f"{connection.settings_dict['NAME']}.bench-lock", "w")
            try:
                fcntl.flock(self._conn, fcntl.LOCK_EX | fcntl.LOCK_NB)
                free = True
            except BlockingIOError:
                free = False
        if not free:
            self._conn.close()
            raise CommandError(f"Another benchmark is running on {describe()}; wait for it to finish.")
        return self

    def __exit__(self, *exc):
        self._conn.close()  # ends the session (or the file lock), and so the lock
        return False


def migrate():
    call_command("migrate", interactive=False, verbosity=0)


def _marker():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_dataset (params text, summary text, built_at text)")
        cursor.execute("SELECT params, summary FROM bench_dataset")
        row = cursor.fetchone()
    return (json.loads(row[0]), json.loads(row[1])) if row else (None, None)


def ensure(size, *, rebuild=False, stdout=None):
    """Reuse or build the data set of `size`; returns (summary, built_now, seconds)."""
    params, summary = _marker()
    if params is None and Committee.objects.exists():
        raise CommandError(f"{describe()} has committees but no bench marker: not a bench data set; refusing.")
    if params == size.params() and not rebuild:
        return summary, False, 0.0
    started = time.perf_counter()
    wipe()
    summary = generator.load(size, stdout=stdout)
    summary.update(months=size.months, first_month=size.first_month, size=size.name)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_dataset")
        cursor.execute(
            "INSERT INTO bench_dataset VALUES (%s, %s, CURRENT_TIMESTAMP)",
            [json.dumps(size.params()), json.dumps(summary)],
        )
    return summary, True, time.perf_counter() - started


def wipe():
    """Empty every portal table (and the sessions) of the bench database."""
    tables = [
        m._meta.db_table
        for label in PORTAL_APPS
        for m in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    tables += ["django_session", "django_admin_log"]
    existing = set(connection.introspection.table_names())
    tables = [t for t in dict.fromkeys(tables) if t in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f'DELETE FROM "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")


def close_all():
    connections.close_all()
