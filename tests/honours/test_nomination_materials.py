"""Supporting documents: type checked by content, size capped, scoped, audited."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from apps.honours import services
from apps.honours.models import NominationMaterial
from tests.conftest import login
from tests.factories.members import make_member

from .test_nominations import make_campaign, submit

pytestmark = pytest.mark.django_db


def docx_bytes(*, with_document=True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, url, name, content):
    client.get("/")
    return client.post(url, {"file": SimpleUploadedFile(name, content)},
                       HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


@pytest.fixture
def nomination(tree, users):
    return submit(tree, make_campaign(tree), make_member(tree.chaoyang), actor=users["chaoyang"])


def test_pdf_and_docx_are_accepted_by_content(tree, users, nomination, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(users["chaoyang"])
    url = f"/api/v1/nominations/{nomination.pk}/materials/"
    pdf = upload(client, url, "事迹.pdf", b"%PDF-1.7\n...")
    assert pdf.status_code == 201 and pdf.json()["kind"] == "pdf"
    docx = upload(client, url, "推荐表.docx", docx_bytes())
    assert docx.status_code == 201 and docx.json()["kind"] == "docx"
    with scopes_disabled():
        assert NominationMaterial.objects.count() == 2
        assert AuditLog.objects.filter(action="nomination.material").count() == 2


@pytest.mark.parametrize("name,content", [
    ("fake.pdf", b"MZ\x90\x00 not a pdf"),
    ("fake.docx", docx_bytes(with_document=False)),  # a zip, but not a Word document
    ("broken.docx", b"PK\x03\x04broken"),
    ("x.pdf", b""),
])
def test_other_content_is_refused_whatever_the_name(tree, users, nomination, name, content, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(login(users["chaoyang"]), f"/api/v1/nominations/{nomination.pk}/materials/", name, content)
    assert response.status_code == 400, response.content
    with scopes_disabled():
        assert NominationMaterial.objects.count() == 0


def test_size_is_capped(tree, users, nomination, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "MATERIAL_MAX_BYTES", 100)
    response = upload(login(users["chaoyang"]), f"/api/v1/nominations/{nomination.pk}/materials/", "big.pdf",
                      b"%PDF-" + b"0" * 200)
    assert response.status_code == 400 and "文件不能超过 100 字节" in response.content.decode()


def test_outsiders_and_submitted_nominations_get_no_upload(tree, users, nomination, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = f"/api/v1/nominations/{nomination.pk}/materials/"
    assert upload(login(users["haidian"]), url, "a.pdf", b"%PDF-1.4").status_code == 404
    with scopes_disabled():
        type(nomination).objects.filter(pk=nomination.pk).update(status="recommended")
    assert upload(login(users["chaoyang"]), url, "a.pdf", b"%PDF-1.4").status_code == 400
