"""Excel out through the safe writer: hardship files (names masked unless revealed — no
export reveals them), applications and the love fund's book."""

from __future__ import annotations

from apps.core.audit import audit_record
from apps.core.excel import ANY, DATE, STRING, write_table, xlsx_attachment, xlsx_filename

from .models import mask_name


def files_xlsx_response(files, *, actor):
    headers = ["姓名", "所属工会", "困难程度", "状态", "建档日期", "最近复核", "下次复核"]
    rows = ([mask_name(f.member.name), f.organization.name, f.get_level_display(), f.get_status_display(),
             f.opened_on, f.last_reviewed_on, f.next_review_on] for f in files)
    kinds = [STRING, STRING, STRING, STRING, DATE, DATE, DATE]
    response, count = xlsx_attachment(
        lambda handle: write_table(handle, sheet="困难职工档案", headers=headers, rows=rows, kinds=kinds),
        xlsx_filename("困难职工档案"))
    audit_record(actor=actor, action="hardship.files_export", data={"rows": count})
    return response


def applications_xlsx_response(applications, *, actor):
    headers = ["姓名", "申报单位", "帮扶类型", "金额（元）", "申请日期", "状态"]
    rows = ([mask_name(a.member.name), a.organization.name, a.get_kind_display(), a.amount, a.applied_on,
             a.get_status_display()] for a in applications)
    kinds = [STRING, STRING, STRING, ANY, DATE, STRING]
    response, count = xlsx_attachment(
        lambda handle: write_table(handle, sheet="帮扶申请", headers=headers, rows=rows, kinds=kinds),
        xlsx_filename("帮扶申请"))
    audit_record(actor=actor, action="hardship.applications_export", data={"rows": count})
    return response
