"""File safety: caps, zip bombs, XML entities, lying dimensions, not-an-xlsx — refused
with a clear Chinese message, and nothing written."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import openpyxl.xml
import pytest
import xlsxwriter

from apps.core.scoping import scope, scopes_disabled
from apps.core.importing import sheet
from apps.members.importing import FILE_ROW, import_members_file
from apps.members.models import Member
from tests.members.sheets import (claimed_huge, deflate_bomb, entity_bomb, lying_dimension, member_rows,
                                  write_xlsx, xlsx_bytes)

pytestmark = pytest.mark.django_db


def run(tree, data: bytes, **kwargs):
    with scope(paths=[tree.haidian.path]):
        return import_members_file(io.BytesIO(data), organization=tree.haidian, **kwargs)


def refused(report, text: str) -> None:
    assert not report.ok and report.created == 0
    assert [e.row for e in report.errors] == [FILE_ROW], report.errors
    assert text in report.errors[0].message, report.errors[0].message
    with scopes_disabled():
        assert Member.objects.count() == 0


def test_defusedxml_is_active_for_openpyxl():
    assert openpyxl.xml.DEFUSEDXML is True


def test_too_big(tree, monkeypatch):
    data = xlsx_bytes(member_rows(5))
    monkeypatch.setattr(sheet, "MAX_UPLOAD_BYTES", len(data) - 1)
    refused(run(tree, data), "文件过大")


def test_too_many_rows(tree, monkeypatch):
    monkeypatch.setattr(sheet, "MAX_ROWS", 4)
    refused(run(tree, xlsx_bytes(member_rows(5))), "行数过多")
    assert run(tree, xlsx_bytes(member_rows(4)), dry_run=True).ok


def test_a_far_away_row_stops_at_the_scanned_rows_cap(tree, monkeypatch):
    monkeypatch.setattr(sheet, "MAX_SCANNED_ROWS", 1000)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    ws = book.add_worksheet()
    ws.write_string(0, 0, "姓名")
    ws.write_string(500_000, 0, "远处")
    book.close()
    refused(run(tree, buffer.getvalue()), "行数过多")


def test_a_zip_bomb_claiming_a_huge_size_is_refused_before_inflating(tree):
    data = claimed_huge(xlsx_bytes(member_rows(2)))
    assert len(data) < 20_000
    refused(run(tree, data), "压缩炸弹")


def test_an_absurd_compression_ratio_is_refused(tree):
    refused(run(tree, deflate_bomb(8 * 1024 * 1024)), "压缩比异常")


def test_xml_entities_are_refused_by_defusedxml(tree):
    refused(run(tree, entity_bomb()), "不安全的 XML")


def test_a_lying_dimension_does_not_hide_rows(tree):
    data = lying_dimension(xlsx_bytes(member_rows(5)))
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert len(list(book.worksheets[0].iter_rows(values_only=True))) == 1  # what trusting it would read
    book.close()
    report = run(tree, data)
    assert report.ok and (report.rows, report.created) == (5, 5)


def test_a_lying_dimension_does_not_hide_bad_rows(tree):
    rows = member_rows(5)
    rows[4]["身份证号"] = "110108197001010000"
    report = run(tree, lying_dimension(xlsx_bytes(rows)))
    assert [(e.row, e.column) for e in report.errors] == [(6, "身份证号")]


@pytest.mark.parametrize("data", [
    b"name,id\n\xe5\xbc\xa0,110\n",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,  # an old .xls (OLE2)
    b"",
], ids=["csv", "xls", "empty"])
def test_not_an_xlsx(tree, data):
    refused(run(tree, data), "不是有效的 Excel 文件")


def test_a_zip_that_is_not_a_workbook(tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "你好")
    refused(run(tree, buffer.getvalue()), "文件无法读取")


def test_a_path_is_read_whatever_its_extension(tree, tmp_path):
    path = tmp_path / "名册.XLSX.upload"
    write_xlsx(str(path), member_rows(2))
    with scope(paths=[tree.haidian.path]):
        report = import_members_file(str(path), organization=tree.haidian, dry_run=True)
    assert report.ok and report.rows == 2
