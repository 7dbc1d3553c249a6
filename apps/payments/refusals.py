"""Why a payment-batch action is not open to a user, in words (the admin shows it beside the
batch instead of a button that cannot be used, and answers the refused URL with it)."""

from __future__ import annotations

from .enums import BatchStatus
from .models import PaymentApproval, PaymentBatch
from .services import APPROVE_PERMISSION, approvals_needed


def approve_refusal(*, batch: PaymentBatch, user) -> str | None:
    """None when ``user`` may approve ``batch`` now; else the reason (the service's rules)."""
    if not user.has_perm(APPROVE_PERMISSION):
        return "审批需要支付审批人或市级管理员。"
    if batch.status != BatchStatus.SUBMITTED:
        return f"批次状态为「{batch.get_status_display()}」，只有待审批的批次可以审批。"
    if batch.created_by_id == user.pk:
        return "创建人不能审批本批次，需要另一位审批人。"
    if PaymentApproval.objects.filter(batch=batch, approver=user).exists():
        return "您已审批本批次，需要第二位审批人。"
    return None


def approval_state(batch: PaymentBatch) -> str:
    """How many approvals the batch has and needs, e.g. "需要 2 位审批人，已审批 1 位"."""
    needed = approvals_needed(batch)
    signed = PaymentApproval.objects.filter(batch=batch).count()
    text = f"需要 {needed} 位审批人，已审批 {signed} 位"
    if needed == 2:
        text += "（金额超过双人审批限额）"
    return text
