"""Export of the honour roll to Excel, always masked.

Rows stream from ``values_list().iterator()`` into ``apps.core.excel.write_table``: strings
are string cells (a value such as ``=HYPERLINK(…)`` never runs), ID numbers are masked
(first 6 / last 4) and written as text cells with the certificate number and unit code,
the year is a number. The queryset is the caller's, already scoped: a unit exports only
its subtree. Every export is written to the audit log.
"""

from __future__ import annotations

from typing import IO

from apps.core.audit import audit_record
from apps.core.excel import ANY, STRING, write_table, xlsx_attachment, xlsx_filename
from apps.members.masking import mask_id

from .enums import HolderKind, HonourStatus, TitleLevel

SHEET_NAME = "荣誉名册"
CHUNK = 2000

_STATUS = dict(HonourStatus.choices)
_LEVEL = dict(TitleLevel.choices)
_KIND = dict(HolderKind.choices)


def _label(labels: dict):
    return lambda value: None if value is None else str(labels.get(value, value))


def _yes_no(value) -> str:
    return "是" if value else "否"


# (header, values_list path, kind, converter, text column?, width)
COLUMNS = (
    ("姓名", "member__name", STRING, None, False, 12),
    ("身份证号", "member__id_number", STRING, lambda v: mask_id(v) if v else None, True, 22),
    ("荣誉称号", "title__name", STRING, None, False, 18),
    ("级别", "title__level", STRING, _label(_LEVEL), False, 10),
    ("授予对象", "title__holder_kind", STRING, _label(_KIND), False, 10),
    ("授予年份", "year", ANY, None, False, 10),
    ("证书编号", "certificate_no", STRING, None, True, 18),
    ("状态", "status", STRING, _label(_STATUS), False, 8),
    ("常住北京", "resides_in_beijing", STRING, _yes_no, False, 10),
    ("集体名称", "collective_name", STRING, None, False, 26),
    ("单位编码", "organization__code", STRING, None, True, 16),
    ("所属单位", "organization__name", STRING, None, False, 26),
    ("备注", "notes", STRING, None, False, 30),
)
HEADERS = [c[0] for c in COLUMNS]


def export_honours_xlsx(queryset, target: str | IO[bytes]) -> int:
    """Write the honours of ``queryset`` (scoped, filtered) to ``target``; returns the rows."""
    rows = (queryset.order_by("title__rank", "organization__path", "member__name", "collective_name", "year", "id")
            .values_list(*(c[1] for c in COLUMNS)).iterator(chunk_size=CHUNK))
    return write_table(target, sheet=SHEET_NAME, headers=HEADERS, rows=rows, kinds=[c[2] for c in COLUMNS],
                       converters=[c[3] for c in COLUMNS],
                       text_columns=[i for i, c in enumerate(COLUMNS) if c[4]], widths=[c[5] for c in COLUMNS])


def honours_xlsx_response(queryset, *, actor, via: str, filters: dict | None = None):
    """The export as an attachment (荣誉名册-<unit>-<date>.xlsx), audited. Returns the response."""
    from apps.accounts.acting import acting_organization

    unit = acting_organization(actor)
    label = (unit.short_name or unit.name) if unit is not None else ""
    response, rows = xlsx_attachment(lambda handle: export_honours_xlsx(queryset, handle),
                                     xlsx_filename("荣誉名册", label))
    audit_record(actor=actor, action="honour.export", organization=unit,
                 data={"rows": rows, "via": via, "filters": {str(k): str(v)[:100] for k, v in (filters or {}).items()}})
    return response
