"""Excel out through the safe writer: the rates table."""

from __future__ import annotations

from apps.core.audit import audit_record
from apps.core.excel import ANY, STRING, write_table, xlsx_attachment, xlsx_filename

from .selectors import RateRow

GROUP_HEADERS = {"unit": "承办单位", "month": "月份", "category": "分类"}
RATE_HEADERS = ["受理件数", "办结件数", "回访件数", "响应率(%)", "解决率(%)", "满意率(%)", "办结率(%)",
                "平均答复用时(工作小时)", "超期件数"]


def rates_xlsx_response(rows: list[RateRow], *, by: tuple[str, ...], actor):
    headers = [GROUP_HEADERS[g] for g in by] + RATE_HEADERS
    values = ([*(r.labels[g] for g in by), r.received, r.closed, r.callbacks, r.response_rate, r.solve_rate,
               r.satisfaction_rate, r.close_rate, r.avg_reply_hours, r.overdue] for r in rows)
    kinds = [STRING] * len(by) + [ANY] * len(RATE_HEADERS)
    response, count = xlsx_attachment(
        lambda handle: write_table(handle, sheet="诉求办理指标", headers=headers, rows=values, kinds=kinds),
        xlsx_filename("诉求办理指标"))
    audit_record(actor=actor, action="petitions.rates_export", data={"by": list(by), "rows": count})
    return response
