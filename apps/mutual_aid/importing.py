"""Enrolment from an Excel list (参保名单): all or nothing, every bad cell reported by row and
column in Chinese, through the shared machinery in ``apps.core.importing``.

Columns: 姓名, 身份证号 (a text cell). Each person is matched in the acting scope by the keyed
hash of the ID and must belong to the enrolling unit's subtree, be eligible for the plan and
not be enrolled in it for the year yet. Only a file without a single error is written."""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.crypto import lookup_hash
from apps.core.importing import cells
from apps.core.importing.report import FILE_ROW, ImportReport
from apps.core.importing.sheet import Source, read_into
from apps.core.importing.template import write_import_template
from apps.core.scoping import in_scope, scopes_disabled
from apps.members.models import Member
from apps.members.validation import normalize_id_number
from apps.organizations.models import Organization

from .models import Enrolment, Plan
from .services import _check_year, enrolment_from_import, ineligible_reason, model_worker_ids

NAME, ID_NUMBER = "姓名", "身份证号"
HEADERS = (NAME, ID_NUMBER)
MISSING_COLUMN = "缺少必填列“{header}”，请使用下载的模板。"
NO_ROWS = "文件中没有参保名单：第一行为列标题，从第二行起每行一人。"
REQUIRED_CELL = "不能为空。"
NO_MEMBER = "会员名册中没有这个身份证号的会员（或不在您的管理范围内）。"
NAME_MISMATCH = "姓名与会员名册中该身份证号的姓名不一致。"
OUTSIDE_UNIT = "该会员不属于参保单位。"
ALREADY = "该会员已参加本年度该计划。"
DUPLICATE = "与第 {row} 行是同一人。"


def _map_header(header: tuple, number: int, report: ImportReport) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, value in enumerate(header):
        name = cells.text(value)
        if name in HEADERS and name not in index:
            index[name] = i
    for name in HEADERS:
        if name not in index:
            report.add(number, name, MISSING_COLUMN.format(header=name))
    return index


def import_enrolments(source: Source, *, plan: Plan, year: int, organization: Organization, actor=None,
                      dry_run: bool = False) -> ImportReport:
    """Validate a list and, unless ``dry_run`` or any row is bad, enrol everyone on it."""
    report = ImportReport(rows=0, created=0, errors=[], dry_run=dry_run)
    try:
        _check_year(year)
    except ValidationError:
        report.add(FILE_ROW, "", "年度无效。")
        return report
    if not in_scope(organization.path):
        report.add(FILE_ROW, "", "参保单位不在您的管理范围内。")
        return report
    sheet = read_into(source, report, _map_header, NO_ROWS)
    if sheet is None:
        return report
    index, rows = sheet
    report.rows = len(rows)
    parsed = []  # (row number, name, id hash)
    for number, values in rows:
        cell = lambda h: values[index[h]] if index[h] < len(values) else None  # noqa: E731
        name = cells.text(cell(NAME))
        if not name:
            report.add(number, NAME, REQUIRED_CELL)
        try:
            id_text = cells.digit_text(cell(ID_NUMBER), ID_NUMBER)
        except cells.CellError as exc:
            report.add(number, ID_NUMBER, str(exc))
            continue
        if not id_text:
            report.add(number, ID_NUMBER, REQUIRED_CELL)
            continue
        try:
            id_text = normalize_id_number(id_text)
        except ValidationError as exc:
            report.add(number, ID_NUMBER, exc.messages[0])
            continue
        parsed.append((number, name, lookup_hash(id_text)))
    hashes = [h for _n, _name, h in parsed]
    members = {m.id_hash: m for m in Member.objects.filter(id_hash__in=hashes, status="active")
               .select_related("organization")}  # scoped: outside → unknown
    with scopes_disabled():  # enrolment is once per plan and year city-wide
        enrolled = set(Enrolment._base_manager.filter(plan=plan, year=year, member__id_hash__in=hashes)
                       .values_list("member__id_hash", flat=True))
    workers = model_worker_ids([m.pk for m in members.values()])
    seen: dict[str, int] = {}
    accepted = []
    for number, name, id_hash in parsed:
        member = members.get(id_hash)
        if id_hash in seen:
            report.add(number, ID_NUMBER, DUPLICATE.format(row=seen[id_hash]))
            continue
        seen[id_hash] = number
        if member is None:
            report.add(number, ID_NUMBER, NO_MEMBER)
            continue
        if name and member.name != name:
            report.add(number, NAME, NAME_MISMATCH)
            continue
        if not member.organization.path.startswith(organization.path):
            report.add(number, ID_NUMBER, OUTSIDE_UNIT)
            continue
        why = ineligible_reason(plan, member, workers)
        if why:
            report.add(number, ID_NUMBER, why)
            continue
        if id_hash in enrolled:
            report.add(number, ID_NUMBER, ALREADY)
            continue
        accepted.append((member, organization))
    report.errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else -1))
    if report.ok and not dry_run:
        with transaction.atomic():
            report.created = enrolment_from_import(plan=plan, year=year, rows=accepted, actor=actor)
    return report


def write_template(target: str | IO[bytes]) -> None:
    write_import_template(target, sheet="参保名单", headers=HEADERS, text_headers=(ID_NUMBER,), width=14,
                          instructions=["第一行为列标题，从第二行起每行一人。", "身份证号列请保持文本格式。",
                                        "全部行无误才会导入；有错误时不导入任何一行，并列出每个错误的行和列。"])
