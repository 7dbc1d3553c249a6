"""The downloadable import template shared by the members and honours imports: headers on
row 1, text-formatted ID/code columns, and a 填写说明 sheet with the instructions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from apps.core.excel import SafeXlsxWriter

TEMPLATE_TEXT_ROWS = 1000  # rows whose text cells are pre-formatted, so typing keeps every digit


def write_import_template(target: str | IO[bytes], *, sheet: str, headers: Sequence[str],
                          text_headers: Sequence[str], width: int, instructions: Sequence[str]) -> None:
    text_columns = [i for i, h in enumerate(headers) if h in text_headers]
    writer = SafeXlsxWriter(target, sheet=sheet, headers=headers, text_columns=text_columns,
                            widths=[22 if h in text_headers else width for h in headers])
    for row in range(1, TEMPLATE_TEXT_ROWS + 1):  # real cells formatted "@"
        for col in text_columns:
            writer.sheet.write_blank(row, col, None, writer.text)
    notes = writer.book.add_worksheet("填写说明")
    notes.set_column(0, 0, 100)
    for row, line in enumerate(instructions):
        notes.write_string(row, 0, line)
    writer.close()
