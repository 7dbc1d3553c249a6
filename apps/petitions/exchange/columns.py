"""The 12351 platform's order list, column by column (the layout its 工单导出 produces and its
批量回传 accepts). The import reads the first block (the order as the platform received it);
the export fills every column, the second block with the unit's reply and the municipal
union's closure. Documented in the README; the template download is this layout."""

from __future__ import annotations

from typing import IO

from apps.core.importing.template import write_import_template

ORDER_NO, SOURCE, RECEIVED_AT, NAME, PHONE, ID_NUMBER, UNIT, CATEGORY, URGENCY, TITLE, CONTENT = (
    "工单编号", "来源", "受理时间", "诉求人", "联系电话", "身份证号", "所在单位", "诉求类别", "紧急程度", "诉求标题",
    "诉求内容")
STATUS, HANDLER, SIGNED_AT, REPLIED_AT, REPLY, CLOSED_AT, CALLBACK, NOTE = (
    "办理状态", "承办单位", "签收时间", "答复时间", "答复内容", "办结时间", "回访结果", "备注")

# The platform's columns, in its order.
PLATFORM_COLUMNS: tuple[str, ...] = (
    ORDER_NO, SOURCE, RECEIVED_AT, NAME, PHONE, ID_NUMBER, UNIT, CATEGORY, URGENCY, TITLE, CONTENT,
    STATUS, HANDLER, SIGNED_AT, REPLIED_AT, REPLY, CLOSED_AT, CALLBACK, NOTE,
)
ORDER_COLUMNS = PLATFORM_COLUMNS[:11]  # what the import reads; the rest are the platform's own
RESULT_COLUMNS = PLATFORM_COLUMNS[11:]  # what the export fills in for the upload back
REQUIRED = (ORDER_NO, RECEIVED_AT, NAME, CATEGORY, CONTENT)
TEXT_COLUMNS = (ORDER_NO, PHONE, ID_NUMBER)  # long digit strings: text cells
TEMPLATE_SHEET = "工单列表"
TEMPLATE_NAME = "12351平台工单导入模板.xlsx"


def instructions() -> list[str]:
    from ..models import Category

    tops = "、".join(Category.objects.filter(parent=None, is_active=True).values_list("name", flat=True))
    return [
        "12351 平台工单导入说明",
        "1. 本模板即 12351 职工服务平台“工单导出”的列布局，可直接导入平台导出的文件；第一行为列标题，只读第一个工作表。",
        f"2. 必填：{'、'.join(REQUIRED)}。工单编号、联系电话、身份证号须为文本格式（本模板已设置）。",
        "3. 来源：12351 或 12345（不填即 12351）。受理时间如 2025-09-29 09:15，不能晚于现在。",
        f"4. 诉求类别：一级类别（{tops}）或“一级类别/二级类别”（如 工资待遇/拖欠工资）。",
        "5. 脱敏的联系电话、身份证号（含 *）视为未填写。紧急程度：紧急、一般、复杂（不填即一般）。所在单位填写单位全称或单位编码，用于派单时推荐承办单位。",
        f"6. {'、'.join(RESULT_COLUMNS)} 为平台回传用的列，导入时忽略。",
        "7. 同一来源的同一工单编号只登记一次：重复导入同一文件不会产生新的工单，也不会改动已登记的工单。",
        "8. 任何一行有错误，整个文件都不会导入；请按报告中的行号、列名修改后重新导入。",
    ]


def write_template(target: str | IO[bytes]) -> None:
    """The empty template in the platform's layout."""
    write_import_template(target, sheet=TEMPLATE_SHEET, headers=PLATFORM_COLUMNS, text_headers=TEXT_COLUMNS,
                          width=16, instructions=instructions())
