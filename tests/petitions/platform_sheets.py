"""Order lists in the 12351 platform's layout for the exchange tests."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter

from apps.members.idgen import make_id_number
from apps.petitions.exchange.columns import PLATFORM_COLUMNS


class Number(float):
    """Written as a number cell (a long digit string typed without text format)."""


def order_row(i: int, **overrides) -> dict:
    row = {
        "工单编号": f"BJ12351-2025{i:06d}",
        "来源": "12351",
        "受理时间": dt.datetime(2025, 9, 29, 9, 15) + dt.timedelta(hours=i),
        "诉求人": f"诉求人{i}",
        "联系电话": f"139{i:08d}",
        "身份证号": make_id_number(dt.date(1980, 1, 1), i % 500),
        "所在单位": "海淀区教育工会",
        "诉求类别": "工资待遇/拖欠工资",
        "紧急程度": "一般",
        "诉求标题": f"绩效工资未发放 {i}",
        "诉求内容": "学校拖欠两个月绩效工资，请求协调。",
    }
    row.update(overrides)
    return row


def xlsx_bytes(rows: list[dict], headers=PLATFORM_COLUMNS) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False})
    sheet = book.add_worksheet("工单列表")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header)
    for r, row in enumerate(rows, start=1):
        for col, header in enumerate(headers):
            value = row.get(header)
            if value is None:
                continue
            if isinstance(value, Number):
                sheet.write_number(r, col, value)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(r, col, value, when)
            else:
                sheet.write_string(r, col, str(value))
    book.close()
    return buffer.getvalue()
