"""Export of replies and closure results in the platform's layout (for the upload back to
12351 / 12345), through the safe writer. The petitioner's phone and ID are masked unless
the export is revealed: a permission, a reason and an audit entry, like every reveal."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.excel import ANY, STRING, write_table, xlsx_attachment, xlsx_filename

from ..enums import CaseStatus, Satisfaction, Source
from ..models import Case
from ..services import REVEAL_PERMISSION
from .columns import ID_NUMBER, ORDER_NO, PHONE, PLATFORM_COLUMNS

AUDIT_ACTION = "petitions.platform_export"
EXPORTED_STATUSES = (CaseStatus.REPLIED, CaseStatus.CLOSED, CaseStatus.VISITED)
PLATFORM_SOURCE_VALUES = (Source.P12351, Source.P12345)
TIME_COLUMNS = {"受理时间", "签收时间", "答复时间", "办结时间"}


def platform_results(*, start: dt.date | None = None, end: dt.date | None = None,
                     source: str = "") -> QuerySet:
    """The acting scope's platform orders with a reply (答复, 办结, 回访), by receipt."""
    qs = Case.objects.filter(source__in=[source] if source else PLATFORM_SOURCE_VALUES,
                             status__in=EXPORTED_STATUSES)
    if start:
        qs = qs.filter(received_at__date__gte=start)
    if end:
        qs = qs.filter(received_at__date__lt=end)
    return qs.select_related("organization", "petitioner_unit", "category__parent").order_by("received_at", "id")


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _callback(case: Case) -> str:
    if not case.satisfaction:
        return ""
    solved = "" if case.solved is None else ("（已解决）" if case.solved else "（未解决）")
    return f"{Satisfaction(case.satisfaction).label}{solved}"


def _row(case: Case, *, reveal: bool) -> list:
    phone = case.petitioner_phone if reveal else case.phone_masked
    id_number = case.petitioner_id_number if reveal else case.id_number_masked
    return [case.order_no, case.source, _local(case.received_at), case.petitioner_name, phone, id_number,
            case.petitioner_unit.name if case.petitioner_unit_id else "", str(case.category).replace(" › ", "/"),
            case.get_urgency_display(), case.title, case.content, case.get_status_display(), case.organization.name,
            _local(case.signed_at), _local(case.replied_at), case.reply_text, _local(case.closed_at),
            _callback(case), ""]


def check_reveal(*, actor, reason: str) -> str:
    """The reason of a revealed export, or ValidationError / PermissionDenied."""
    reason = (reason or "").strip()
    if not actor.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied("您没有查看诉求人完整信息的权限。")
    if not reason:
        raise ValidationError({"reason": ["导出完整联系电话和身份证号须填写原因。"]})
    return reason


def platform_results_response(*, actor, start=None, end=None, source: str = "", reveal: bool = False,
                              reason: str = ""):
    """The .xlsx attachment; one audit entry (rows, filters, and whether and why revealed)."""
    if reveal:
        reason = check_reveal(actor=actor, reason=reason)
    cases = platform_results(start=start, end=end, source=source)
    text_columns = [PLATFORM_COLUMNS.index(h) for h in (ORDER_NO, PHONE, ID_NUMBER)]
    kinds = [ANY if h in TIME_COLUMNS else STRING for h in PLATFORM_COLUMNS]
    rows = (_row(case, reveal=reveal) for case in cases.iterator(chunk_size=1000))
    response, count = xlsx_attachment(
        lambda handle: write_table(handle, sheet="工单办理结果", headers=PLATFORM_COLUMNS, rows=rows, kinds=kinds,
                                   text_columns=text_columns),
        xlsx_filename("12351平台回传", "完整" if reveal else ""))
    audit_record(actor=actor, action=AUDIT_ACTION, data={
        "rows": count, "start": start.isoformat() if start else "", "end": end.isoformat() if end else "",
        "source": source, "reveal": reveal, "reason": reason if reveal else ""})
    return response
