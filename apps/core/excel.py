"""Excel written safely: streaming, no formula ever runs, IDs and accounts stay text.

Every export of the portal writes through ``SafeXlsxWriter`` so that a value such as
``=HYPERLINK(...)`` arrives in Excel or WPS as the same literal text.

Strings are always written as string cells (never parsed as formulas, numbers or URLs).
A string that *starts* like a formula (``= + - @``, tab, CR, NUL) additionally carries
Excel's quote-prefix style — what typing a leading apostrophe does — so even editing the
cell in Excel keeps it text. The apostrophe is a style, not part of the value: the cell
re-reads as exactly the stored string.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
_DANGEROUS_FIRST = frozenset(FORMULA_PREFIXES)

# Column kinds for the fast path (``write_rows``): what every value of the column is.
STRING = "string"  # str (or None/""): a string cell
DATE = "date"  # datetime.date / datetime.datetime (or None): a real Excel date
ANY = "any"  # anything: the general, type-checking path
_KINDS = {STRING: STRING, DATE: DATE, ANY: ANY}

# Excel's 1900 date system: serial 1 is 1900-01-01, with Lotus' phantom 1900-02-29.
_EXCEL_EPOCH_ORDINAL = dt.date(1899, 12, 31).toordinal()


def is_dangerous(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def cell_text(value: Any) -> Any:
    """A string cell as it was written. XML cannot carry control characters (CR, NUL …),
    so the file stores them as OOXML ``_xHHHH_`` escapes (and a literal ``_x`` as
    ``_x005F_x``); Excel decodes them, openpyxl does not — readers of our workbooks pass
    strings through this."""
    if isinstance(value, str) and "_x" in value:
        return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


class SafeXlsxWriter:
    """A constant-memory xlsx writer. Strings are always string cells (never parsed as
    formulas, numbers or URLs); ``text_columns`` are formatted as Text (@) so Excel keeps
    long digit strings such as ID and account numbers exactly."""

    def __init__(self, target: str | IO[bytes], *, sheet: str, headers: Sequence[str],
                 text_columns: Iterable[int] = (), widths: Sequence[int] | None = None,
                 title_lines: Sequence[str] = ()):
        """``title_lines``: an official sheet's heading (the first one large and bold, the
        others plain), each merged across the columns above the headers."""
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
        # Formula-like strings: the quote prefix keeps them text even when edited in Excel.
        self.quoted = self.book.add_format({"quote_prefix": True})
        self.text_quoted = self.book.add_format({"num_format": "@", "quote_prefix": True})
        self.text_columns = set(text_columns)
        self.columns = len(headers)
        heading = self.book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        self.plain = self.book.add_format({"align": "left", "valign": "vcenter"})
        for row, line in enumerate(title_lines):
            style = heading if row == 0 else self.plain
            if self.columns > 1:
                self.sheet.merge_range(row, 0, row, self.columns - 1, str(line), style)
            else:
                self.sheet.write_string(row, 0, str(line), style)
            if row == 0:
                self.sheet.set_row(0, 30)
        top = len(title_lines)
        for col, header in enumerate(headers):
            self.sheet.write_string(top, col, header, self.bold)
            width = widths[col] if widths else max(10, len(header) * 2 + 2)
            self.sheet.set_column(col, col, width, self.text if col in self.text_columns else None)
        self.sheet.freeze_panes(top + 1, 0)
        self.row = top + 1

    def write_note(self, text: str) -> None:
        """A plain line merged across the columns (an official sheet's footer: 制表人, 盖章 …)."""
        if self.columns > 1:
            self.sheet.merge_range(self.row, 0, self.row, self.columns - 1, str(text), self.plain)
        else:
            self.sheet.write_string(self.row, 0, str(text), self.plain)
        self.row += 1

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
            value = str(value)
            text = col in self.text_columns
            if value[:1] in _DANGEROUS_FIRST:
                fmt = self.text_quoted if text else self.quoted
            else:
                fmt = self.text if text else None
            sheet.write_string(row, col, value, fmt)

    def write_rows(self, rows: Iterable[Sequence[Any]], *, kinds: Sequence[str],
                   converters: Sequence[Callable[[Any], Any] | None] | None = None,
                   every: int = 0, on_progress: Callable[[int], None] | None = None) -> int:
        """The fast path for many rows whose column types are known in advance.

        ``kinds[i]`` is STRING, DATE or ANY for column ``i``; ``converters[i]`` (optional)
        maps the raw value first. Produces the cells ``write_row`` would, without a
        per-cell type dispatch (a plain date is written as its Excel serial number directly,
        which also keeps 1900-01-01 a date where xlsxwriter would make it a bare time). Calls ``on_progress(rows_written)`` every ``every`` rows.
        Returns the number of rows written.
        """
        sheet = self.sheet
        # The undecorated cell writers (the public ones only add A1-notation parsing).
        write_string = getattr(sheet, "_write_string", sheet.write_string)
        write_number = getattr(sheet, "_write_number", sheet.write_number)
        write_any = self._write
        text_columns = self.text_columns
        dangerous = _DANGEROUS_FIRST
        date_fmt = self.date
        epoch = _EXCEL_EPOCH_ORDINAL
        date_cls = dt.date
        str_cls = str

        plain: list[tuple] = []  # (col, kind, converter, format, quoted format)
        for col, kind in enumerate(kinds):
            convert = converters[col] if converters else None
            kind = _KINDS.get(kind)
            if kind is None:
                raise ValueError(f"unknown column kind {kinds[col]!r}")
            text = col in text_columns
            plain.append((col, kind, convert, self.text if text else None,
                          self.text_quoted if text else self.quoted))
        plan = tuple(plain)

        row = self.row
        start = row
        next_report = row + every if every and on_progress else None
        for values in rows:
            for col, kind, convert, fmt, quoted in plan:
                value = values[col]
                if convert is not None:
                    value = convert(value)
                if value is None or value == "":
                    continue  # empty is empty
                if kind is STRING:
                    if value.__class__ is not str_cls:
                        write_any(row, col, value)
                    elif value[0] in dangerous:
                        write_string(row, col, value, quoted)
                    else:
                        write_string(row, col, value, fmt)
                elif kind is DATE:
                    if value.__class__ is date_cls:
                        days = value.toordinal() - epoch
                        write_number(row, col, days + 1 if days > 59 else days, date_fmt)
                    else:
                        write_any(row, col, value)
                else:
                    write_any(row, col, value)
            row += 1
            if next_report is not None and row >= next_report:
                on_progress(row - start)
                next_report += every
        self.row = row
        return row - start

    def close(self) -> None:
        self.book.close()


def write_table(target: str | IO[bytes], *, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                kinds: Sequence[str], text_columns: Iterable[int] = (), widths: Sequence[int] | None = None,
                converters: Sequence[Callable[[Any], Any] | None] | None = None, every: int = 0,
                on_progress: Callable[[int], None] | None = None) -> int:
    """One sheet, streamed through ``SafeXlsxWriter.write_rows``; the workbook is closed
    even when a row fails (and the row's error is the one raised). Returns the rows written."""
    writer = SafeXlsxWriter(target, sheet=sheet, headers=headers, text_columns=text_columns, widths=widths)
    try:
        count = writer.write_rows(rows, kinds=kinds, converters=converters, every=every, on_progress=on_progress)
    except BaseException:
        try:
            writer.close()
        except Exception:  # noqa: S110 - the original error is the one worth raising
            pass
        raise
    writer.close()
    return count


def xlsx_filename(prefix: str, label: str = "", *, when: dt.datetime | None = None) -> str:
    """<prefix>-<label>-<YYYYmmdd-HHMM>.xlsx, the label made safe for any file system."""
    when = timezone.localtime(when) if when else timezone.localtime()
    label = re.sub(r'[\\/:*?"<>|\s]+', "", label or "")[:40]
    return "-".join(p for p in (prefix, label, f"{when:%Y%m%d-%H%M}") if p) + ".xlsx"


def xlsx_attachment(write: Callable[[IO[bytes]], int], filename: str) -> tuple[FileResponse, int]:
    """``write(handle)`` into a temporary file (flat memory; a failure never sends half a
    workbook), then stream it as an attachment. Returns (response, rows written)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        rows = write(handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response, rows
