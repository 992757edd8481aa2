"""Backup and restore of the database and the attachments, as one .tar.gz archive.

The archive holds `manifest.json` (format, database vendor, when, what), the database (PostgreSQL: a custom-format
`pg_dump`, restored by `pg_restore`; SQLite: a consistent copy made with SQLite's online backup API) and the
media tree (attachments, article files, archive volumes) under `media/`.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

FORMAT = 1
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"


def _vendor(alias="default"):
    return connections[alias].vendor


def _pg_env(db):
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db):
    args = []
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return args


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


def _dump_database(workdir, alias="default"):
    db = connections[alias].settings_dict
    if _vendor(alias) == "postgresql":
        path = workdir / PG_DUMP
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *_pg_args(db), "-f", str(path),
              db["NAME"]], _pg_env(db))
        return path.name
    if _vendor(alias) == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        path = workdir / SQLITE_COPY
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)  # consistent even while the portal writes
        finally:
            target.close()
        return path.name
    raise CommandError(f"Backups of {_vendor(alias)} databases are not supported.")


def backup(output=None, *, media_root=None):
    """Write the archive; return its path."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    output = Path(output) if output else Path(settings.VAR_DIR) / "backups" / f"studygroup-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sg-backup-") as tmp:
        workdir = Path(tmp)
        database = _dump_database(workdir)
        files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        manifest = {
            "format": FORMAT, "vendor": _vendor(), "database": database, "created_at": timezone.now().isoformat(),
            "media_files": len(files), "media_bytes": sum(p.stat().st_size for p in files),
        }
        (workdir / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(workdir / "manifest.json", arcname="manifest.json")
            archive.add(workdir / database, arcname=database)
            for path in files:
                archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial.replace(output)  # never a half-written archive under the final name
    return output, manifest


def _read_manifest(archive):
    try:
        member = archive.getmember("manifest.json")
    except KeyError:
        raise CommandError("This is not a studygroup backup (no manifest.json).")
    manifest = json.load(archive.extractfile(member))
    if manifest.get("format") != FORMAT:
        raise CommandError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _database_empty(alias="default"):
    with connections[alias].cursor() as cursor:
        tables = connections[alias].introspection.table_names(cursor)
    return not tables


def _pg_create_if_missing(db):
    """CREATE DATABASE when the target does not exist yet (connecting to the maintenance database)."""
    import psycopg2
    from psycopg2 import sql

    params = {k: v for k, v in {"host": db.get("HOST"), "port": db.get("PORT"), "user": db.get("USER"),
                                "password": db.get("PASSWORD")}.items() if v}
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    finally:
        conn.close()


def _restore_database(archive, manifest, workdir, *, force, alias="default"):
    vendor = _vendor(alias)
    if manifest["vendor"] != vendor:
        raise CommandError(f"The backup is of a {manifest['vendor']} database; this portal uses {vendor}.")
    db = connections[alias].settings_dict
    archive.extract(manifest["database"], workdir, filter="data")
    source = workdir / manifest["database"]
    if vendor == "postgresql":
        _pg_create_if_missing(db)
        if not force and not _database_empty(alias):
            raise CommandError(f"Database {db['NAME']} is not empty; restore into a new one, or pass --force.")
        connections[alias].close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
              *_pg_args(db), "-d", db["NAME"], str(source)], _pg_env(db))
        return
    target = Path(db["NAME"])
    if target.exists() and target.stat().st_size and not force:
        raise CommandError(f"{target} exists; restore into a new file, or pass --force.")
    connections[alias].close()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    partial.replace(target)


def _restore_media(archive, media_root, *, force):
    members = [m for m in archive.getmembers() if m.name.startswith("media/") and m.isfile()]
    if media_root.exists() and any(media_root.iterdir()) and not force:
        raise CommandError(f"{media_root} is not empty; restore into an empty directory, or pass --force.")
    media_root.mkdir(parents=True, exist_ok=True)
    for member in members:
        member.name = member.name[len("media/"):]
        archive.extract(member, media_root, filter="data")  # "data": no absolute paths, links or ".." escapes
    return len(members)


def restore(path, *, media_root=None, force=False):
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tarfile.open(path, "r:gz") as archive, tempfile.TemporaryDirectory(prefix="sg-restore-") as tmp:
        manifest = _read_manifest(archive)
        _restore_database(archive, manifest, Path(tmp), force=force)
        files = _restore_media(archive, media_root, force=force)
    return manifest, files
