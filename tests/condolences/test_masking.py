"""What a clerk can export or list of the condolences carries no full ID number, phone or
bank account: the campaign's grants (Excel and API), the sign-off sheet, the preview."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.conftest import login

from .conftest import policy
from .test_api import API, post

pytestmark = pytest.mark.django_db

FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
FULL_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
FULL_ACCOUNT = re.compile(r"(?<!\d)\d{16,19}(?!\d)")


def xlsx_text(response) -> str:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)


def test_clerk_exports_and_lists_are_masked(tree, users):
    from tests.factories.members import make_member

    member = make_member(tree.haidian, name="李青", post="数学教师", phone="13912345678",
                         bank_account="6222020200100000007")
    policy("summer_cool", form="goods", item_name="防暑用品", item_unit_value="100", cap_per_occasion="100",
           cap_per_year="100")
    policy("winter_warmth", amount="300", cap_per_occasion="300", cap_per_year="300")
    clerk = login(users["haidian_clerk"])
    texts = []
    for kind, title in (("summer_cool", "夏送清凉"), ("winter_warmth", "冬送温暖")):
        pk = post(clerk, f"{API}campaigns/", {"kind": kind, "title": title, "date": "2025-07-01"}).json()["id"]
        texts.append(clerk.get(f"{API}campaigns/{pk}/preview/").content.decode())
        assert post(clerk, f"{API}campaigns/{pk}/generate/").status_code == 200
        texts.append(clerk.get(f"{API}campaigns/{pk}/grants/").content.decode())
        texts.append(xlsx_text(clerk.get(f"{API}campaigns/{pk}/export/")))
    [listing] = clerk.get(f"{API}distributions/").json()["results"]
    texts.append(xlsx_text(clerk.get(f"{API}distributions/{listing['id']}/sheet/")))
    texts.append(clerk.get(f"{API}distributions/{listing['id']}/grants/").content.decode())
    joined = "\n".join(texts)
    assert "李青" in joined  # the person is there …
    for value in (member.id_number, member.phone, member.bank_account):
        assert value not in joined  # … never their full values
    assert not FULL_ID.search(joined) and not FULL_PHONE.search(joined) and not FULL_ACCOUNT.search(joined)
