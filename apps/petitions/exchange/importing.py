"""Import of the 12351 platform's order list: all or nothing, idempotent by (source, order number).

The file goes through the portal's one safe reader (``apps.core.importing``: size cap,
zip-bomb check, defusedxml, row and column caps) and is reported in the same shape (every
bad cell by row number, column header and a Chinese message). Every row is checked before
anything is written; a file with a single error writes nothing. Orders already registered
(same source and 工单编号) are skipped unchanged, so importing the same file twice creates
nothing the second time. New orders are registered by ``case_receive`` (the one service
that receives a case), all in one transaction.

Public interface (the admin, the API and the job use only this)::

    import_orders_file(source, *, actor=None, dry_run=False, progress=None) -> OrderImportReport
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.importing import cells
from apps.core.importing.report import FILE_ROW, ImportReport
from apps.core.importing.sheet import Source as FileSource
from apps.core.importing.sheet import read_into
from apps.core.scoping import scopes_disabled
from apps.members.masking import mask_phone
from apps.members.validation import normalize_id_number, normalize_mobile
from apps.organizations.models import Organization

from ..enums import Source, Urgency
from ..models import Case, Category
from ..services import case_receive
from .columns import (
    CATEGORY, CONTENT, ID_NUMBER, NAME, ORDER_COLUMNS, ORDER_NO, PHONE, RECEIVED_AT, REQUIRED, SOURCE, TITLE,
    UNIT, URGENCY,
)

AUDIT_ACTION = "petitions.platform_import"
PREVIEW_LIMIT = 1000
PROGRESS_EVERY = 100
LOOKUP_CHUNK = 500
PLATFORM_SOURCES = {"12351": Source.P12351, "12345": Source.P12345, str(Source.P12351.label): Source.P12351,
                    str(Source.P12345.label): Source.P12345, "12351平台": Source.P12351, "12345热线": Source.P12345}
URGENCIES = {**{str(label): value for value, label in Urgency.choices}, **{v: v for v in Urgency.values}}
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                    "%Y年%m月%d日 %H:%M", "%Y-%m-%dT%H:%M:%S")
MAX_LENGTHS = {ORDER_NO: Case._meta.get_field("order_no").max_length,
               NAME: Case._meta.get_field("petitioner_name").max_length,
               TITLE: Case._meta.get_field("title").max_length}
TITLE_FROM_CONTENT = 30
MASK = "*"

MISSING_COLUMN = "缺少必填列“{header}”，请使用 12351 平台导出的文件或下载的模板。"
DOUBLE_COLUMN = "列标题“{header}”出现了多次。"
NO_ROWS = "文件中没有工单：第一行为列标题，从第二行起每行一条工单。"
REQUIRED_CELL = "不能为空。"
BAD_SOURCE = "来源应为 12351 或 12345（不填即 12351）。"
BAD_TIME = "不是有效的受理时间，请填写日期和时间（如 2025-09-29 09:15）。"
FUTURE_TIME = "受理时间不能晚于现在。"
BAD_URGENCY = "紧急程度应为紧急、一般或复杂（不填即一般）。"
UNKNOWN_CATEGORY = "没有这个诉求类别，应为一级类别（{tops}）或“一级类别/二级类别”。"
UNKNOWN_UNIT = "单位名录中没有这个单位（或不在您的管理范围内），请填写单位全称或单位编码。"
AMBIGUOUS_UNIT = "有多个单位同名，请改填单位编码。"
TOO_LONG = "不能超过 {n} 个字。"
DUPLICATE = "与第 {row} 行的工单编号重复（同一来源的工单编号只能出现一次）。"
FIELD_COLUMNS = {"order_no": ORDER_NO, "source": SOURCE, "received_at": RECEIVED_AT, "petitioner_name": NAME,
                 "petitioner_phone": PHONE, "petitioner_id_number": ID_NUMBER, "category": CATEGORY,
                 "urgency": URGENCY, "title": TITLE, "content": CONTENT}


@dataclass
class OrderPreview:
    """One row's outcome for the preview page: the phone masked, never the ID."""

    row: int
    order_no: str
    name: str
    phone_masked: str
    category: str
    urgency: str
    unit: str
    status: str  # 新增 / 已登记（跳过）
    ok: bool


@dataclass
class OrderImportReport(ImportReport):
    existing: int = 0  # rows whose order was already registered: skipped, unchanged
    orders: list = field(default_factory=list, repr=False)

    def as_dict(self, limit: int = 1000) -> dict:
        return {**super().as_dict(limit), "existing": self.existing}


@dataclass
class _Row:
    number: int
    order_no: str = ""
    source: str = Source.P12351
    received_at: dt.datetime | None = None
    name: str = ""
    phone: str = ""
    id_number: str = ""
    unit_text: str = ""
    unit: Organization | None = None
    category: Category | None = None
    urgency: str = Urgency.NORMAL
    title: str = ""
    content: str = ""
    exists: bool = False
    ok: bool = True


def import_orders_file(source: FileSource, *, actor=None, dry_run: bool = False,
                       progress: Callable[[int, int], None] | None = None) -> OrderImportReport:
    """Check an .xlsx in the platform's layout and, unless ``dry_run`` or any row is bad,
    register every order not registered yet. Runs in the caller's scope (units outside it
    are unknown)."""
    report = OrderImportReport(rows=0, created=0, errors=[], dry_run=dry_run)
    sheet = read_into(source, report, _map_header, NO_ROWS)
    if sheet is None:
        return report
    index, rows = sheet
    report.rows = len(rows)
    reader = _RowReader(index, report)
    parsed = [reader(number, values) for number, values in rows]
    del rows
    _resolve_units(parsed, report)
    _check_duplicates(parsed, report)
    order = {h: i for i, h in enumerate(ORDER_COLUMNS)}
    report.errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
    report.existing = sum(r.exists for r in parsed)
    report.previews = _previews(parsed)
    if report.ok and not dry_run:
        _write(parsed, actor, report, progress)
    return report


# --- reading ---------------------------------------------------------------------------


def _map_header(header: tuple, number: int, report: ImportReport) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, value in enumerate(header):
        name = cells.text(value)
        if name not in ORDER_COLUMNS:
            continue  # the platform's result columns (and any other) are not read
        if name in index:
            report.add(number, name, DOUBLE_COLUMN.format(header=name))
        index[name] = i
    for name in REQUIRED:
        if name not in index:
            report.add(number, name, MISSING_COLUMN.format(header=name))
    return index


def _categories() -> tuple[dict[str, Category], str]:
    by_name: dict[str, Category] = {}
    tops = []
    leaves: dict[str, list[Category]] = {}
    for category in Category.objects.filter(is_active=True).select_related("parent"):
        if category.parent_id is None:
            by_name[category.name] = category
            tops.append(category)
        else:
            for sep in ("/", "／", "›", ">", "-"):
                by_name[f"{category.parent.name}{sep}{category.name}"] = category
            leaves.setdefault(category.name, []).append(category)
    for name, found in leaves.items():
        if len(found) == 1 and name not in by_name:
            by_name[name] = found[0]
    return by_name, "、".join(c.name for c in sorted(tops, key=lambda c: (c.rank, c.code)))


def _received_at(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        raw = " ".join(value.split())
        for fmt in DATETIME_FORMATS:
            try:
                moment = dt.datetime.strptime(raw, fmt)
                break
            except ValueError:
                continue
        else:
            raise cells.CellError(BAD_TIME)
    else:
        raise cells.CellError(BAD_TIME)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise cells.CellError(FUTURE_TIME)
    return moment


class _RowReader:
    """One row's cells → a ``_Row``, reporting every bad cell."""

    def __init__(self, index: dict[str, int], report: ImportReport):
        self.index, self.report = index, report
        self.categories, self.tops = _categories()

    def cell(self, values: tuple, header: str):
        i = self.index.get(header)
        return None if i is None or i >= len(values) else values[i]

    def __call__(self, number: int, values: tuple) -> _Row:
        row = _Row(number)

        def bad(header: str, message: str) -> None:
            self.report.add(number, header, message)
            row.ok = False

        def text(header: str) -> str:
            return cells.text(self.cell(values, header))

        def digits(header: str) -> str:
            try:
                return cells.digit_text(self.cell(values, header), header)
            except cells.CellError as exc:
                bad(header, str(exc))
                return ""

        row.order_no = digits(ORDER_NO)
        if not row.order_no and ORDER_NO not in {e.column for e in self.report.errors if e.row == number}:
            bad(ORDER_NO, REQUIRED_CELL)
        source = text(SOURCE)
        row.source = PLATFORM_SOURCES.get(source or "12351", "")
        if not row.source:
            bad(SOURCE, BAD_SOURCE)
        raw_time = self.cell(values, RECEIVED_AT)
        if raw_time is None or (isinstance(raw_time, str) and not raw_time.strip()):
            bad(RECEIVED_AT, REQUIRED_CELL)
        else:
            try:
                row.received_at = _received_at(raw_time)
            except cells.CellError as exc:
                bad(RECEIVED_AT, str(exc))
        row.name = text(NAME)
        if not row.name:
            bad(NAME, REQUIRED_CELL)
        phone = digits(PHONE)
        if MASK in phone:  # a masked value (our export, the platform's masked list) is not the number
            phone = ""
        if phone:
            try:
                row.phone = normalize_mobile(phone)
            except ValidationError as exc:
                bad(PHONE, exc.messages[0])
        id_number = digits(ID_NUMBER)
        if MASK in id_number:
            id_number = ""
        if id_number:
            try:
                row.id_number = normalize_id_number(id_number)
            except ValidationError as exc:
                bad(ID_NUMBER, exc.messages[0])
        row.unit_text = text(UNIT)
        category = "".join(text(CATEGORY).split())
        if not category:
            bad(CATEGORY, REQUIRED_CELL)
        else:
            row.category = self.categories.get(category)
            if row.category is None:
                bad(CATEGORY, UNKNOWN_CATEGORY.format(tops=self.tops))
        urgency = text(URGENCY)
        row.urgency = URGENCIES.get(urgency or Urgency.NORMAL.value, "")
        if not row.urgency:
            bad(URGENCY, BAD_URGENCY)
        row.content = text(CONTENT)
        if not row.content:
            bad(CONTENT, REQUIRED_CELL)
        row.title = text(TITLE) or " ".join(row.content.split())[:TITLE_FROM_CONTENT]
        for header, value in ((ORDER_NO, row.order_no), (NAME, row.name), (TITLE, row.title)):
            if len(value) > MAX_LENGTHS[header]:
                bad(header, TOO_LONG.format(n=MAX_LENGTHS[header]))
        return row


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _resolve_units(rows: list[_Row], report: ImportReport) -> None:
    """所在单位 by full name or code, through the scoped manager (outside the scope: unknown)."""
    wanted = sorted({r.unit_text for r in rows if r.unit_text})
    by_code: dict[str, Organization] = {}
    by_name: dict[str, list[Organization]] = {}
    for chunk in _chunks(wanted, LOOKUP_CHUNK):
        for org in Organization.objects.filter(Q(code__in=chunk) | Q(name__in=chunk)):
            by_code[org.code] = org
            by_name.setdefault(org.name, []).append(org)
    for row in rows:
        if not row.unit_text:
            continue
        named = by_name.get(row.unit_text, [])
        row.unit = by_code.get(row.unit_text) or (named[0] if len(named) == 1 else None)
        if row.unit is None:
            report.add(row.number, UNIT, AMBIGUOUS_UNIT if len(named) > 1 else UNKNOWN_UNIT)
            row.ok = False


def _check_duplicates(rows: list[_Row], report: ImportReport) -> None:
    """Twice in the file is an error; already registered (city-wide) is skipped unchanged."""
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if not (row.order_no and row.source):
            continue
        key = (row.source, row.order_no)
        if key in seen:
            report.add(row.number, ORDER_NO, DUPLICATE.format(row=seen[key]))
            row.ok = False
        else:
            seen[key] = row.number
    registered: set[tuple[str, str]] = set()
    with scopes_disabled():  # an order number is unique per source city-wide, whoever handles it now
        for source in {s for s, _ in seen}:
            numbers = sorted(n for s, n in seen if s == source)
            for chunk in _chunks(numbers, LOOKUP_CHUNK):
                registered.update(Case._base_manager.filter(source=source, order_no__in=chunk)
                                  .values_list("source", "order_no"))
    for row in rows:
        row.exists = (row.source, row.order_no) in registered


def _previews(rows: list[_Row]) -> list[OrderPreview]:
    labels = dict(Urgency.choices)
    return [
        OrderPreview(row=r.number, order_no=r.order_no, name=r.name, phone_masked=mask_phone(r.phone),
                     category=str(r.category) if r.category else "", urgency=str(labels.get(r.urgency, "")),
                     unit=r.unit.name if r.unit else "", status="已登记（跳过）" if r.exists else "新增", ok=r.ok)
        for r in rows[:PREVIEW_LIMIT]
    ]


# --- writing ------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _write(rows: list[_Row], actor, report: OrderImportReport, progress) -> None:
    new = [r for r in rows if not r.exists]
    total = len(rows)
    created = 0
    try:
        with transaction.atomic():
            for done, row in enumerate(new, start=1):
                try:
                    case, was_new = case_receive(
                        source=row.source, order_no=row.order_no, received_at=row.received_at,
                        petitioner_name=row.name, petitioner_phone=row.phone, petitioner_id_number=row.id_number,
                        petitioner_unit=row.unit, category=row.category, urgency=row.urgency, title=row.title,
                        content=row.content, actor=actor)
                except ValidationError as exc:
                    for name, messages in (exc.message_dict if hasattr(exc, "error_dict")
                                           else {"": exc.messages}).items():
                        for message in messages:
                            report.add(row.number, FIELD_COLUMNS.get(name, ""), message)
                    continue
                if was_new:
                    created += 1
                    report.orders.append(case.pk)
                else:  # registered meanwhile (a concurrent import): unchanged
                    report.existing += 1
                if progress and done % PROGRESS_EVERY == 0:
                    progress(done + (total - len(new)), total)
            if not report.ok:
                raise _Rollback
            audit_record(actor=actor, action=AUDIT_ACTION, data={
                "rows": total, "created": created, "existing": report.existing})
    except _Rollback:
        report.orders.clear()
        if not any(e.row == FILE_ROW for e in report.errors):
            report.errors.sort(key=lambda e: e.row)
        return
    report.created = created
    if progress:
        progress(total, total)
