"""Listing and downloading nomination materials: scoped, permission-checked, attachments only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.honours.services import material_add
from tests.conftest import login
from tests.factories.members import make_member

from .test_nomination_materials import docx_bytes
from .test_nominations import make_campaign, submit

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n<script>alert(1)</script>"


@pytest.fixture
def materials(tree, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    nomination = submit(tree, make_campaign(tree), make_member(tree.chaoyang), actor=users["chaoyang"])
    with scope(paths=[tree.chaoyang.path]):
        pdf = material_add(nomination=nomination, upload=SimpleUploadedFile("事迹材料.pdf", PDF),
                           actor=users["chaoyang"])
        docx = material_add(nomination=nomination, upload=SimpleUploadedFile("推荐表.docx", docx_bytes()),
                            actor=users["chaoyang"])
    return nomination, pdf, docx


def test_the_owner_and_the_city_list_the_materials_with_download_links(tree, users, materials):
    nomination, pdf, docx = materials
    for key in ("chaoyang", "municipal"):
        response = login(users[key]).get(f"/api/v1/nominations/{nomination.pk}/materials/")
        assert response.status_code == 200, (key, response.content[:300])
        rows = response.json()
        assert [(r["name"], r["kind"]) for r in rows] == [("事迹材料.pdf", "pdf"), ("推荐表.docx", "docx")]
        assert rows[0]["download_url"] == reverse("honours:material_download", args=[pdf.pk])
        assert "file" not in rows[0]  # never the stored path


def test_download_is_an_attachment_with_the_original_name(tree, users, materials):
    _, pdf, docx = materials
    response = login(users["municipal"]).get(reverse("honours:material_download", args=[pdf.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E4%BA%8B%E8%BF%B9%E6%9D%90%E6%96%99.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    word = login(users["chaoyang"]).get(reverse("honours:material_download", args=[docx.pk]))
    assert word.status_code == 200 and word["Content-Type"].endswith("wordprocessingml.document")
    with scopes_disabled():
        assert AuditLog.objects.filter(action="nomination.material_download").count() == 2


def test_other_units_get_a_404_and_non_staff_nothing(tree, users, materials):
    nomination, pdf, _ = materials
    url = reverse("honours:material_download", args=[pdf.pk])
    for key in ("haidian", "haidian_clerk", "tsinghua"):
        assert login(users[key]).get(url).status_code == 404, key
        assert login(users[key]).get(f"/api/v1/nominations/{nomination.pk}/materials/").status_code == 404, key
    for key in ("teacher", "judge"):
        assert login(users[key]).get(url).status_code == 404, key
        assert login(users[key]).get(f"/api/v1/nominations/{nomination.pk}/materials/").status_code == 403, key
    from django.test import Client

    assert Client().get(url).status_code == 302  # to the log-in
    assert login(users["municipal"]).get(reverse("honours:material_download", args=[pdf.pk + 999])).status_code == 404


def test_files_are_not_served_from_media(tree, users, materials):
    _, pdf, _ = materials
    assert "事迹" not in pdf.file.name  # a random stored name
    client = login(users["municipal"])
    for url in (f"/media/{pdf.file.name}", f"/{pdf.file.name}", f"/files/{pdf.file.name}"):
        assert client.get(url).status_code == 404, url


def test_the_admin_links_the_materials_through_the_download_view(tree, users, materials):
    nomination, pdf, docx = materials
    body = login(users["municipal"]).get(
        reverse("admin:honours_nomination_change", args=[nomination.pk])).content.decode()
    assert reverse("honours:material_download", args=[pdf.pk]) in body and "推荐表.docx" in body
    assert pdf.file.name not in body
