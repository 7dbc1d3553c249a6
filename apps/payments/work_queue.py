"""What payments put in the work queue (apps/core/work_queue.py): batches to submit, to approve,
to disburse, in the acting subtree. One aggregate query whatever the number of batches."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from apps.accounts.permissions import APPROVE_PAYMENT_BATCH, DISBURSE_PAYMENT_BATCH
from apps.core.work_queue import QueueItem

from .enums import BatchStatus
from .models import PaymentApproval, PaymentBatch

SECTION = "资金发放"


def payments_queue(user) -> list[QueueItem]:
    maker = user.has_perm("payments.add_paymentbatch")
    checker = user.has_perm(APPROVE_PAYMENT_BATCH)
    disburser = user.has_perm(DISBURSE_PAYMENT_BATCH)
    if not (maker or checker or disburser):
        return []
    mine = PaymentApproval.objects.filter(batch=OuterRef("pk"), approver=user)
    counts = PaymentBatch.objects.annotate(approved_by_me=Exists(mine)).aggregate(  # scoped: the acting subtree
        drafts=Count("id", filter=Q(status=BatchStatus.DRAFT)),
        to_approve=Count("id", filter=Q(status=BatchStatus.SUBMITTED, approved_by_me=False)
                         & ~Q(created_by=user)),
        to_disburse=Count("id", filter=Q(status=BatchStatus.APPROVED)),
        running=Count("id", filter=Q(status=BatchStatus.DISBURSING)),
    )
    changelist = reverse("admin:payments_paymentbatch_changelist")
    items = []
    if maker:
        items.append(QueueItem("待提交的发放批次", counts["drafts"], f"{changelist}?status__exact=draft",
                               "草稿，核对明细后提交审批", SECTION))
    if checker:
        items.append(QueueItem("待我审批的发放批次", counts["to_approve"], f"{changelist}?status__exact=submitted",
                               "创建人以外的审批人审批；超过限额需两位", SECTION))
    if disburser:
        items.append(QueueItem("待发放的批次", counts["to_disburse"], f"{changelist}?status__exact=approved",
                               "已审批，可开始发放", SECTION))
    items.append(QueueItem("发放中的批次", counts["running"], f"{changelist}?status__exact=disbursing",
                           "进度在批次页面实时显示", SECTION))
    return items
