"""Certificate PDFs: Chinese text with the CJK font embedded, a QR code, permission-checked
downloads, and a teacher's own list."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from pypdf import PdfReader

from apps.accounts.enums import Role
from apps.competitions.services.certificates import certificate_font_path, certificate_pdf
from apps.competitions.enums import AwardKind
from tests.competitions.factories import make_entry, make_teacher
from tests.competitions.results_factories import certificate_of, make_award, published_edition
from tests.conftest import login
from tests.factories.members import make_member
from tests.factories.orgs import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def result(tree):
    edition = published_edition()
    member = make_member(tree.tsinghua, name="张晓明")
    entry = make_entry(edition.groups.get(), member, supervisor_name="李建国")
    award = make_award(entry=entry, rank=1)
    return {"edition": edition, "member": member, "entry": entry, "award": award,
            "certificate": certificate_of(award, member)}


def _fonts(reader: PdfReader) -> list:
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return [fonts[key].get_object() for key in fonts]


@pytest.mark.cjkfont
def test_certificate_pdf_is_a4_landscape_chinese_with_the_font_embedded(result):
    cert = result["certificate"]
    data = certificate_pdf(certificate=cert)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = reader.pages[0].extract_text()
    for expected in ("荣 誉 证 书", "张晓明", "一等奖", result["edition"].name, "理科", "清华大学工会", cert.code,
                     "证书编号", "北京市教育工会"):
        assert expected in text, expected
    # The CJK font is a TrueType subset embedded in the file (FontFile2), not a reference.
    descendants = [f["/DescendantFonts"][0].get_object() if "/DescendantFonts" in f else f for f in _fonts(reader)]
    embedded = [d for d in descendants if "/FontDescriptor" in d and "/FontFile2" in d["/FontDescriptor"]]
    assert embedded, "the CJK font must be embedded"
    # a subset ("ABCDEF+FontName") of a CJK TrueType font, not one of the 14 standard fonts
    assert all(re.match(r"^/[A-Z]{6}\+", str(d["/BaseFont"])) for d in embedded)
    assert all(d["/Subtype"] == "/TrueType" for d in embedded)
    assert b"/FontFile2" in data


@pytest.mark.cjkfont
def test_certificate_pdf_qr_code_holds_the_verification_url(result):
    cert = result["certificate"]
    data = certificate_pdf(certificate=cert, verify_url=f"https://portal.example.org/competitions/verify/{cert.code}/")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert f"https://portal.example.org/competitions/verify/{cert.code}/" in text
    # The QR code is drawn as many filled squares (vector modules), not an image.
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()
    assert content.count(b" re") > 100


def test_certificate_font_setting_fails_clearly(settings, tmp_path, result):
    settings.CERTIFICATE_FONT = str(tmp_path / "missing.ttf")
    with pytest.raises(ImproperlyConfigured, match="fonts-wqy-zenhei"):
        certificate_pdf(certificate=result["certificate"])
    bogus = tmp_path / "bogus.ttf"
    bogus.write_bytes(b"not a font at all" * 10)
    settings.CERTIFICATE_FONT = str(bogus)
    with pytest.raises(ImproperlyConfigured, match="TrueType"):
        certificate_font_path()


@pytest.mark.cjkfont
def test_certificate_font_default_is_found():
    assert certificate_font_path().endswith((".ttc", ".ttf"))


@pytest.mark.cjkfont
def test_certificate_download_by_its_teacher(result):
    teacher = make_teacher(result["member"], "t_zhang")
    cert = result["certificate"]
    response = login(teacher).get(f"/competitions/certificates/{cert.code}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert cert.code in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    # the QR code points at this server's verification page
    assert f"http://testserver/competitions/verify/{cert.code}/" in PdfReader(
        io.BytesIO(response.content)).pages[0].extract_text()


@pytest.mark.cjkfont
def test_certificate_download_by_staff_in_scope_only(result, users, tree):
    url = f"/competitions/certificates/{result['certificate'].code}/pdf/"
    assert login(users["tsinghua"]).get(url).status_code == 200
    assert login(users["municipal"]).get(url).status_code == 200
    for key in ("haidian", "chaoyang", "haidian_clerk", "teacher", "judge"):
        assert login(users[key]).get(url).status_code == 404, key
    other = make_teacher(make_member(tree.tsinghua, name="王同事"), "t_other")
    assert login(other).get(url).status_code == 404
    assert login(users["tsinghua"]).get("/competitions/certificates/NOSUCHCODE22/pdf/").status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


@pytest.mark.cjkfont
def test_certificate_download_scope_goes_down_not_up(tree, users):
    """海淀's admin opens its member's certificate; the admin of a school below 海淀 does not."""
    edition = published_edition()
    member = make_member(tree.haidian, name="海淀老师")
    award = make_award(entry=make_entry(edition.groups.get(), member))
    url = f"/competitions/certificates/{certificate_of(award).code}/pdf/"
    assert login(users["haidian"]).get(url).status_code == 200
    school_admin = make_user("t_school_admin", tree.haidian_school, Role.UNIT_ADMIN)
    assert login(school_admin).get(url).status_code == 404
    assert login(users["tsinghua"]).get(url).status_code == 404


def test_my_certificates_lists_own_only(result, tree):
    teacher = make_teacher(result["member"], "t_zhang")
    sup = make_award(entry=result["entry"], kind=AwardKind.SUPERVISOR, members=[None])
    other = make_member(tree.tsinghua, name="王同事")
    other_award = make_award(entry=make_entry(result["edition"].groups.get(), other))
    page = login(teacher).get("/competitions/my-certificates/")
    body = page.content.decode()
    assert page.status_code == 200
    assert result["certificate"].code in body
    assert f"/competitions/certificates/{result['certificate'].code}/pdf/" in body
    assert certificate_of(other_award).code not in body
    assert certificate_of(sup).code not in body


def test_my_certificates_without_a_linked_member(users):
    page = login(users["tsinghua"]).get("/competitions/my-certificates/")
    assert page.status_code == 200 and "尚未绑定会员信息" in page.content.decode()
