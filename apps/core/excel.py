"""Excel written safely: streaming, no formula ever runs, IDs and accounts stay text.

Every export of the portal writes through ``SafeXlsxWriter`` so that a value such as
``=HYPERLINK(...)`` arrives in Excel or WPS as the same literal text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")


def is_dangerous(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


class SafeXlsxWriter:
    """A constant-memory xlsx writer. Strings are always string cells (never parsed as
    formulas, numbers or URLs); ``text_columns`` are formatted as Text (@) so Excel keeps
    long digit strings such as ID and account numbers exactly."""

    def __init__(self, target: str | IO[bytes], *, sheet: str, headers: Sequence[str],
                 text_columns: Iterable[int] = (), widths: Sequence[int] | None = None):
        self.book = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.sheet = self.book.add_worksheet(sheet[:31])
        self.text = self.book.add_format({"num_format": "@"})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.bold = self.book.add_format({"bold": True, "bg_color": "#E8EEF7"})
        self.text_columns = set(text_columns)
        for col, header in enumerate(headers):
            self.sheet.write_string(0, col, header, self.bold)
            width = widths[col] if widths else max(10, len(header) * 2 + 2)
            self.sheet.set_column(col, col, width, self.text if col in self.text_columns else None)
        self.sheet.freeze_panes(1, 0)
        self.row = 1

    def write_row(self, values: Sequence[Any]) -> None:
        for col, value in enumerate(values):
            self._write(self.row, col, value)
        self.row += 1

    def _write(self, row: int, col: int, value: Any) -> None:
        sheet = self.sheet
        if value is None or value == "":
            return  # empty is empty, never "None"
        if isinstance(value, bool):
            sheet.write_string(row, col, "是" if value else "否")
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(row, col, value.replace(tzinfo=None), self.datetime)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), self.date)
        elif isinstance(value, (int, float, Decimal)) and col not in self.text_columns:
            sheet.write_number(row, col, value)
        else:
            # A string cell is never evaluated; Excel shows it exactly as stored.
            sheet.write_string(row, col, str(value), self.text if col in self.text_columns else None)

    def close(self) -> None:
        self.book.close()
