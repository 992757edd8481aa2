"""Every entry of beat's schedule names a task the worker has (a misspelt name would be sent and never run)."""
from django.conf import settings

from studygroup.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks module
    names = {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    assert "imports-forget" in names and "reminders-send" in names
    assert {name: task for name, task in names.items() if task not in app.tasks} == {}
