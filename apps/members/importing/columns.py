"""The import's columns, read from ``MemberResource`` (the one definition of the headers),
and the downloadable template built from them."""

from __future__ import annotations

from functools import cache
from typing import IO

from import_export.widgets import DateWidget

from ..enums import EmploymentType, MemberStatus
from ..resources import TEMPLATE_HEADERS, TEXT_HEADERS, MemberResource
from apps.core.importing.template import write_import_template

REQUIRED = ("name", "id_number", "employment_type")  # columns a file must have
NO_NUMBERS = ("id_number", "bank_account")  # a number cell has already lost digits: refused
TEMPLATE_SHEET = "会员名册"


@cache
def import_fields() -> dict:
    """Resource field name → Field, for every column the import reads (not the export-only ones)."""
    return {name: f for name, f in MemberResource().fields.items() if not f.readonly}


@cache
def headers() -> dict[str, str]:
    """Resource field name → Chinese header."""
    return {name: f.column_name for name, f in import_fields().items()}


@cache
def date_fields() -> tuple[str, ...]:
    return tuple(name for name, f in import_fields().items() if isinstance(f.widget, DateWidget))


def widget(name: str):
    return import_fields()[name].widget


def write_template(target: str | IO[bytes]) -> None:
    """The empty template: headers on row 1; ID, phone, code and account columns are text."""
    write_import_template(target, sheet=TEMPLATE_SHEET, headers=TEMPLATE_HEADERS, text_headers=TEXT_HEADERS,
                          width=14, instructions=instructions())


def instructions() -> list[str]:
    employment = "、".join(str(label) for _, label in EmploymentType.choices)
    statuses = "、".join(str(label) for _, label in MemberStatus.choices)
    return [
        "会员名册导入说明",
        "1. 第一行是列标题，请勿修改或删除；从第二行起每行一名会员。只导入第一个工作表。",
        "2. 必填：姓名、身份证号、用工性质。",
        "3. 身份证号、银行账号必须是文本格式（本模板已设置），不要存为数字：数字格式会丢失末几位，导入时将被拒绝。",
        "4. 所属工会编码：留空则导入到导入时选择的基层工会；填写时须是您管理范围内的基层工会编码。",
        "5. 分工会：所属工会下的分工会或工会小组的名称（或编码），可留空。",
        f"6. 用工性质：{employment}。",
        f"7. 会籍状态（可选列）：{statuses}；不填即为在会。",
        "8. 日期（入会日期、从教日期）请填写日期，如 2020-09-01。",
        "9. 任何一行有错误，整个文件都不会导入；请按报告中的行号、列名修改后重新导入。",
    ]
