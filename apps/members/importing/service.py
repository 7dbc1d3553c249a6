"""Import of the member registry from Excel: every row checked, then all or nothing.

One pass in Python validates each row with the same validators as the admin form; the
units are resolved with one query per few hundred codes; people already holding an
active membership are found by ``id_hash`` in batched IN queries. Only a file without a
single error is written: ``bulk_create`` in chunks inside one transaction, the status
history likewise, and one summary audit entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.crypto import lookup_hash
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization

from ..enums import MemberStatus
from ..masking import mask_id
from ..models import Member, MemberStatusChange
from ..services import ALREADY_ELSEWHERE, ALREADY_HERE, _check_units, _user, member_clean
from ..validation import birth_date_of, gender_of
from apps.core.importing import cells
from apps.core.importing.report import FILE_ROW, ImportReport, RowPreview
from apps.core.importing.sheet import Source, read_into

from . import columns

WRITE_CHUNK = 2000
LOOKUP_CHUNK = 500
PREVIEW_LIMIT = 1000
IMPORT_REASON = "批量导入"
AUDIT_ACTION = "member.import"

OUT_OF_SCOPE = "所属工会不在您的管理范围内。"
NOT_GRASSROOTS = "所属工会编码应为基层工会的编码（分工会请填在“分工会”列）。"
NO_BRANCH = "分工会不存在，或不属于该行的所属工会。"
AMBIGUOUS_BRANCH = "所属工会下有多个同名的分工会或工会小组，请改填编码。"
DUPLICATE = "身份证号与第 {row} 行重复：同一人在文件中只能有一条在会记录。"
BAD_STATUS = "会籍状态应为：{labels}。"
TOO_LONG = "不能超过 {n} 个字。"
NO_ROWS = "文件中没有会员数据：第一行为列标题，从第二行起每行一名会员。"
MISSING_COLUMN = "缺少必填列“{header}”，请使用下载的模板。"
DOUBLE_COLUMN = "列标题“{header}”出现了多次。"
RACE = "导入过程中有人同时登记了文件中的人员，未写入任何数据，请重新导入。"

TEXT_FIELDS = ("name", "post", "bank_name", "remarks", "phone")
MAX_LENGTHS = {name: Member._meta.get_field(name).max_length for name in ("name", "post", "bank_name")}
BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.GROUP)
STATUSES = frozenset(MemberStatus.values)

Progress = Callable[[int, int], None]


@dataclass
class _Row:
    number: int
    fields: dict
    unit_code: str
    branch_text: str
    id_text: str
    ok: bool = True
    id_hash: str = ""
    organization: Organization | None = None
    branch: Organization | None = None


def import_members_file(source: Source, *, organization: Organization, actor=None, dry_run: bool = False,
                        progress: Progress | None = None) -> ImportReport:
    """Validate an .xlsx of members and, unless ``dry_run`` or any row is bad, create them all.

    ``organization`` is the grassroots union for rows whose 所属工会编码 is empty; a code
    must name a grassroots union inside the active scope (the caller's), which must be set.
    """
    report = ImportReport(rows=0, created=0, errors=[], dry_run=dry_run)
    heads = columns.headers()
    try:
        _check_units(organization, None)  # in scope (fails closed outside any scope) and grassroots
    except ValidationError as exc:
        report.add(FILE_ROW, heads["organization"], exc.messages[0])
        return report
    sheet = read_into(source, report, _map_header, NO_ROWS)
    if sheet is None:
        return report
    index, rows = sheet
    report.rows = total = len(rows)
    steps = _Steps(progress, total, phases=1 if dry_run else 2)

    parse = _RowReader(index, report)
    parsed = []
    for done, (number, values) in enumerate(rows, start=1):
        parsed.append(parse(number, values))
        if done % 1000 == 0:
            steps(0, done)
    del rows  # the cells are no longer needed
    _Units(organization).assign(parsed, report)
    _check_people(parsed, organization, report)
    order = {heads[name]: i for name, i in index.items()}
    report.errors.sort(key=lambda e: (e.row, order.get(e.column, -1)))
    report.previews = _previews(parsed)
    steps(0, total)
    if report.ok and not dry_run:
        _write(parsed, organization, actor, report, steps)
    return report


# --- reading ---------------------------------------------------------------------------


def _map_header(header: tuple, number: int, report: ImportReport) -> dict[str, int]:
    """Resource field name → column index; unknown columns (export-only ones) are ignored."""
    heads = columns.headers()
    by_header = {h: name for name, h in heads.items()}
    index: dict[str, int] = {}
    for i, value in enumerate(header):
        name = by_header.get(cells.text(value))
        if name is None:
            continue
        if name in index:
            report.add(number, heads[name], DOUBLE_COLUMN.format(header=heads[name]))
        index[name] = i
    for name in columns.REQUIRED:
        if name not in index:
            report.add(number, heads[name], MISSING_COLUMN.format(header=heads[name]))
    return index


class _RowReader:
    """Turns one row's cells into clean member fields, reporting each bad cell."""

    def __init__(self, index: dict[str, int], report: ImportReport):
        self.report = report
        self.heads = columns.headers()
        self.index = index
        self.text_cells = [(name, index.get(name)) for name in TEXT_FIELDS]
        self.digit_cells = [(name, index.get(name)) for name in columns.NO_NUMBERS]
        self.date_cells = [(name, index.get(name)) for name in columns.date_fields()]
        self.employment = columns.widget("employment_type").clean
        self.status = columns.widget("status").clean
        self.bad_status = BAD_STATUS.format(labels="、".join(str(label) for label in MemberStatus.labels))

    def __call__(self, number: int, values: tuple) -> _Row:
        index = self.index
        errors: dict[str, list[str]] = {}
        data: dict = {}
        for name, i in self.text_cells:
            data[name] = "" if i is None else cells.text(values[i])
        for name, i in self.digit_cells:
            try:
                data[name] = "" if i is None else cells.digit_text(values[i], self.heads[name])
            except cells.CellError as exc:
                errors[name] = [str(exc)]
        id_text = data.get("id_number", "")
        for name, i in self.date_cells:
            try:
                data[name] = None if i is None else cells.date(values[i])
            except cells.CellError as exc:
                errors[name] = [str(exc)]
        data["employment_type"] = self.employment(_cell(values, index, "employment_type"))
        status = self.status(_cell(values, index, "status")) or MemberStatus.ACTIVE
        if status not in STATUSES:
            errors["status"] = [self.bad_status]
        data["status"] = status
        for name, limit in MAX_LENGTHS.items():
            if len(data[name]) > limit:
                errors.setdefault(name, []).append(TOO_LONG.format(n=limit))
        try:
            data = member_clean(data)  # the admin form's validators and messages
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        row = _Row(number, data, cells.text(_cell(values, index, "organization")),
                   cells.text(_cell(values, index, "branch")), id_text)
        if errors:
            row.ok = False
            for name, messages in errors.items():
                for message in messages:
                    self.report.add(number, self.heads[name], message)
        if "id_number" not in errors:
            row.id_hash = lookup_hash(data["id_number"])
        return row


def _cell(values: tuple, index: dict[str, int], name: str):
    i = index.get(name)
    return None if i is None else values[i]


# --- units and people --------------------------------------------------------------------


class _Units:
    """Resolves 所属工会编码 and 分工会 through the scoped manager: outside the scope is unknown."""

    def __init__(self, default: Organization):
        self.default = default
        self.by_code: dict[str, Organization] = {default.code: default}
        self.branches: dict[int, tuple[dict, dict]] = {}

    def assign(self, rows: list[_Row], report: ImportReport) -> None:
        heads = columns.headers()
        self._load({r.unit_code for r in rows} - {""} - set(self.by_code))
        for row in rows:
            org = self.by_code.get(row.unit_code) if row.unit_code else self.default
            if org is None:
                report.add(row.number, heads["organization"], OUT_OF_SCOPE)
            elif not org.is_grassroots:
                report.add(row.number, heads["organization"], NOT_GRASSROOTS)
                org = None
            row.organization = org
            if org is None:
                row.ok = False
                continue
            if row.branch_text:
                row.branch, message = self._branch(org, row.branch_text)
                if message:
                    report.add(row.number, heads["branch"], message)
                    row.ok = False

    def _load(self, codes: set[str]) -> None:
        for chunk in _chunks(sorted(codes), LOOKUP_CHUNK):
            for org in Organization.objects.filter(code__in=chunk):  # scoped
                self.by_code[org.code] = org

    def _branch(self, org: Organization, text: str) -> tuple[Organization | None, str]:
        if org.pk not in self.branches:
            by_code, by_name = {}, {}
            for unit in Organization.objects.filter(path__startswith=org.path, kind__in=BRANCH_KINDS):
                by_code[unit.code] = unit
                by_name.setdefault(unit.name, []).append(unit)
            self.branches[org.pk] = (by_code, by_name)
        by_code, by_name = self.branches[org.pk]
        if text in by_code:
            return by_code[text], ""
        named = by_name.get(text, [])
        if len(named) == 1:
            return named[0], ""
        return None, AMBIGUOUS_BRANCH if named else NO_BRANCH


def _check_people(rows: list[_Row], default: Organization, report: ImportReport) -> None:
    """One active membership per person: within the file and against the whole city."""
    heads = columns.headers()
    first: dict[str, int] = {}
    for row in rows:
        if row.id_hash and row.fields.get("status") == MemberStatus.ACTIVE:
            if row.id_hash in first:
                report.add(row.number, heads["id_number"], DUPLICATE.format(row=first[row.id_hash]))
                row.ok = False
            else:
                first[row.id_hash] = row.number
    holders: dict[str, int] = {}
    for chunk in _chunks(list(first), LOOKUP_CHUNK):  # unscoped on purpose: city-wide, never named
        holders.update(Member._base_manager.filter(id_hash__in=chunk, status=MemberStatus.ACTIVE)
                       .values_list("id_hash", "organization_id"))
    if not holders:
        return
    for row in rows:
        if first.get(row.id_hash) == row.number and row.id_hash in holders:
            here = holders[row.id_hash] == (row.organization or default).pk
            report.add(row.number, heads["id_number"], ALREADY_HERE if here else ALREADY_ELSEWHERE)
            row.ok = False


def _previews(rows: list[_Row]) -> list[RowPreview]:
    labels = dict(MemberStatus.choices)
    return [
        RowPreview(row=r.number, name=str(r.fields.get("name", "")), id_masked=mask_id(r.id_text),
                   organization=r.organization.name if r.organization else r.unit_code,
                   branch=r.branch.name if r.branch else r.branch_text,
                   status=str(labels.get(r.fields.get("status"), "")), ok=r.ok)
        for r in rows[:PREVIEW_LIMIT]
    ]


# --- writing ------------------------------------------------------------------------------


def _write(rows: list[_Row], organization: Organization, actor, report: ImportReport, steps) -> None:
    """Everything in one transaction, chunk by chunk (members, then their history rows)."""
    user = _user(actor)
    actor_id = user.pk if user is not None else None
    today = timezone.localdate()
    try:
        with transaction.atomic():
            for start in range(0, len(rows), WRITE_CHUNK):
                members = [
                    Member(organization_id=r.organization.pk, branch_id=r.branch.pk if r.branch else None,
                           id_hash=r.id_hash, birth_date=birth_date_of(r.fields["id_number"]),
                           gender=gender_of(r.fields["id_number"]), **r.fields)
                    for r in rows[start:start + WRITE_CHUNK]
                ]
                Member.objects.bulk_create(members)
                MemberStatusChange.objects.bulk_create([
                    MemberStatusChange(member_id=m.pk, from_status="", to_status=m.status,
                                       changed_on=m.joined_on or today, reason=IMPORT_REASON, actor_id=actor_id)
                    for m in members
                ])
                steps(1, start + len(members))
            units = sorted({r.organization.code for r in rows})
            audit_record(actor=actor, action=AUDIT_ACTION, organization=organization,
                         data={"rows": len(rows), "created": len(rows), "units": units[:50]})
    except IntegrityError:  # someone registered one of these people meanwhile: nothing was written
        report.add(FILE_ROW, columns.headers()["id_number"], RACE)
        return
    report.created = len(rows)


class _Steps:
    """Progress in rows: reading and checking is the first phase, writing the second."""

    def __init__(self, progress: Progress | None, total: int, *, phases: int):
        self.progress, self.total, self.phases = progress, total, phases

    def __call__(self, phase: int, done: int) -> None:
        if self.progress is None:
            return
        done = min(done, self.total)
        self.progress((phase * self.total + done) // self.phases, self.total)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
