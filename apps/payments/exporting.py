"""Excel exports of payment batches and their items: the safe export path of the members.

* Written with ``SafeXlsxWriter``: strings are string cells (a formula in a title or a
  name stays literal text), references and accounts are Text cells, amounts are numbers.
* The member's ID is always masked; the bank account is masked unless ``reveal`` — which
  needs ``members.reveal_personal_data`` — and every export is one audit entry (with
  ``reveal: true`` it is the record of a reveal).
* Querysets come from the caller, already scoped (admin, API): nothing here widens them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from apps.core.audit import audit_record
from apps.core.excel import ANY, DATE, STRING, write_table, xlsx_attachment, xlsx_filename
from apps.members.exporting import acting_unit, reveal_reason
from apps.members.masking import mask_account, mask_id
from apps.members.services import REVEAL_PERMISSION

from .enums import BatchPurpose, BatchStatus, ItemStatus
from .models import PaymentBatch, PaymentItem

CHUNK = 2000

# (header, kind, width); the reference and the account are Text columns.
ITEM_COLUMNS = (
    ("批次", STRING, 28), ("银行流水参考号", STRING, 38), ("姓名", STRING, 12), ("身份证号", STRING, 22),
    ("金额（元）", ANY, 12), ("开户银行", STRING, 24), ("银行账号", STRING, 24), ("状态", STRING, 10),
    ("失败原因", STRING, 24), ("到账时间", DATE, 18),
)
ITEM_TEXT_COLUMNS = (1, 3, 6)

BATCH_COLUMNS = (
    ("标题", STRING, 30), ("用途", STRING, 12), ("发放单位", STRING, 26), ("状态", STRING, 10), ("笔数", ANY, 8),
    ("总金额（元）", ANY, 14), ("创建人", STRING, 14), ("创建时间", DATE, 18), ("提交时间", DATE, 18),
    ("审批时间", DATE, 18), ("开始发放时间", DATE, 18), ("完成时间", DATE, 18), ("撤销时间", DATE, 18),
)


def _local(value):
    return timezone.localtime(value) if value is not None else None


def _write(target: str | IO[bytes], *, sheet: str, columns, rows, text_columns=()) -> int:
    return write_table(target, sheet=sheet, headers=[c[0] for c in columns], rows=rows,
                       kinds=[c[1] for c in columns], text_columns=text_columns, widths=[c[2] for c in columns])


# --- items ---------------------------------------------------------------------------------


def _item_rows(batch: PaymentBatch, *, reveal: bool) -> Iterator[tuple]:
    statuses = dict(ItemStatus.choices)
    items = (PaymentItem.objects.filter(batch=batch).order_by("id")
             .values_list("bank_reference", "member__name", "member__id_number", "amount", "bank_name",
                          "member__bank_name", "bank_account", "member__bank_account", "status",
                          "failure_reason", "settled_at"))
    for ref, name, id_number, amount, bank, member_bank, account, member_account, state, reason, settled in (
            items.iterator(chunk_size=CHUNK)):
        # Before approval the item holds no frozen account yet: the member's current one.
        account = account or member_account or ""
        yield (batch.title, str(ref), name, mask_id(id_number or ""), amount, bank or member_bank,
               account if reveal else mask_account(account), statuses.get(state, state), reason,
               _local(settled) if state == ItemStatus.PAID else None)


def export_items_xlsx(batch: PaymentBatch, target: str | IO[bytes], *, reveal: bool = False) -> int:
    """The batch's items to ``target``; returns the number of rows."""
    return _write(target, sheet="发放明细", columns=ITEM_COLUMNS, rows=_item_rows(batch, reveal=reveal),
                  text_columns=ITEM_TEXT_COLUMNS)


# --- batches -------------------------------------------------------------------------------


def _batch_rows(queryset) -> Iterator[tuple]:
    purposes, statuses = dict(BatchPurpose.choices), dict(BatchStatus.choices)
    rows = queryset.order_by("-created_at", "-id").values_list(
        "title", "purpose", "organization__name", "status", "item_count", "total_amount",
        "created_by__username", "created_at", "submitted_at", "approved_at", "disbursed_at", "finished_at", "cancelled_at")
    for title, purpose, unit, state, count, total, creator, *dates in rows.iterator(chunk_size=CHUNK):
        yield (title, purposes.get(purpose, purpose), unit, statuses.get(state, state), count, total, creator,
               *(_local(d) for d in dates))


def export_batches_xlsx(queryset, target: str | IO[bytes]) -> int:
    """``queryset`` (batches, already scoped and filtered) to ``target``; returns the rows."""
    return _write(target, sheet="发放批次", columns=BATCH_COLUMNS, rows=_batch_rows(queryset))


# --- responses and the audit trail ---------------------------------------------------------


def items_export_response(*, batch: PaymentBatch, actor, reveal: bool = False, via: str,
                          reason: str = "") -> FileResponse:
    """The items of ``batch`` (already fetched through the scope) as an attachment, audited.
    Full accounts need the reveal permission (``PermissionDenied`` otherwise) and a reason."""
    if reveal and not actor.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied("您没有导出完整银行账号的权限。")
    reason = reveal_reason(reason) if reveal else ""
    response, rows = xlsx_attachment(lambda handle: export_items_xlsx(batch, handle, reveal=reveal),
                                     xlsx_filename("发放明细", batch.title))
    audit_record(actor=actor, action="payment_batch.export_items", target=batch,
                 data={"reveal": bool(reveal), "rows": rows, "via": via, **({"reason": reason} if reveal else {})})
    if reveal:
        add_never_cache_headers(response)
    return response


def batches_export_response(*, queryset, actor, via: str) -> FileResponse:
    """The batches of ``queryset`` (already scoped) as an attachment, audited."""
    unit = acting_unit(actor)
    label = (unit.short_name or unit.name) if unit is not None else ""
    response, rows = xlsx_attachment(lambda handle: export_batches_xlsx(queryset, handle),
                                     xlsx_filename("发放批次", label))
    audit_record(actor=actor, action="payment_batch.export", target=unit, organization=unit,
                 data={"rows": rows, "via": via})
    return response
