"""Helpers for tests (and the browser test): valid POST data per kind, small real files."""
import datetime
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from .models import ActivityKind

# The least each kind needs to be saved.
MINIMAL = {
    ActivityKind.COLLECTIVE: {},
    ActivityKind.THEMATIC: {},
    ActivityKind.READING_CLASS: {"period_count": "1", "day_count": "2", "participant_count": "30"},
    ActivityKind.FIRST_AGENDA: {"meeting_name": "常委会第5次会议"},
    ActivityKind.EXPERT_LECTURE: {"inviting_body": "省委党校", "speaker": "王教授", "delivery_mode": "offline"},
    ActivityKind.OUTREACH_LECTURE: {
        "speaker": "李书记", "lecturer_level": "county_leader", "place_kind": "contact_point", "audience_count": "45",
    },
    ActivityKind.FIELD_STUDY: {"site": "英雄纪念馆", "participant_count": "25"},
    ActivityKind.IMMERSIVE: {"site": "红色教育基地", "participant_count": "300"},
    ActivityKind.REFLECTION: {"author": "张三", "article_count": "1"},
    ActivityKind.RESEARCH_REPORT: {"author": "张三"},
}


def record_post(kind, *, members=(), held_on=None, committee=None, **overrides):
    """POST data for /records/new/<kind>/ with everyone present."""
    held_on = held_on or timezone.localdate() - datetime.timedelta(days=1)
    data = {"held_on": held_on.isoformat(), "title": "学习贯彻党的二十大精神", "submission_key": str(uuid.uuid4())}
    if kind == ActivityKind.READING_CLASS:
        data["ends_on"] = held_on.isoformat()
    data.update(MINIMAL[ActivityKind(kind)])
    if committee is not None:
        data["committee"] = str(committee.pk)
    data.update(attendance_post(members))
    data.update({k: v for k, v in overrides.items()})
    return data


def attendance_post(members, **row_overrides):
    rows = [{"member": m.pk if hasattr(m, "pk") else m, "status": "present"} for m in members]
    data = {"att-TOTAL_FORMS": str(len(rows)), "att-INITIAL_FORMS": "0", "att-MIN_NUM_FORMS": "0",
            "att-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        row.update(row_overrides.get(i, {}))
        for key, value in row.items():
            data[f"att-{i}-{key}"] = str(value)
    return data


def image_bytes(fmt="PNG", size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_upload(name="sign-in.png"):
    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")


def pdf_upload(name="scan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
