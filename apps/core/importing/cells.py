"""One spreadsheet cell → one Python value, or a Chinese message saying why not.

Text cells are taken literally (an apostrophe or an equals sign is just a character);
a number where a long digit string belongs is refused, because Excel has already
rounded it (an 18-digit ID keeps only 15 significant digits).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from apps.core.excel import cell_text

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
NOT_A_DATE = "不是有效的日期，请填写日期（如 2020-09-01）。"


class CellError(ValueError):
    """The cell cannot be read as what its column holds."""


def text(value: Any) -> str:
    """Any cell as stripped text; integral numbers without a trailing ".0"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return cell_text(value).strip()  # OOXML _xHHHH_ escapes (CR …) as Excel shows them
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def digit_text(value: Any, label: str) -> str:
    """A long digit string (ID, account): must be a text cell."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(f"{label}存成了数字格式（可能已丢失末几位），请将该列设为文本格式后重新填写。")
    return text(value)


def date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        raw = value.strip()
        if not raw:
            return None
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
    raise CellError(NOT_A_DATE)
