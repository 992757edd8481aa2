"""The apps import downward only: committees ← sessions_app ← reports ← supervision ← assessment ← the apps built on
them ← demo and bench. A module may import its own app, the project package (studygroup) and apps of lower layers,
at the top of a file or inside a function alike; migrations are left out (Django writes them)."""
import ast
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = [
    {"committees"},
    {"sessions_app"},
    {"reports"},
    {"supervision"},
    {"assessment"},
    {"archive", "reminders", "imports", "api", "ops"},
    {"demo", "bench"},
]
LAYER_OF = {app: n for n, apps in enumerate(LAYERS) for app in apps}
ROOT = Path(settings.BASE_DIR)


def imported_apps(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]


def modules(app):
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def test_it_knows_every_app_of_the_project():
    local = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert local - {"studygroup"} == set(LAYER_OF)


@pytest.mark.parametrize("app", sorted(LAYER_OF))
def test_it_imports_only_apps_below(app):
    upward = []
    for path in modules(app):
        for line, name in imported_apps(path):
            if name in LAYER_OF and name != app and LAYER_OF[name] >= LAYER_OF[app]:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert upward == []
