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


# The batch page's other buttons: who may press them (a permission and its holders, in words)
# and in which states. The admin's ``has_<action>_permission`` reads the same table.
ACTION_RULES: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    # action: (permission, who holds it, statuses, verb)
    "submit": ("payments.change_paymentbatch", "单位管理员或经办人", (BatchStatus.DRAFT,), "提交审批"),
    "cancel": ("payments.change_paymentbatch", "单位管理员或经办人",
               (BatchStatus.DRAFT, BatchStatus.SUBMITTED), "撤销"),
    "disburse": ("payments.disburse_paymentbatch", "单位管理员或市级管理员", (BatchStatus.APPROVED,), "发放"),
    "return_file": ("payments.disburse_paymentbatch", "单位管理员或市级管理员", (BatchStatus.DISBURSING,),
                    "上传回盘文件"),
    "reissue": ("payments.change_paymentbatch", "单位管理员或经办人", (BatchStatus.COMPLETED_WITH_FAILURES,),
                "重新发放失败项"),
}


def action_allowed(*, batch: PaymentBatch, user, action: str) -> bool:
    return action_refusal(batch=batch, user=user, action=action) is None


def action_refusal(*, batch: PaymentBatch, user, action: str) -> str | None:
    """None when ``user`` may press ``action`` on ``batch`` now; else why not, in words."""
    if action == "approve":
        return approve_refusal(batch=batch, user=user)
    permission, holders, statuses, verb = ACTION_RULES[action]
    if not user.has_perm(permission):
        return f"{verb}需要{holders}。"
    if batch.status not in statuses:
        allowed = "、".join(f"「{BatchStatus(s).label}」" for s in statuses)
        return f"批次状态为「{batch.get_status_display()}」，只有{allowed}的批次可以{verb}。"
    return None
