"""Spreadsheets for the import tests: valid rows, and malicious or broken files.

Cells are written with xlsxwriter's typed calls, so a test decides exactly what Excel
would hold: a text cell, a number (an ID typed without text format), a real date.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence

import xlsxwriter

from apps.members.idgen import make_id_number
from apps.members.resources import TEMPLATE_HEADERS


class Number(float):
    """A value to be written as a number cell (e.g. an ID typed into a General cell)."""


def person_id(i: int, *, base: dt.date = dt.date(1970, 1, 1)) -> str:
    """The i-th distinct valid ID (1000 per birth date: 500 male, 500 female)."""
    return make_id_number(base + dt.timedelta(days=i // 1000), i % 500, female=(i % 1000) >= 500)


def member_row(i: int, *, base: dt.date = dt.date(1970, 1, 1), **overrides) -> dict:
    row = {
        "姓名": f"教师{i}",
        "身份证号": person_id(i, base=base),
        "手机号": f"139{i % 100_000_000:08d}",
        "所属工会编码": "",
        "分工会": "",
        "用工性质": "在编",
        "入会日期": dt.date(2010, 9, 1),
        "从教日期": dt.date(2008, 9, 1),
        "开户银行": "中国银行北京分行",
        "银行账号": f"6216{i:015d}",
        "备注": "",
    }
    row.update(overrides)
    return row


def member_rows(n: int, *, start: int = 0, base: dt.date = dt.date(1970, 1, 1)) -> list[dict]:
    return [member_row(i, base=base) for i in range(start, start + n)]


def xlsx_bytes(rows: Iterable[dict], headers: Sequence[str] = TEMPLATE_HEADERS, *,
               sheet: str = "会员名册") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, rows, headers, sheet=sheet)
    return buffer.getvalue()


def write_xlsx(target, rows: Iterable[dict], headers: Sequence[str] = TEMPLATE_HEADERS, *,
               sheet: str = "会员名册") -> None:
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    ws = book.add_worksheet(sheet)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for col, header in enumerate(headers):
        ws.write_string(0, col, header)
    for r, row in enumerate(rows, start=1):
        for col, header in enumerate(headers):
            value = row.get(header)
            if value is None or value == "":
                continue
            if isinstance(value, Number) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
                ws.write_number(r, col, float(value))
            elif isinstance(value, dt.date):
                ws.write_datetime(r, col, dt.datetime(value.year, value.month, value.day), date_format)
            else:
                ws.write_string(r, col, str(value))
    book.close()


def _rewrite(data: bytes, name: str, change) -> bytes:
    """A copy of the zip with member ``name`` passed through ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


def lying_dimension(data: bytes) -> bytes:
    """The sheet claims <dimension ref="A1:A1"/> whatever it holds."""
    return _rewrite(data, "xl/worksheets/sheet1.xml",
                    lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:A1"/>', xml))


def claimed_huge(data: bytes, claim: int = 0xF0000000) -> bytes:
    """A zip bomb's signature: the sheet claims ~4 GB uncompressed while a few KB are stored."""
    raw = bytearray(data)
    for match in re.finditer(rb"PK\x01\x02", bytes(raw)):  # central directory entries
        at = match.start()
        name_len = int.from_bytes(raw[at + 28:at + 30], "little")
        if raw[at + 46:at + 46 + name_len] == b"xl/worksheets/sheet1.xml":
            raw[at + 24:at + 28] = claim.to_bytes(4, "little")
    return bytes(raw)


def deflate_bomb(size: int = 40 * 1024 * 1024) -> bytes:
    """A valid workbook plus a member of ``size`` zeros (ratio ~1000:1)."""
    out = io.BytesIO(xlsx_bytes(member_rows(1)))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/zeros.bin", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def entity_bomb() -> bytes:
    """The sheet declares XML entities (billion laughs): defusedxml refuses to parse it."""
    data = xlsx_bytes(member_rows(1))
    laughs = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<!DOCTYPE worksheet [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    return _rewrite(data, "xl/worksheets/sheet1.xml",
                    lambda xml: re.sub(rb"^<\?xml[^>]*\?>\s*", laughs, xml).replace(b"<t>", b"<t>&b;", 1))
