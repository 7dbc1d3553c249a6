"""Masked roll export: IDs masked, text cells, formulas never run, a unit exports its subtree only."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from tests.conftest import login
from tests.factories.members import make_member

from .factories import make_honour

pytestmark = pytest.mark.django_db


@pytest.fixture
def roll(tree):
    hd = make_member(tree.haidian, name="海淀劳模")
    cy = make_member(tree.chaoyang, name="=HYPERLINK(\"http://evil\",\"点我\")")
    make_honour(code="national_model_worker", year=2020, member=hd, certificate_no="00123")
    make_honour(code="beijing_advanced_worker", year=2018, member=cy, notes="+1 备注")
    make_honour(code="beijing_model_collective", year=2025, collective_name="@数学组", organization=tree.chaoyang)
    return {"hd": hd, "cy": cy}


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    return data, openpyxl.load_workbook(io.BytesIO(data))


def rows_of(book):
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    return header, [dict(zip(header, [c.value for c in row], strict=False)) for row in sheet.iter_rows(min_row=2)]


def test_api_export_is_masked_and_formula_safe(tree, users, roll):
    data, book = workbook(login(users["municipal"]).get("/api/v1/honours/export/"))
    header, rows = rows_of(book)
    assert header[:3] == ["姓名", "身份证号", "荣誉称号"]
    by_name = {r["姓名"] or r["集体名称"]: r for r in rows}
    hd = by_name["海淀劳模"]
    assert hd["身份证号"] == roll["hd"].id_number_masked and roll["hd"].id_number not in data.decode("latin-1")
    assert (hd["证书编号"], hd["授予年份"], hd["级别"], hd["状态"], hd["常住北京"]) == (
        "00123", 2020, "全国级", "在册", "是")
    evil = by_name['=HYPERLINK("http://evil","点我")']
    assert evil["备注"] == "+1 备注"
    assert "@数学组" in by_name
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula cell anywhere
    cells = book.worksheets[0]
    id_col = header.index("身份证号") + 1
    assert cells.cell(row=2, column=id_col).number_format == "@"  # ID as a text cell
    with scopes_disabled():
        assert AuditLog.objects.filter(action="honour.export").count() == 1


def test_a_unit_exports_only_its_subtree_whatever_it_asks(tree, users, roll):
    client = login(users["haidian"])
    for query in ("", f"?unit={tree.chaoyang.code}", "?roll=true"):
        _, book = workbook(client.get("/api/v1/honours/export/" + query))
        names = {r["姓名"] or r["集体名称"] for r in rows_of(book)[1]}
        assert "@数学组" not in names and roll["cy"].name not in names
        if not query or query == "?roll=true":
            assert names == {"海淀劳模"}
    assert login(users["teacher"]).get("/api/v1/honours/export/").status_code == 403


def test_filters_apply(tree, users, roll):
    _, book = workbook(login(users["municipal"]).get("/api/v1/honours/export/?level=national"))
    assert [r["姓名"] for r in rows_of(book)[1]] == ["海淀劳模"]


def test_admin_export_button_and_selected_action(tree, users, roll):
    client = login(users["chaoyang"])
    _, book = workbook(client.get("/admin/honours/honour/export-honours/"))
    assert {r["姓名"] or r["集体名称"] for r in rows_of(book)[1]} == {roll["cy"].name, "@数学组"}
    _, book = workbook(client.get("/admin/honours/honour/export-honours/?title__level__exact=municipal&q=数学"))
    assert [r["集体名称"] for r in rows_of(book)[1]] == ["@数学组"]
    with scopes_disabled():
        from apps.honours.models import Honour

        team = Honour.objects.get(collective_name="@数学组")
    client.get("/")
    response = client.post("/admin/honours/honour/", {"action": "export_selected", "_selected_action": [team.pk],
                                                      "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    _, book = workbook(response)
    assert [r["集体名称"] for r in rows_of(book)[1]] == ["@数学组"]
