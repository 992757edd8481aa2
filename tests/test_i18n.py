"""Simplified Chinese is the default language: every catalogue must be complete and compiled."""
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

CATALOGUES = sorted(Path(settings.BASE_DIR).glob("*/zh_Hans/LC_MESSAGES/django.po")) + sorted(
    Path(settings.BASE_DIR).glob("*/locale/zh_Hans/LC_MESSAGES/django.po")
)
CATALOGUES = [p for p in dict.fromkeys(CATALOGUES) if ".venv" not in p.parts and "node_modules" not in p.parts]


def test_it_finds_the_catalogues():
    assert any(p.parts[-5] == "committees" for p in CATALOGUES)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_it_translates_every_string_of_the_catalogue(path):
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_it_ships_a_compiled_catalogue_matching_the_source(path):
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"run compilemessages for {path}"
    # Keyed by context too: one msgid may be translated apart in its contexts (pgettext).
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
    source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(path)).translated_entries()}
    assert compiled == source


def test_it_speaks_chinese_by_default_and_english_on_request(db):
    client = Client()
    assert "登录" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get("/accounts/login/").content.decode()
    translation.activate(settings.LANGUAGE_CODE)
