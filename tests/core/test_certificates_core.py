"""The portal's one certificate mechanism (apps/core/certificates.py): codes, the kinds
registry behind the one public verification page, and the QR code's modules."""

from __future__ import annotations

import pytest
from django.test import Client
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

from apps.core import certificates
from apps.core.certificates import (
    ALPHABET, _qr_modules, certificate_verify, normalize_code, register_certificate_kind, verification_code,
)


def test_codes_are_twelve_unambiguous_characters():
    codes = {verification_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == 12 and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01OIL") & set(ALPHABET)
    assert normalize_code(" ab-cd efgh ") == "ABCDEFGH"


def _matrix(count: int, runs) -> list[list[bool]]:
    grid = [[False] * count for _ in range(count)]
    for row, col, length in runs:
        for c in range(col, col + length):
            grid[row][c] = True
    return grid


def test_qr_modules_are_reportlabs_code_and_a_reused_mask_stays_valid():
    url = "https://portal.example.org/verify/7KQ2M9X4PT3H/"
    reference = QRCode(None, QRErrorCorrectLevel.M)
    reference.addData(url)
    reference.make()
    count, runs = _qr_modules(url)
    assert count == reference.getModuleCount() and _matrix(count, runs) == reference.modules
    masks: dict = {}
    _qr_modules("https://portal.example.org/verify/AAAAAAAAAAAA/", masks)  # chooses the length's mask
    other = "https://portal.example.org/verify/ZZZZZZZZZZZZ/"
    count, runs = _qr_modules(other, masks)
    forced = QRCode(None, QRErrorCorrectLevel.M)
    forced.addData(other)
    forced.version = forced.calculate_version()
    forced.makeImpl(False, next(iter(masks.values())))
    assert _matrix(count, runs) == forced.modules


@pytest.mark.django_db
def test_the_public_page_asks_every_registered_kind(monkeypatch):
    monkeypatch.setattr(certificates, "_kinds", dict(certificates._kinds))
    register_certificate_kind("test", lookup=lambda code: {"title": "测试证书", "facts": [
        ("姓名", "测试人"), ("空的", ""), ("单位", "测试单位")]} if code == "TESTCODE2345" else None, order=99)
    found = certificate_verify(code="testcode-2345")
    assert found == {"kind": "test", "title": "测试证书", "code": "TESTCODE2345",
                     "facts": [("姓名", "测试人"), ("单位", "测试单位")]}
    body = Client().get("/verify/TESTCODE2345/").content.decode()
    assert "真实有效" in body and "测试人" in body and "空的" not in body
    assert Client().get("/verify/NOSUCHCODE22/").status_code == 404
    response = Client().get("/verify/", {"code": "testcode 2345"})
    assert response.status_code == 302 and response["Location"] == "/verify/TESTCODE2345/"
