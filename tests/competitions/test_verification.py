"""The public verification page: name, edition, group, award and unit — nothing else."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from apps.competitions.enums import AwardKind
from apps.competitions.views.public import VERIFY_MISSES
from tests.competitions.factories import make_entry
from tests.competitions.results_factories import certificate_of, make_award, published_edition
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cert(tree):
    edition = published_edition()
    member = make_member(tree.tsinghua, name="张晓明", phone="13912345678")
    award = make_award(entry=make_entry(edition.groups.get(), member), rank=1)
    return certificate_of(award), member


def test_verify_shows_only_public_facts(cert):
    certificate, member = cert
    response = Client().get(f"/competitions/verify/{certificate.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    for expected in ("张晓明", "第14届", "理科", "一等奖", "清华大学工会", certificate.code, "真实有效"):
        assert expected in body, expected
    for secret in (member.id_number, member.id_number_masked, "13912345678", member.phone_masked,
                   member.bank_account, str(member.birth_date.year)):
        assert secret not in body, secret
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "no-store"


def test_verify_accepts_lower_case_and_the_form_redirects(cert):
    certificate, _ = cert
    client = Client()
    assert client.get(f"/competitions/verify/{certificate.code.lower()}/").status_code == 200
    form = client.get("/competitions/verify/")
    assert form.status_code == 200 and "证书编号" in form.content.decode()
    spaced = f" {certificate.code[:6].lower()} {certificate.code[6:]} "
    response = client.get("/competitions/verify/", {"code": spaced})
    assert response.status_code == 302 and response["Location"] == f"/competitions/verify/{certificate.code}/"
    bad = client.get("/competitions/verify/", {"code": "<script>"})
    assert bad.status_code == 400 and "12 位证书编号" in bad.content.decode()


def test_verify_unknown_code_is_a_clear_404(cert):
    response = Client().get("/competitions/verify/ABCDEFGHJKMN/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "未找到该证书" in body and "张晓明" not in body
    assert Client().get("/competitions/verify/%3Cx%3E/").status_code == 404


def test_verify_supervisor_and_organisation_certificates(cert, tree):
    certificate, _ = cert
    entry = certificate.award.entry
    entry.supervisor_name = "李建国"
    sup = make_award(entry=entry, kind=AwardKind.SUPERVISOR, recipient="李建国")
    org = make_award(edition=entry.edition, kind=AwardKind.ORGANISATION, organization=tree.tsinghua)
    body = Client().get(f"/competitions/verify/{certificate_of(sup).code}/").content.decode()
    assert "李建国" in body and "优秀指导教师奖" in body
    body = Client().get(f"/competitions/verify/{certificate_of(org).code}/").content.decode()
    assert "优秀组织奖" in body and "清华大学工会" in body and "组别" not in body


def test_verify_slows_down_an_address_that_keeps_missing(cert):
    certificate, _ = cert
    client = Client(REMOTE_ADDR="10.1.2.3")
    for i in range(VERIFY_MISSES):
        assert client.get(f"/competitions/verify/ZZZZZZZZZZ{i:02d}/").status_code == 404
    assert client.get(f"/competitions/verify/{certificate.code}/").status_code == 429
    assert "查询过于频繁" in client.get(f"/competitions/verify/{certificate.code}/").content.decode()
    # another address is not affected
    assert Client(REMOTE_ADDR="10.9.9.9").get(f"/competitions/verify/{certificate.code}/").status_code == 200
