"""Production settings (issue 12): check --deploy, the Content-Security-Policy and no inline script, Cache-Control on
what a logged-in user sees and downloads, upload limits and file names, formulas in the score sheet."""
import io
import os
import re
import secrets
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sessions_app.models import Activity, Attachment
from sessions_app.testing import image_bytes, png_upload, record_post

from .factories import ActivityFactory, MemberFactory

ROOT = Path(__file__).resolve().parent.parent

# README, "Running in production": the settings a deployment behind HTTPS sets.
PRODUCTION_ENV = {
    "SECURE_COOKIES": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "ALLOWED_HOSTS": "studygroup.example.gov.cn",
}


def check_deploy(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "STUDYGROUP_DEV", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
             and k not in PRODUCTION_ENV}
    clean.update(DJANGO_SETTINGS_MODULE="studygroup.settings", SECRET_KEY=secrets.token_urlsafe(50),
                 STUDYGROUP_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120,
    )


def test_it_passes_check_deploy_with_the_documented_production_settings(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_fails_check_deploy_without_hsts_and_the_https_redirect(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if not k.startswith(("SECURE_HSTS", "SECURE_SSL"))}
    result = check_deploy(tmp_path, **env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


# ---------------------------------------------------------------- CSP and inline script


class InlineScriptFinder(HTMLParser):
    """Inline <script> code, on* handlers and javascript: URLs: what a strict CSP blocks."""

    def __init__(self):
        super().__init__()
        self.problems, self._in_inline = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self._in_inline = self.getpos()

    def handle_data(self, data):
        if self._in_inline and data.strip():
            self.problems.append(f"inline <script> at line {self._in_inline[0]}: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline = None


def inline_script(html):
    finder = InlineScriptFinder()
    finder.feed(html)
    return finder.problems


def test_the_finder_finds_inline_code_and_handlers():
    html = '<script>alert(1)</script><select onchange="this.form.submit()"></select><a href="javascript:x()">'
    assert len(inline_script(html)) == 3
    assert inline_script('<script src="/static/x.js"></script><script type="application/json">{}</script>') == []


def assert_strict_csp(response):
    policy = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src-elem"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["default-src"] + directives["style-src"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


@pytest.fixture
def pages(tree, people, members_a):
    record = ActivityFactory(committee=tree.county_a, kind="collective", held_on=tree_date())
    return {
        "secretary_a": ["sessions_app:home", "sessions_app:archive", "sessions_app:roster", "sessions_app:plans",
                        "sessions_app:attendance", ("sessions_app:create", "collective"),
                        ("sessions_app:create", "reflection"), ("sessions_app:detail", record.pk),
                        ("sessions_app:edit", record.pk)],
        "leader_city": ["reports:dashboard", "reports:bulletin", "sessions_app:corrections", "archive:volumes"],
        "admin": ["committees:tree", "sessions_app:home", "supervision:home"],
    }


def tree_date():
    import datetime

    return datetime.date.today().replace(day=1)


def _url(entry):
    return reverse(entry[0], args=entry[1:]) if isinstance(entry, tuple) else reverse(entry)


def test_the_main_pages_carry_a_strict_csp_and_no_inline_script(client, people, pages):
    response = Client().get(reverse("login"))
    assert_strict_csp(response)
    assert inline_script(response.content.decode()) == []
    seen = 0
    for who, entries in pages.items():
        user_client = Client()
        user_client.force_login(getattr(people, who))
        for entry in entries:
            response = user_client.get(_url(entry), follow=True)
            assert response.status_code == 200, (who, entry)
            assert_strict_csp(response)
            assert inline_script(response.content.decode()) == [], (who, entry)
            seen += 1
    assert seen >= 15


# ---------------------------------------------------------------- Cache-Control


def test_it_keeps_logged_in_pages_and_downloads_out_of_caches(tree, people):
    alice = Client()
    alice.force_login(people.secretary_a)
    response = alice.post(reverse("sessions_app:create", args=["outreach_lecture"]),
                          {**record_post("outreach_lecture"), "attachments": png_upload()})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    for url in (reverse("sessions_app:home"), reverse("sessions_app:attachment", args=[attachment.pk]),
                reverse("sessions_app:archive") + "?export=csv", reverse("sessions_app:archive") + "?export=xlsx"):
        response = alice.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


# ---------------------------------------------------------------- uploads


@pytest.fixture
def alice(people):
    client = Client()
    client.force_login(people.secretary_a)
    return client


def post_record(client, files, **extra):
    return client.post(reverse("sessions_app:create", args=["outreach_lecture"]),
                       {**record_post("outreach_lecture", speaker="李书记"), "attachments": files, **extra})


def attachment_errors(response):
    return " ".join(str(e) for e in response.context["form"].errors.get("attachments", []))


def test_a_ninety_character_extension_is_a_message_at_the_field_and_the_record_is_kept(alice):
    upload = SimpleUploadedFile("sign-in." + "x" * 90, image_bytes("PNG"), content_type="image/png")
    response = post_record(alice, [upload])
    assert response.status_code == 200
    assert "extension" in attachment_errors(response) or "扩展名" in attachment_errors(response)
    assert "李书记" in response.content.decode()  # what was typed is still in the form
    assert not Activity.objects.exists()


def test_a_long_name_keeps_its_extension_and_a_path_is_dropped(alice):
    name = "签到表" * 80 + ".png"
    response = post_record(alice, [SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")])
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert len(attachment.original_name) <= 200 and attachment.original_name.endswith(".png")
    assert attachment.original_name.startswith("签到表")
    assert attachment.file.name.endswith(".png")


def test_it_limits_the_number_of_files_of_a_record(alice, settings):
    settings.ATTACHMENT_MAX_FILES_PER_RECORD = 2
    response = post_record(alice, [png_upload(f"p{i}.png") for i in range(3)])
    assert response.status_code == 200 and "3" in attachment_errors(response)
    assert not Activity.objects.exists() and not Attachment.objects.exists()
    assert post_record(alice, [png_upload(f"p{i}.png") for i in range(2)]).status_code == 302


def test_it_counts_the_files_a_record_keeps_against_its_limits(alice, settings, tree):
    settings.ATTACHMENT_MAX_FILES_PER_RECORD = 2
    assert post_record(alice, [png_upload("a.png"), png_upload("b.png")]).status_code == 302
    record = Activity.objects.get()
    data = {**record_post("outreach_lecture", speaker="李书记", held_on=record.held_on),
            "attachments": [png_upload("c.png")]}
    response = alice.post(reverse("sessions_app:edit", args=[record.pk]), data)
    assert response.status_code == 200 and attachment_errors(response)
    assert record.attachments.count() == 2


def test_it_limits_the_bytes_of_a_record(alice, settings):
    size = len(image_bytes("PNG"))
    settings.ATTACHMENT_MAX_RECORD_BYTES = size * 2
    response = post_record(alice, [png_upload(f"p{i}.png") for i in range(3)])
    assert response.status_code == 200 and attachment_errors(response)
    assert not Attachment.objects.exists()


def test_it_refuses_a_request_over_the_limit_with_a_page_saying_nothing_was_saved(alice, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 2 * 1024 * 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (3 * 1024 * 1024), content_type="application/pdf")
    response = post_record(alice, [big])
    assert response.status_code == 413
    assert "未保存" in response.content.decode()
    assert not Activity.objects.exists()


# ---------------------------------------------------------------- formulas in the score sheet


def test_a_formula_typed_as_a_name_stays_text_in_the_score_sheet(people, tree):
    from assessment.services import round_create

    MemberFactory(committee=tree.county_a, name='=HYPERLINK("http://evil","点我")')
    test_round = round_create(name="r", held_on="2021-06-18", committee=tree.county_a, sample_rate=Decimal("1"),
                              seed="x")
    client = Client()
    client.force_login(people.admin)
    response = client.get(reverse("assessment:round_sheet", args=[test_round.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2)]
    evil = [cell for cell in names if "HYPERLINK" in str(cell.value)]
    assert evil and all(cell.data_type == "s" and cell.value.startswith("=") for cell in evil)
    assert not any(re.match(r"^'", str(cell.value)) for cell in names)
