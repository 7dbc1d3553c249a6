"""Reading an uploaded .xlsx safely, before any of it is trusted.

Checked in this order: the file's size; that it is a zip whose members claim at most
``MAX_UNCOMPRESSED_BYTES`` in all and no absurd compression ratio (a zip bomb is refused
before a byte is inflated; Python's zipfile never inflates past a member's claimed size);
then openpyxl parses it in read-only mode with defusedxml (no XML entities, no external
references). The sheet's ``<dimension>`` is ignored (``reset_dimensions``) so a file
claiming ``A1:A1`` is still read to its last row, and the row and column caps hold
whatever the file claims.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from collections.abc import Callable
from typing import IO, Any

import openpyxl
import openpyxl.xml
from django.core.exceptions import ImproperlyConfigured

from . import inline_text
from .report import FILE_ROW

inline_text.install()  # same values, a third less time on inline-string sheets (our exports)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the .xlsx as uploaded
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all zip members together, as they claim (50k rows ≈ 40 MB)
MAX_ZIP_MEMBERS = 1000
MAX_RATIO = 200  # inflated / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_ROWS = 100_000  # data rows (not counting the header and empty rows)
MAX_SCANNED_ROWS = 2 * MAX_ROWS  # rows read at all, empty ones included
MAX_COLUMNS = 40  # cells right of this column are never looked at

Source = str | os.PathLike | IO[bytes]


class SheetError(Exception):
    """The whole file is refused; the message is Chinese and safe to show."""


def _rewind(source: Source) -> None:
    if hasattr(source, "seek"):
        source.seek(0)


def file_size(source: Source) -> int:
    if hasattr(source, "seek"):
        source.seek(0, os.SEEK_END)
        size = source.tell()
        source.seek(0)
        return size
    return os.path.getsize(source)


def check_archive(source: Source) -> None:
    """Size and zip-bomb checks; nothing is decompressed here."""
    if file_size(source) > MAX_UPLOAD_BYTES:
        raise SheetError(f"文件过大：不能超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB。")
    _rewind(source)
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SheetError("文件不是有效的 Excel 文件（.xlsx）；旧版 .xls 请先另存为 .xlsx。") from exc
    finally:
        _rewind(source)
    if len(members) > MAX_ZIP_MEMBERS:
        raise SheetError("文件结构异常（压缩包内文件过多），已拒绝。")
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        raise SheetError("文件解压后过大（疑似压缩炸弹），已拒绝。")
    for member in members:
        if member.flag_bits & 0x1:
            raise SheetError("文件已加密，请去除密码后再导入。")
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise SheetError("文件压缩比异常（疑似压缩炸弹），已拒绝。")


def _is_empty(values: tuple) -> bool:
    for value in values:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return False
    return True


def read_sheet(source: Source) -> tuple[int, tuple[Any, ...], list[tuple[int, tuple[Any, ...]]]]:
    """(header row number, header values, [(row number, values) …]) of the first sheet.

    Empty rows are skipped; row numbers are the spreadsheet's. Raises SheetError."""
    if not openpyxl.xml.DEFUSEDXML:
        raise ImproperlyConfigured("defusedxml is not active for openpyxl: refusing to parse uploads.")
    if not hasattr(source, "read"):
        with open(source, "rb") as handle:  # a path: read it as a file whatever its extension
            return read_sheet(handle)
    check_archive(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            book = openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # defusedxml's refusals, broken XML, missing parts …
        raise SheetError(_unreadable(exc)) from exc
    try:
        if not book.worksheets:
            raise SheetError("文件中没有工作表。")
        return _rows(book.worksheets[0])
    finally:
        book.close()


def _rows(sheet) -> tuple[int, tuple[Any, ...], list[tuple[int, tuple[Any, ...]]]]:
    sheet.reset_dimensions()  # never trust <dimension>: read to the last row actually present
    header_number, header, width = 0, (), 0
    rows: list[tuple[int, tuple[Any, ...]]] = []
    try:
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if number > MAX_SCANNED_ROWS:
                raise SheetError(f"行数过多：最多 {MAX_ROWS} 行。")
            if _is_empty(values):
                continue
            if not header:
                header_number, header = number, _trim(values)
                width = len(header)
                continue
            rows.append((number, values[:width]))
            if len(rows) > MAX_ROWS:
                raise SheetError(f"行数过多：最多 {MAX_ROWS} 行，请拆分为多个文件。")
    except SheetError:
        raise
    except Exception as exc:
        raise SheetError(_unreadable(exc)) from exc
    if not header:
        raise SheetError("文件是空的：第一行应为列标题。")
    return header_number, header, rows


def _trim(values: tuple) -> tuple:
    end = len(values)
    while end and (values[end - 1] is None or str(values[end - 1]).strip() == ""):
        end -= 1
    return tuple(values[:end])


def _unreadable(exc: BaseException) -> str:
    seen = 0
    while exc is not None and seen < 10:  # openpyxl wraps the parser's error in a ValueError
        if type(exc).__module__.startswith("defusedxml"):
            return "文件包含不安全的 XML 内容（实体或外部引用），已拒绝。"
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return "文件无法读取：请用 Excel 或 WPS 另存为 .xlsx 后重新导入。"


def read_into(source: Source, report, map_header: Callable, no_rows: str):
    """``(column index, rows)`` of the first sheet for an import, or None once ``report``
    holds the file's error: unreadable, bad headers (``map_header`` adds them) or no rows."""
    try:
        header_number, header, rows = read_sheet(source)
    except SheetError as exc:
        report.add(FILE_ROW, "", str(exc))
        return None
    index = map_header(header, header_number, report)
    if not report.ok:
        return None
    if not rows:
        report.add(FILE_ROW, "", no_rows)
        return None
    return index, rows
