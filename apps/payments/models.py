"""Payment batches and their items, plus the simulated bank's own ledger (demo and tests)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import EncryptedTextField
from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager
from apps.members.masking import mask_account

from .enums import BatchPurpose, BatchStatus, ItemStatus, TransferOutcome

MONEY = {"max_digits": 12, "decimal_places": 2}


class PaymentBatch(ScopedModelMixin, models.Model):
    """One disbursement: its items are paid by one paying unit, after four-eyes approval."""

    title = models.CharField(_("标题"), max_length=200)
    purpose = models.CharField(_("用途"), max_length=32, choices=BatchPurpose.choices)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="payment_batches",
        verbose_name=_("发放单位"),
    )
    # The record that produced the batch (an honour, a welfare campaign, a competition …).
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("来源类型"))
    source_id = models.CharField(_("来源编号"), max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    status = models.CharField(_("状态"), max_length=32, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    item_count = models.PositiveIntegerField(_("笔数"), default=0)
    total_amount = models.DecimalField(_("总金额（元）"), default=Decimal("0.00"), **MONEY)
    reissue_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="reissues", verbose_name=_("补发自"))
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name=_("发放任务"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    disbursed_at = models.DateTimeField(_("开始发放时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("发放批次")
        verbose_name_plural = _("发放批次")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("approve_paymentbatch", "审批发放批次"),
            ("disburse_paymentbatch", "执行发放批次"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(total_amount__gte=0), name="payment_batch_total_not_negative"),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"


class PaymentApproval(ScopedModelMixin, models.Model):
    """One approver's sign-off; a large batch needs two distinct ones."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="approvals",
                              verbose_name=_("批次"))
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("审批人"))
    created_at = models.DateTimeField(_("审批时间"), auto_now_add=True)

    objects = ScopedManager(path="batch__organization__path")

    class Meta:
        verbose_name = _("审批记录")
        verbose_name_plural = _("审批记录")
        ordering = ["batch_id", "created_at"]
        constraints = [models.UniqueConstraint(fields=["batch", "approver"], name="one_approval_per_approver")]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.approver_id}"


class PaymentItem(ScopedModelMixin, models.Model):
    """One payee of a batch. ``bank_reference`` is the idempotency key sent to the bank."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.CASCADE, related_name="items", verbose_name=_("批次"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="payment_items",
                               verbose_name=_("会员"))
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    # Frozen (copied from the member) at approval; encrypted like the member's own.
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account = EncryptedTextField(_("银行账号"), blank=True)
    bank_reference = models.UUIDField(_("银行流水参考号"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    reissue_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="reissued_as", verbose_name=_("补发自"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    settled_at = models.DateTimeField(_("结果时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ScopedManager(path="batch__organization__path")

    class Meta:
        verbose_name = _("发放明细")
        verbose_name_plural = _("发放明细")
        ordering = ["batch_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "member"], name="one_item_per_member_per_batch"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_item_amount_positive"),
        ]
        indexes = [models.Index(fields=["batch", "status", "id"])]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.amount}"

    @property
    def bank_account_masked(self) -> str:
        return mask_account(self.bank_account)


class SimulatedBankTransfer(models.Model):
    """The simulated bank's ledger (demo and tests): conceptually outside the portal.

    One row per bank reference (UNIQUE): the bank never executes a reference twice.
    It is written in its own autocommit statement, never inside the portal's transaction,
    so it survives a worker kill exactly like a real bank's books would.
    """

    bank_reference = models.UUIDField(_("银行流水参考号"), unique=True)
    memo = models.CharField(_("附言"), max_length=64, db_index=True)
    account_masked = models.CharField(_("收款账号"), max_length=40)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    outcome = models.CharField(_("结果"), max_length=16, choices=TransferOutcome.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("模拟银行流水")
        verbose_name_plural = _("模拟银行流水")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.bank_reference} {self.outcome}"
