"""Excel of a session's applicants, draw result and attendance, through the safe writer
(formula-safe; child ID numbers masked)."""

from __future__ import annotations

from apps.core.audit import audit_record
from apps.core.excel import ANY, STRING, write_table, xlsx_attachment, xlsx_filename

from .enums import ApplicationStatus
from .models import Application, Participation

KINDS = {"applicants": "报名名单", "draw": "抽签结果", "attendance": "签到名单"}


def _applicants(session):
    rows = Application.objects.filter(session=session).select_related("member", "organization").order_by("id")
    headers = ["报名号", "姓名", "单位", "状态", "候补序号", "占用单位名额", "子女姓名", "子女身份证号", "报名时间"]
    values = ([a.pk, a.member.name, a.organization.name, a.get_status_display(), a.wait_rank or "",
               "是" if a.via_quota else "", a.child_name, a.child_id_masked, a.applied_at.strftime("%Y-%m-%d %H:%M")]
              for a in rows.iterator(chunk_size=2000))
    return headers, values, [ANY, STRING, STRING, STRING, ANY, STRING, STRING, STRING, STRING], [7]


def _draw(session):
    result = session.draw_result or {}
    names = dict(Application.objects.filter(session=session).values_list("pk", "member__name"))
    order = [(pk, "中签", i + 1) for i, pk in enumerate(result.get("allocated", []))]
    order += [(pk, "候补", i + 1) for i, pk in enumerate(result.get("waitlist", []))]
    headers = ["报名号", "姓名", "结果", "序号", "抽签种子", "名单 SHA-256"]
    values = ([pk, names.get(pk, ""), what, rank, session.draw_seed, session.draw_hash] for pk, what, rank in order)
    return headers, values, [ANY, STRING, STRING, ANY, STRING, STRING], [4, 5]


def _attendance(session):
    rows = Participation.objects.filter(session=session).select_related("member__organization").order_by("id")
    headers = ["姓名", "单位", "签到方式", "日期"]
    values = ([p.member.name, p.member.organization.name, p.get_method_display(), p.attended_on.isoformat()]
              for p in rows.iterator(chunk_size=2000))
    return headers, values, [STRING, STRING, STRING, STRING], []


def session_xlsx_response(*, session, kind: str, actor):
    headers, values, kinds, text = {"applicants": _applicants, "draw": _draw, "attendance": _attendance}[kind](session)
    response, count = xlsx_attachment(
        lambda handle: write_table(handle, sheet=KINDS[kind], headers=headers, rows=values, kinds=kinds,
                                   text_columns=text),
        xlsx_filename(KINDS[kind], str(session)))
    audit_record(actor=actor, action="activities.export", target=session, organization=session.activity.organization,
                 data={"kind": kind, "rows": count})
    return response


WITHDRAWN = ApplicationStatus.WITHDRAWN
