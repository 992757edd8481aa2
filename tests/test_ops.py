"""Operations (issue 12): /health/, the audit log lines, backup and restore of the database and the attachments."""
import datetime
import io
import json
import logging
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from committees.models import Role, RoleKind
from reports.models import DirtyMonth, Reconciliation
from sessions_app.models import Attachment
from sessions_app.testing import png_upload, record_post

from .test_reports_worker import database_url, redis_reachable, worker  # noqa: F401  (the real worker fixture)

ROOT = Path(__file__).resolve().parent.parent


def health(client=None):
    response = (client or Client()).get("/health/")
    return response, json.loads(response.content)


# ---------------------------------------------------------------- /health/


def test_it_is_healthy_on_the_embedded_default_without_login(db, settings):
    settings.REDIS_URL = ""
    Reconciliation.objects.create(finished_at=timezone.now(), months=24, rows=100)
    response, body = health()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "workers", "rollup", "reconciliation"}
    assert body["checks"]["reconciliation"]["last_age_seconds"] < 60
    assert "no-store" in response["Cache-Control"]


def test_it_reveals_no_secret(db, settings):
    settings.REDIS_URL = "redis://:s3cret-pass@127.0.0.1:1/3"
    response, _body = health()
    text = response.content.decode()
    for secret in ("s3cret-pass", "127.0.0.1", settings.SECRET_KEY, connection.settings_dict["NAME"]):
        assert str(secret) not in text


def test_it_answers_503_when_the_broker_is_down(db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response, body = health()
    assert response.status_code == 503
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["workers"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_it_answers_503_when_a_change_waits_too_long_for_its_recompute(db, settings):
    settings.REDIS_URL = ""
    DirtyMonth.objects.create(month=datetime.date(2021, 12, 1), marked_at=timezone.now() - datetime.timedelta(hours=1))
    response, body = health()
    assert response.status_code == 503
    assert body["checks"]["rollup"]["ok"] is False
    assert body["checks"]["rollup"]["oldest_pending_seconds"] >= 3600


def test_it_answers_503_when_the_last_reconciliation_is_old(db, settings):
    settings.REDIS_URL = ""
    Reconciliation.objects.create(finished_at=timezone.now() - datetime.timedelta(days=3))
    response, body = health()
    assert response.status_code == 503
    assert body["checks"]["reconciliation"]["ok"] is False


def test_it_answers_503_when_the_database_is_down(tmp_path):
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/health/')\n"
        "print(json.dumps({'status': r.status_code, 'body': json.loads(r.content)}))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "studygroup.settings_test", "REDIS_URL": "",
           "DATABASE_URL": "postgres://nobody:pw@127.0.0.1:1/nothing", "STUDYGROUP_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"]["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "nobody" not in result.stdout and ":1/" not in result.stdout


@pytest.mark.worker
def test_it_sees_a_worker_that_answers(worker, settings):  # noqa: F811
    settings.REDIS_URL = os.environ["REDIS_URL"]
    deadline = timezone.now() + datetime.timedelta(seconds=60)
    while True:  # the worker takes a few seconds to start consuming
        response, body = health()
        if body["checks"]["workers"]["ok"] or timezone.now() > deadline:
            break
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["workers"]["ok"] is True and body["checks"]["workers"]["count"] >= 1


# ---------------------------------------------------------------- audit log


def audit_lines(caplog):
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "studygroup.audit"]


def test_it_logs_a_login_and_a_failed_login_without_the_password(caplog, people):
    people.secretary_a.set_password("right-password-1")
    people.secretary_a.save()
    caplog.set_level(logging.INFO, logger="studygroup.audit")
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": "wrong-password-9"})
    client.post(reverse("login"), {"username": "alice", "password": "right-password-1"})
    lines = audit_lines(caplog)
    failed = [line for line in lines if line["event"] == "login_failed"]
    logged_in = [line for line in lines if line["event"] == "login"]
    assert failed and failed[0]["user"] == "alice" and failed[0]["ip"] == "127.0.0.1"
    assert logged_in and logged_in[0]["user"] == "alice"
    assert "wrong-password-9" not in caplog.text and "right-password-1" not in caplog.text


def test_behind_a_proxy_it_logs_the_address_the_proxy_saw(caplog, people, settings):
    caplog.set_level(logging.INFO, logger="studygroup.audit")
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0  # no proxy configured: the connection's address, the header is ignored
    client.post(reverse("login"), {"username": "alice", "password": "wrong-password-9"})
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(reverse("login"), {"username": "alice", "password": "wrong-password-9"})
    assert [line["ip"] for line in audit_lines(caplog) if line["event"] == "login_failed"] == ["10.0.0.1", "203.0.113.7"]


def test_it_logs_role_changes(caplog, tree, people):
    caplog.set_level(logging.INFO, logger="studygroup.audit")
    role = Role.objects.create(user=people.outsider, committee=tree.county_b, kind=RoleKind.LEADER)
    role.kind = RoleKind.SECRETARY
    role.save()
    role.delete()
    events = [(line["event"], line["user"], line["committee"], line["kind"]) for line in audit_lines(caplog)]
    assert events == [
        ("role_created", "olga", "county-b", "leader"),
        ("role_changed", "olga", "county-b", "secretary"),
        ("role_deleted", "olga", "county-b", "secretary"),
    ]


def test_it_logs_an_export(caplog, people):
    caplog.set_level(logging.INFO, logger="studygroup.audit")
    client = Client()
    client.force_login(people.leader_city)
    assert client.get(reverse("sessions_app:archive") + "?export=xlsx").status_code == 200
    exports = [line for line in audit_lines(caplog) if line["event"] == "export"]
    assert len(exports) == 1
    assert exports[0]["user"] == "carl" and exports[0]["what"] == "records" and exports[0]["format"] == "xlsx"


# ---------------------------------------------------------------- backup and restore


def _pg_url(name):
    return database_url().rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def manage(env, *args):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_restored_copy_shows_the_same_figures_and_files(transactional_db, tree, people, members_a, tmp_path,
                                                          settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    alice = Client()
    alice.force_login(people.secretary_a)
    held_on = timezone.localdate().replace(day=1)
    for n in range(3):
        response = alice.post(reverse("sessions_app:create", args=["outreach_lecture"]), {
            **record_post("outreach_lecture", speaker=f"讲师{n}", held_on=held_on),
            "attachments": png_upload(f"签到{n}.png"),
        })
        assert response.status_code == 302
    month = f"{held_on:%Y-%m}"
    out = io.StringIO()
    call_command("stats", "--month", month, "--json", stdout=out)
    before = json.loads(out.getvalue())
    assert any(figure["value"] for figure in before["figures"].values())
    originals = {}
    for attachment in Attachment.objects.all():
        with attachment.file.open("rb") as handle:
            originals[attachment.file.name] = handle.read()
    assert len(originals) == 3

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())
    assert archive.exists()

    restored_media = tmp_path / "restored-media"
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "STUDYGROUP_DEV"}}
    env.update(DJANGO_SETTINGS_MODULE="studygroup.settings", SECRET_KEY=secrets.token_urlsafe(50), REDIS_URL="",
               MEDIA_ROOT=str(restored_media), STUDYGROUP_VAR_DIR=str(tmp_path / "var"), STATS_RECOMPUTE="off")
    restored_db = None
    if connection.vendor == "postgresql":
        restored_db = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
        env["DATABASE_URL"] = _pg_url(restored_db)
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    try:
        manage(env, "restore", str(archive))
        after = json.loads(manage(env, "stats", "--month", month, "--json"))
        assert after == before
        for name, content in originals.items():
            assert (restored_media / name).read_bytes() == content
        # A second restore into what now holds data is refused.
        refused = subprocess.run([sys.executable, "manage.py", "restore", str(archive)], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=300)
        assert refused.returncode != 0 and "--force" in refused.stderr
    finally:
        if restored_db:
            _drop_pg_database(restored_db)


def test_it_refuses_an_archive_that_is_not_a_backup(tmp_path, db):
    import tarfile

    from django.core.management.base import CommandError

    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as archive:
        (tmp_path / "x.txt").write_text("x")
        archive.add(tmp_path / "x.txt", arcname="../../etc/x.txt")
    with pytest.raises(CommandError, match="manifest"):
        call_command("restore", str(bogus))

