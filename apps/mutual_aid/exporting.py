"""Excel out through the safe writer: enrolments and claims (no ID numbers or accounts)."""

from __future__ import annotations

from apps.core.audit import audit_record
from apps.core.excel import ANY, DATE, STRING, write_table, xlsx_attachment, xlsx_filename


def enrolments_xlsx_response(enrolments, *, actor):
    headers = ["年度", "计划", "姓名", "参保单位", "缴费（元）", "来源"]
    rows = ([e.year, e.plan.name, e.member.name, e.organization.name, e.contribution, e.get_source_display()]
            for e in enrolments.iterator(chunk_size=2000))
    kinds = [ANY, STRING, STRING, STRING, ANY, STRING]
    response, count = xlsx_attachment(
        lambda handle: write_table(handle, sheet="参保名单", headers=headers, rows=rows, kinds=kinds),
        xlsx_filename("互助保障参保名单"))
    audit_record(actor=actor, action="mutual_aid.enrolments_export", data={"rows": count})
    return response


def claims_xlsx_response(claims, *, actor):
    headers = ["计划", "姓名", "申报单位", "出险日期", "住院天数", "按规则计算（元）", "给付金额（元）", "状态"]
    rows = ([c.plan.name, c.member.name, c.organization.name, c.event_date, c.days, c.computed_amount, c.amount,
             c.get_status_display()] for c in claims)
    kinds = [STRING, STRING, STRING, DATE, ANY, ANY, ANY, STRING]
    response, count = xlsx_attachment(
        lambda handle: write_table(handle, sheet="互助金申请", headers=headers, rows=rows, kinds=kinds),
        xlsx_filename("互助金申请"))
    audit_record(actor=actor, action="mutual_aid.claims_export", data={"rows": count})
    return response
