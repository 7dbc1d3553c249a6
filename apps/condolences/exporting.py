"""Excel out, through the safe writer (``apps/core/excel.py``), masked by default:

* the sign-off sheet (签收表) of a unit's goods list, in the official printable layout —
  merged title, borders, A4 portrait, header rows repeated on every page, footer
  「第 &P 页 共 &N 页」, a signature column;
* the grants of a campaign (慰问发放明细)."""

from __future__ import annotations

from typing import IO

from apps.core.excel import SafeXlsxWriter, is_dangerous, write_table
from apps.members.masking import mask_id

from .enums import Category, Form, Kind
from .models import Distribution, Grant

SHEET_HEADERS = ("序号", "姓名", "身份证号", "所属分工会", "慰问品", "数量", "签收人签字", "签收日期")
SHEET_WIDTHS = (6, 10, 22, 18, 16, 6, 16, 12)


class SignOffSheetWriter(SafeXlsxWriter):
    """The safe writer's workbook (no formulas, strings stay strings) with the official layout."""

    def __init__(self, target, *, title: str, subtitle: str):
        super().__init__(target, sheet="签收表", headers=())
        book, sheet = self.book, self.sheet
        self.title_fmt = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        self.sub_fmt = book.add_format({"font_size": 11, "align": "left", "valign": "vcenter"})
        self.head_fmt = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                         "bg_color": "#F2F2F2", "text_wrap": True})
        self.cell_fmt = book.add_format({"border": 1, "valign": "vcenter", "num_format": "@"})
        self.cell_quoted = book.add_format({"border": 1, "valign": "vcenter", "num_format": "@", "quote_prefix": True})
        for col, width in enumerate(SHEET_WIDTHS):
            sheet.set_column(col, col, width)
        last = len(SHEET_HEADERS) - 1
        sheet.set_row(0, 30)
        sheet.merge_range(0, 0, 0, last, title, self.title_fmt)
        sheet.merge_range(1, 0, 1, last, subtitle, self.sub_fmt)
        for col, header in enumerate(SHEET_HEADERS):
            sheet.write_string(2, col, header, self.head_fmt)
        sheet.freeze_panes(3, 0)
        sheet.set_paper(9)  # A4
        sheet.set_portrait()
        sheet.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0, 2)
        sheet.set_footer("&C第 &P 页 共 &N 页")
        sheet.center_horizontally()
        self.row = 3

    def cell(self, col: int, value) -> None:
        if value is None or value == "":
            self.sheet.write_blank(self.row, col, None, self.cell_fmt)
        elif isinstance(value, int) and not isinstance(value, bool):
            self.sheet.write_number(self.row, col, value, self.cell_fmt)
        else:
            text = str(value)
            self.sheet.write_string(self.row, col, text, self.cell_quoted if is_dangerous(text) else self.cell_fmt)

    def line(self, values) -> None:
        self.sheet.set_row(self.row, 24)
        for col, value in enumerate(values):
            self.cell(col, value)
        self.row += 1


def signoff_sheet(distribution: Distribution, handle: IO[bytes]) -> int:
    """The printable sign-off sheet of one unit's goods list (ID numbers masked)."""
    campaign = distribution.campaign
    grants = (Grant.objects.filter(distribution=distribution).select_related("member__branch")
              .order_by("member__branch__path", "member__name", "member_id"))
    writer = SignOffSheetWriter(handle, title=f"{campaign.title} 慰问品签收表",
                                subtitle=f"领取单位：{distribution.unit.name}　　发放单位：{campaign.organization.name}"
                                         f"　　日期：{campaign.date:%Y年%m月%d日}　　共 {distribution.people} 人")
    count = 0
    try:
        for count, grant in enumerate(grants, start=1):
            writer.line((count, grant.member.name, mask_id(grant.member.id_number),
                         grant.member.branch.name if grant.member.branch else "", grant.item_name, grant.quantity,
                         "", ""))
        writer.sheet.write_string(writer.row + 1, 0, "经办人：　　　　　　　　负责人：　　　　　　　　（单位盖章）")
    finally:
        writer.close()
    return count


GRANT_HEADERS = ("姓名", "身份证号", "所属工会", "类别", "慰问类型", "形式", "金额或价值（元）", "慰问品", "数量",
                 "发放批次", "签收时间")


def grants_xlsx(grants, handle: IO[bytes]) -> int:
    """A campaign's (or any) grants, ID numbers masked."""
    categories, kinds, forms = dict(Category.choices), dict(Kind.choices), dict(Form.choices)
    rows = ((g.member.name, mask_id(g.member.id_number), g.unit.name, categories.get(g.category, ""),
             kinds.get(g.kind, ""), forms.get(g.form, ""), g.amount, g.item_name, g.quantity or "",
             g.batch_id or "", g.received_at) for g in grants.select_related("member", "unit").iterator(chunk_size=2000))
    return write_table(handle, sheet="慰问发放明细", headers=GRANT_HEADERS, rows=rows,
                       kinds=("string", "string", "string", "string", "string", "string", "any", "string", "any",
                              "any", "any"), text_columns=(1,))
