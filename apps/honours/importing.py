"""Import of the honour roll from the municipal model-worker system's Excel: all or nothing.

The file is read by the members import's safe reader (``apps.core.importing.sheet``:
size cap, zip-bomb check from the zip directory, defusedxml, a lying ``<dimension>``
ignored, row and column caps) and reported in the same shape (``ImportReport``: every bad
cell by spreadsheet row number, column header and a Chinese message). Persons are matched
to the member registry by the keyed hash of their resident ID (``id_hash``), within the
acting scope, and their name must agree with the registry; a collective names its unit by
code. Only a file without a single error is written, in one transaction, with one summary
audit entry.

Public interface (the admin and ``manage.py import_honours`` use only this)::

    import_honours_file(source, *, actor=None, dry_run=False) -> ImportReport
    write_template(target)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.crypto import lookup_hash
from apps.core.scoping import scopes_disabled
from apps.members.enums import MemberStatus
from apps.core.importing import cells
from apps.core.importing.report import FILE_ROW, ImportReport
from apps.core.importing.sheet import Source, read_into
from apps.core.importing.template import write_import_template
from apps.members.masking import mask_id
from apps.members.models import Member
from apps.members.validation import normalize_id_number
from apps.organizations.models import Organization

from .enums import HolderKind, HonourStatus
from .models import Honour, HonourTitle
from .services import ALREADY_AWARDED, CERTIFICATE_TAKEN, FIRST_YEAR

AUDIT_ACTION = "honour.import"
WRITE_CHUNK = 1000
LOOKUP_CHUNK = 500
PREVIEW_LIMIT = 1000
TEMPLATE_SHEET = "荣誉名册"

# Column headers, in the template's order.
NAME, ID_NUMBER, TITLE, YEAR, CERTIFICATE, STATUS, NOTES, COLLECTIVE, UNIT = (
    "姓名", "身份证号", "荣誉称号", "授予年份", "证书编号", "状态", "备注", "集体名称", "单位编码")
HEADERS = (NAME, ID_NUMBER, TITLE, YEAR, CERTIFICATE, STATUS, NOTES, COLLECTIVE, UNIT)
REQUIRED = (TITLE, YEAR)
TEXT_HEADERS = (ID_NUMBER, CERTIFICATE, UNIT)  # long digit strings and codes: text cells
MAX_LENGTHS = {CERTIFICATE: Honour._meta.get_field("certificate_no").max_length,
               COLLECTIVE: Honour._meta.get_field("collective_name").max_length}

MISSING_COLUMN = "缺少必填列“{header}”，请使用下载的模板。"
DOUBLE_COLUMN = "列标题“{header}”出现了多次。"
NO_ROWS = "文件中没有荣誉数据：第一行为列标题，从第二行起每行一条荣誉。"
REQUIRED_CELL = "不能为空。"
UNKNOWN_TITLE = "没有这个荣誉称号（或已停用），应为：{names}。"
BAD_YEAR = "应为 {first} 年至今年之间的年份（如 2025）。"
BAD_STATUS = "状态应为：{labels}；不填即为在册。"
TOO_LONG = "不能超过 {n} 个字。"
PERSON_ONLY = "个人称号请填写姓名和身份证号，不填集体名称和单位编码。"
COLLECTIVE_ONLY = "集体称号请填写集体名称和单位编码，不填姓名和身份证号。"
NO_MEMBER = "会员名册中没有这个身份证号的会员（或不在您的管理范围内），请先登记会员。"
NAME_MISMATCH = "姓名与会员名册中该身份证号的姓名不一致。"
NO_UNIT = "单位编码不存在，或不在您的管理范围内。"
DUPLICATE_AWARD = "与第 {row} 行重复：同一人同一年度只能登记一次同一称号。"
DUPLICATE_CERTIFICATE = "与第 {row} 行的证书编号重复（同一称号下证书编号唯一）。"
RACE = "导入过程中有人同时登记了相同的荣誉，未写入任何数据，请重新导入。"


@dataclass
class HonourPreview:
    """One row's outcome for the preview page: masked, never a full ID."""

    row: int
    holder: str
    id_masked: str
    title: str
    year: int | None
    organization: str
    status: str
    ok: bool


@dataclass
class _Row:
    number: int
    title: HonourTitle | None = None
    year: int | None = None
    name: str = ""
    id_text: str = ""
    id_hash: str = ""
    certificate_no: str = ""
    status: str = HonourStatus.ON_ROLL
    notes: str = ""
    collective_name: str = ""
    unit_code: str = ""
    member: Member | None = None
    organization: Organization | None = None
    ok: bool = True


def import_honours_file(source: Source, *, actor=None, dry_run: bool = False) -> ImportReport:
    """Validate an .xlsx of honours and, unless ``dry_run`` or any row is bad, create them
    all. Runs in the active scope (the caller's): members and units outside it are unknown."""
    report = ImportReport(rows=0, created=0, errors=[], dry_run=dry_run)
    sheet = read_into(source, report, _map_header, NO_ROWS)
    if sheet is None:
        return report
    index, rows = sheet
    report.rows = len(rows)
    reader = _RowReader(index, report)
    parsed = [reader(number, values) for number, values in rows]
    del rows
    _resolve_holders(parsed, report)
    _check_duplicates(parsed, report)
    order = {h: i for i, h in enumerate(HEADERS)}
    report.errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
    report.previews = _previews(parsed)
    if report.ok and not dry_run:
        _write(parsed, actor, report)
    return report


# --- reading ---------------------------------------------------------------------------


def _map_header(header: tuple, number: int, report: ImportReport) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, value in enumerate(header):
        name = cells.text(value)
        if name not in HEADERS:
            continue  # other columns of the source system are ignored
        if name in index:
            report.add(number, name, DOUBLE_COLUMN.format(header=name))
        index[name] = i
    for name in REQUIRED:
        if name not in index:
            report.add(number, name, MISSING_COLUMN.format(header=name))
    if NAME not in index and COLLECTIVE not in index:
        report.add(number, NAME, MISSING_COLUMN.format(header=f"{NAME}”或“{COLLECTIVE}"))
    elif NAME in index and ID_NUMBER not in index:
        report.add(number, ID_NUMBER, MISSING_COLUMN.format(header=ID_NUMBER))
    elif COLLECTIVE in index and UNIT not in index:
        report.add(number, UNIT, MISSING_COLUMN.format(header=UNIT))
    return index


def _titles() -> dict[str, HonourTitle]:
    titles = {}
    for title in HonourTitle.objects.filter(is_active=True):
        titles[title.name] = titles[title.code] = title
    return titles


class _RowReader:
    """One row's cells → a ``_Row``, reporting every bad cell."""

    def __init__(self, index: dict[str, int], report: ImportReport):
        self.index, self.report = index, report
        self.titles = _titles()
        self.title_names = "、".join(t.name for t in sorted(set(self.titles.values()), key=lambda t: t.rank))
        self.statuses = {str(label): value for value, label in HonourStatus.choices}
        self.statuses.update({value: value for value in HonourStatus.values})
        self.this_year = timezone.localdate().year

    def cell(self, values: tuple, header: str):
        i = self.index.get(header)
        return None if i is None or i >= len(values) else values[i]

    def __call__(self, number: int, values: tuple) -> _Row:
        row = _Row(number)

        def bad(header: str, message: str) -> None:
            self.report.add(number, header, message)
            row.ok = False

        text = lambda header: cells.text(self.cell(values, header))  # noqa: E731
        title_text = text(TITLE)
        if not title_text:
            bad(TITLE, REQUIRED_CELL)
        else:
            row.title = self.titles.get(title_text)
            if row.title is None:
                bad(TITLE, UNKNOWN_TITLE.format(names=self.title_names))
        row.year = self._year(self.cell(values, YEAR), bad)
        try:
            row.certificate_no = cells.digit_text(self.cell(values, CERTIFICATE), CERTIFICATE)
        except cells.CellError as exc:
            bad(CERTIFICATE, str(exc))
        status_text = text(STATUS)
        row.status = self.statuses.get(status_text or HonourStatus.ON_ROLL.value, "")
        if not row.status:
            bad(STATUS, BAD_STATUS.format(labels="、".join(str(label) for label in HonourStatus.labels)))
        row.notes = text(NOTES)
        row.name, row.collective_name, row.unit_code = text(NAME), text(COLLECTIVE), text(UNIT)
        id_readable = True
        try:
            row.id_text = cells.digit_text(self.cell(values, ID_NUMBER), ID_NUMBER)
        except cells.CellError as exc:
            bad(ID_NUMBER, str(exc))
            id_readable = False
        for header, limit in MAX_LENGTHS.items():
            value = row.certificate_no if header == CERTIFICATE else row.collective_name
            if len(value) > limit:
                bad(header, TOO_LONG.format(n=limit))
        if row.title is not None:
            self._holder(row, bad, id_readable)
        return row

    def _year(self, value, bad) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            bad(YEAR, REQUIRED_CELL)
            return None
        raw = cells.text(value).removesuffix("年")
        if not raw.isdigit() or not FIRST_YEAR <= int(raw) <= self.this_year:
            bad(YEAR, BAD_YEAR.format(first=FIRST_YEAR))
            return None
        return int(raw)

    def _holder(self, row: _Row, bad, id_readable: bool) -> None:
        if row.title.holder_kind == HolderKind.PERSON:
            if row.collective_name or row.unit_code:
                bad(COLLECTIVE if row.collective_name else UNIT, PERSON_ONLY)
            if not row.name:
                bad(NAME, REQUIRED_CELL)
            if not row.id_text:
                if id_readable:
                    bad(ID_NUMBER, REQUIRED_CELL)
                return
            try:
                row.id_text = normalize_id_number(row.id_text)
            except ValidationError as exc:
                bad(ID_NUMBER, exc.messages[0])
                return
            row.id_hash = lookup_hash(row.id_text)
        else:
            if row.name or row.id_text:
                bad(NAME if row.name else ID_NUMBER, COLLECTIVE_ONLY)
            if not row.collective_name:
                bad(COLLECTIVE, REQUIRED_CELL)
            if not row.unit_code:
                bad(UNIT, REQUIRED_CELL)


# --- holders and duplicates ----------------------------------------------------------------


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _resolve_holders(rows: list[_Row], report: ImportReport) -> None:
    """Members by ``id_hash`` (the active membership first), units by code — both through the
    scoped managers, so a person or unit outside the scope reads as unknown."""
    hashes = sorted({r.id_hash for r in rows if r.id_hash})
    members: dict[str, Member] = {}
    for chunk in _chunks(hashes, LOOKUP_CHUNK):
        found = Member.objects.filter(id_hash__in=chunk).select_related("organization").order_by("-id")
        for member in found:
            current = members.get(member.id_hash)
            if current is None or (member.status == MemberStatus.ACTIVE and current.status != MemberStatus.ACTIVE):
                members[member.id_hash] = member
    codes = sorted({r.unit_code for r in rows if r.unit_code})
    units: dict[str, Organization] = {}
    for chunk in _chunks(codes, LOOKUP_CHUNK):
        units.update({org.code: org for org in Organization.objects.filter(code__in=chunk)})
    for row in rows:
        if row.id_hash:
            row.member = members.get(row.id_hash)
            if row.member is None:
                report.add(row.number, ID_NUMBER, NO_MEMBER)
                row.ok = False
            elif row.name and row.member.name != row.name:
                report.add(row.number, NAME, NAME_MISMATCH)
                row.ok = False
            else:
                row.organization = row.member.organization
        elif row.unit_code and row.title is not None and row.title.holder_kind == HolderKind.COLLECTIVE:
            row.organization = units.get(row.unit_code)
            if row.organization is None:
                report.add(row.number, UNIT, NO_UNIT)
                row.ok = False


def _check_duplicates(rows: list[_Row], report: ImportReport) -> None:
    """Within the file and against the whole city (never saying who holds the value)."""
    awards: dict[tuple, int] = {}
    certificates: dict[tuple, int] = {}
    for row in rows:
        if row.title is None:
            continue
        if row.member is not None and row.year is not None:
            key = (row.title.pk, row.year, row.id_hash)
            if key in awards:
                report.add(row.number, TITLE, DUPLICATE_AWARD.format(row=awards[key]))
                row.ok = False
            else:
                awards[key] = row.number
        if row.certificate_no:
            key = (row.title.pk, row.certificate_no)
            if key in certificates:
                report.add(row.number, CERTIFICATE, DUPLICATE_CERTIFICATE.format(row=certificates[key]))
                row.ok = False
            else:
                certificates[key] = row.number
    with scopes_disabled():  # city-wide uniqueness; the message never names the holder
        taken_certs = set()
        for chunk in _chunks(sorted({c for _, c in certificates}), LOOKUP_CHUNK):
            taken_certs.update(Honour.objects.filter(certificate_no__in=chunk).values_list("title_id",
                                                                                           "certificate_no"))
        taken_awards = set()
        for chunk in _chunks(sorted({h for _, _, h in awards}), LOOKUP_CHUNK):
            taken_awards.update(Honour.objects.filter(member__id_hash__in=chunk)
                                .values_list("title_id", "year", "member__id_hash"))
    for row in rows:
        if row.title is None:
            continue
        if (row.title.pk, row.certificate_no) in taken_certs and certificates.get(
                (row.title.pk, row.certificate_no)) == row.number:
            report.add(row.number, CERTIFICATE, CERTIFICATE_TAKEN)
            row.ok = False
        if (row.title.pk, row.year, row.id_hash) in taken_awards and awards.get(
                (row.title.pk, row.year, row.id_hash)) == row.number:
            report.add(row.number, TITLE, ALREADY_AWARDED)
            row.ok = False


def _previews(rows: list[_Row]) -> list[HonourPreview]:
    labels = dict(HonourStatus.choices)
    return [
        HonourPreview(row=r.number, holder=r.name or r.collective_name, id_masked=mask_id(r.id_text),
                      title=r.title.name if r.title else "", year=r.year,
                      organization=r.organization.name if r.organization else r.unit_code,
                      status=str(labels.get(r.status, "")), ok=r.ok)
        for r in rows[:PREVIEW_LIMIT]
    ]


# --- writing ------------------------------------------------------------------------------


def _write(rows: list[_Row], actor, report: ImportReport) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            for chunk in _chunks(rows, WRITE_CHUNK):
                Honour.objects.bulk_create([
                    Honour(title=r.title, year=r.year, certificate_no=r.certificate_no, member=r.member,
                           collective_name=r.collective_name if r.member is None else "",
                           organization=r.organization, status=r.status, notes=r.notes, created_by=user)
                    for r in chunk
                ])
            units = sorted({r.organization.code for r in rows})
            audit_record(actor=actor, action=AUDIT_ACTION, data={"rows": len(rows), "created": len(rows),
                                                                 "units": units[:50]})
    except IntegrityError:  # a concurrent registration of the same honour: nothing was written
        report.add(FILE_ROW, "", RACE)
        return
    report.created = len(rows)


# --- the template -------------------------------------------------------------------------


def instructions() -> list[str]:
    titles = "、".join(f"{t.name}（{t.get_holder_kind_display()}）"
                      for t in HonourTitle.objects.filter(is_active=True).order_by("rank"))
    statuses = "、".join(str(label) for label in HonourStatus.labels)
    return [
        "荣誉名册导入说明",
        "1. 第一行是列标题，请勿修改或删除；从第二行起每行一条荣誉。只导入第一个工作表。",
        f"2. 荣誉称号：{titles}。必填，另须填写授予年份（如 2025）。",
        "3. 个人称号：填写姓名、身份证号（须已在会员名册中登记，姓名须与名册一致），不填集体名称、单位编码。",
        "4. 集体称号：填写集体名称和单位编码，不填姓名、身份证号。",
        "5. 身份证号、证书编号、单位编码必须是文本格式（本模板已设置）：数字格式的身份证号会丢失末几位，导入时将被拒绝。",
        f"6. 状态（可选）：{statuses}；不填即为在册。同一称号下证书编号不能重复。",
        "7. 任何一行有错误，整个文件都不会导入；请按报告中的行号、列名修改后重新导入。",
    ]


def write_template(target: str | IO[bytes]) -> None:
    """The empty template: headers on row 1; ID, certificate and unit-code columns are text."""
    write_import_template(target, sheet=TEMPLATE_SHEET, headers=HEADERS, text_headers=TEXT_HEADERS, width=16,
                          instructions=instructions())
