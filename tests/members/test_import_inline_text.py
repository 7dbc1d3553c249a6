"""The fast inline-string reading gives exactly openpyxl's own values."""

from __future__ import annotations

import io
from xml.etree.ElementTree import fromstring

import openpyxl
import pytest
import xlsxwriter
from openpyxl.cell.text import Text
from openpyxl.worksheet import _reader

from apps.core.importing import sheet
from apps.core.importing.inline_text import InlineText

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
ELEMENTS = [
    f"<is {NS}><t>张三</t></is>",
    f'<is {NS}><t xml:space="preserve">  前后空格  </t></is>',
    f"<is {NS}><t/></is>",
    f"<is {NS}></is>",
    f"<is {NS}><r><rPr><b/></rPr><t>粗</t></r><r><t>体</t></r></is>",
    f"<is {NS}><t>甲</t><r><t>乙</t></r><rPh sb='0' eb='1'><t>ジャ</t></rPh><phoneticPr fontId='1'/></is>",
    f"<is {NS}><r><rPr/></r><r><t>只有第二段</t></r></is>",
    "<is><t>没有命名空间</t><r><t>也行</t></r></is>",
    f"<is {NS}><t>_x000D_ 不解码 =1+1</t></is>",
]


@pytest.mark.parametrize("xml", ELEMENTS)
def test_same_content_as_openpyxls_text(xml):
    element = fromstring(xml)
    assert InlineText.from_tree(element).content == Text.from_tree(element).content


def test_installed_and_a_whole_sheet_reads_the_same(monkeypatch):
    assert _reader.Text is InlineText or openpyxl.__version__ != "3.1.5"
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False})
    ws = book.add_worksheet()
    bold = book.add_format({"bold": True})
    ws.write_row(0, 0, ["姓名", "备注"])
    ws.write_string(1, 0, "李四")
    ws.write_rich_string(1, 1, "普通", bold, "加粗", "结尾")
    ws.write_string(2, 1, "第一行\r\n第二行\t=SUM(A1)")
    book.close()
    data = buffer.getvalue()
    fast = sheet.read_sheet(io.BytesIO(data))
    monkeypatch.setattr(_reader, "Text", Text)
    assert sheet.read_sheet(io.BytesIO(data)) == fast
    assert fast[2][0][1][1] == "普通加粗结尾"
