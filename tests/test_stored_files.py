"""Stored files (sessions_app/attachments.py): a record's attachments and a rectification item's evidence files
are kept and served alike: a name of our own on the disk with the checked type's extension, the uploaded name
for the download, photos and PDFs inline unless asked to download, a file gone from the disk 404."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sessions_app.models import ActivityKind, Attachment
from sessions_app.testing import image_bytes, pdf_upload, record_post
from supervision.models import Rectification, RectificationEvidence

from .supervision_factories import make_auditor, make_visit

OUR_NAME = r"{folder}/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.{extension}"


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def jpeg_upload(name):
    return SimpleUploadedFile(name, image_bytes("JPEG"), content_type="application/octet-stream")


@pytest.fixture
def attachment(people):
    """A record's photo, uploaded under a Chinese name with an upper-case, long-form extension."""
    response = client_of(people.secretary_a).post(
        reverse("sessions_app:create", args=[ActivityKind.OUTREACH_LECTURE]),
        {**record_post(ActivityKind.OUTREACH_LECTURE), "attachments": [jpeg_upload("签到表.JPEG")]},
    )
    assert response.status_code == 302
    return Attachment.objects.get()


@pytest.fixture
def evidence(tree, people):
    """An evidence file of a county A item, closed by its secretary with a PDF under a name without extension."""
    auditor = make_auditor(people.auditor, home=tree.county_b, may_visit=[tree.county_a])
    item = Rectification.objects.get(visit=make_visit(auditor, tree.county_a, rectifications=1))
    response = client_of(people.secretary_a).post(reverse("supervision:rectification_close", args=[item.pk]), {
        "evidence_note": "已补齐记录", "evidence_files": [pdf_upload("整改报告")],
    })
    assert response.status_code == 302
    return RectificationEvidence.objects.get()


def test_a_record_photo_is_stored_under_our_name_with_its_type_extension(attachment):
    assert attachment.original_name == "签到表.JPEG" and attachment.content_type == "image/jpeg"
    assert re.fullmatch(OUR_NAME.format(folder="attachments", extension="jpg"), attachment.file.name)


def test_an_evidence_file_is_stored_under_our_name_with_its_type_extension(evidence):
    assert evidence.original_name == "整改报告" and evidence.content_type == "application/pdf"
    assert re.fullmatch(OUR_NAME.format(folder="rectifications", extension="pdf"), evidence.file.name)


def download_url(stored):
    if isinstance(stored, Attachment):
        return reverse("sessions_app:attachment", args=[stored.pk])
    return reverse("supervision:rectification_evidence", args=[stored.pk])


@pytest.mark.parametrize("fixture, body", [("attachment", b"\xff\xd8"), ("evidence", b"%PDF-")])
def test_it_serves_a_stored_file_inline_under_its_uploaded_name_or_as_a_download(request, people, fixture, body):
    stored = request.getfixturevalue(fixture)
    client = client_of(people.leader_city)
    shown = client.get(download_url(stored))
    assert shown.status_code == 200 and shown["Content-Type"] == stored.content_type
    assert shown["Content-Disposition"].startswith("inline")
    assert b"".join(shown.streaming_content).startswith(body)  # read to the end: the client closes the file
    downloaded = client.get(download_url(stored) + "?download")
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''" in downloaded["Content-Disposition"]  # the uploaded (Chinese) name, encoded
    assert downloaded["Cache-Control"] == "private, no-store"
    b"".join(downloaded.streaming_content)


@pytest.mark.parametrize("fixture", ["attachment", "evidence"])
def test_a_stored_file_gone_from_the_disk_or_out_of_scope_is_not_found(request, people, fixture):
    stored = request.getfixturevalue(fixture)
    assert client_of(people.secretary_b).get(download_url(stored)).status_code == 404
    stored.file.storage.delete(stored.file.name)
    assert client_of(people.secretary_a).get(download_url(stored)).status_code == 404
