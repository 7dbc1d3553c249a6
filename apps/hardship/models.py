"""Hardship files (困难职工档案), their yearly reviews, assistance applications (帮扶申请) with
their evidence, and the love fund (爱心基金) with its book of donations and grants.

A file and an application belong to the member's union (``organization``): visible in its
subtree and to the municipal union only. ``id_hash`` (the member's keyed ID hash) finds the
same person across units and transfers for the duplicate-aid check."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import EncryptedTextField
from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from .enums import AidKind, ApplicationStatus, DonorKind, EntryKind, FileStatus, HardshipLevel


def mask_name(name: str) -> str:
    """张*明 / 李*: the family name and (for three or more characters) the last one."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


class HardshipFile(ScopedModelMixin, models.Model):
    """One member's hardship file. At most one open file per person (by ID hash)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="hardship_files",
                               verbose_name=_("会员"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="hardship_files", verbose_name=_("所属工会"))
    id_hash = models.CharField(_("身份证号索引"), max_length=64, db_index=True, editable=False)
    level = models.CharField(_("困难程度"), max_length=16, choices=HardshipLevel.choices)
    causes = EncryptedTextField(_("致困原因"))
    household_size = models.PositiveSmallIntegerField(_("家庭人口"))
    household_income = models.DecimalField(_("家庭年收入（元）"), max_digits=12, decimal_places=2)
    status = models.CharField(_("状态"), max_length=16, choices=FileStatus.choices, default=FileStatus.OPEN,
                              db_index=True)
    opened_on = models.DateField(_("建档日期"))
    last_reviewed_on = models.DateField(_("最近复核日期"))
    next_review_on = models.DateField(_("下次复核日期"))
    closed_on = models.DateField(_("销档日期"), null=True, blank=True)
    close_reason = models.CharField(_("销档原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("建档人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        ordering = ["organization__path", "-opened_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_hash"], condition=Q(status="open"),
                                    name="hardship_one_open_file_per_person"),
            models.CheckConstraint(condition=Q(household_income__gte=0), name="hardship_income_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{mask_name(self.member.name)} {self.get_level_display()}"

    @property
    def per_capita_income(self) -> Decimal:
        return (self.household_income / max(self.household_size, 1)).quantize(Decimal("0.01"))


class HardshipReview(models.Model):
    """A review of a file (建档, 年度复核, 销档, 重新建档): the facts found on that date."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="reviews",
                             verbose_name=_("档案"))
    reviewed_on = models.DateField(_("复核日期"))
    level = models.CharField(_("困难程度"), max_length=16, choices=HardshipLevel.choices)
    household_size = models.PositiveSmallIntegerField(_("家庭人口"))
    household_income = models.DecimalField(_("家庭年收入（元）"), max_digits=12, decimal_places=2)
    still_in_hardship = models.BooleanField(_("仍属困难"), default=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("复核人"))

    objects = ScopedManager(path="file__organization__path")

    class Meta:
        verbose_name = _("档案复核")
        verbose_name_plural = _("档案复核")
        ordering = ["file", "reviewed_on", "id"]

    def __str__(self) -> str:
        return f"{self.reviewed_on:%Y-%m-%d} {self.get_level_display()}"


class LoveFund(ScopedModelMixin, models.Model):
    """A love fund (爱心基金) kept by a union. Its balance never goes below zero: the database
    refuses it, and ``fund_grant`` checks it under the fund's row lock."""

    organization = models.OneToOneField("organizations.Organization", on_delete=models.PROTECT,
                                        related_name="love_fund", verbose_name=_("管理单位"))
    name = models.CharField(_("名称"), max_length=100)
    balance = models.DecimalField(_("余额（元）"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    donations_total = models.DecimalField(_("累计捐赠"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    grants_total = models.DecimalField(_("累计支出"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    created_at = models.DateTimeField(_("设立时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("爱心基金")
        verbose_name_plural = _("爱心基金")
        ordering = ["organization__path"]
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="hardship_fund_balance_not_negative")]

    def __str__(self) -> str:
        return self.name


class AidApplication(ScopedModelMixin, models.Model):
    """An assistance application (帮扶申请), filed by the member's union. Status moves only
    through ``application_transition``."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="aid_applications",
                               verbose_name=_("会员"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="aid_applications", verbose_name=_("申报单位"))
    id_hash = models.CharField(_("身份证号索引"), max_length=64, db_index=True, editable=False)
    file = models.ForeignKey(HardshipFile, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="applications", verbose_name=_("困难档案"))
    fund = models.ForeignKey(LoveFund, on_delete=models.PROTECT, related_name="applications",
                             verbose_name=_("资金来源（爱心基金）"))
    kind = models.CharField(_("帮扶类型"), max_length=16, choices=AidKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    reason = models.TextField(_("申请事由"))
    applied_on = models.DateField(_("申请日期"))
    status = models.CharField(_("状态"), max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED, db_index=True)
    unit_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+", verbose_name=_("单位审核人"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("批准人"))
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    reject_reason = models.CharField(_("驳回原因"), max_length=200, blank=True)
    batch = models.ForeignKey("payments.PaymentBatch", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("发放批次"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("经办人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("帮扶申请")
        verbose_name_plural = _("帮扶申请")
        ordering = ["-applied_on", "-id"]
        permissions = [("approve_municipal", "市级审批帮扶申请")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="hardship_amount_positive")]
        indexes = [models.Index(fields=["id_hash", "kind", "applied_on"])]

    def __str__(self) -> str:
        return f"{mask_name(self.member.name)} {self.get_kind_display()} {self.amount}"


class AidEvidence(models.Model):
    """A document proving an application (PDF/DOCX through the one uploads module)."""

    application = models.ForeignKey(AidApplication, on_delete=models.CASCADE, related_name="evidence",
                                    verbose_name=_("帮扶申请"))
    file = models.FileField(_("文件"), upload_to="hardship/%Y/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager(path="application__organization__path")

    class Meta:
        verbose_name = _("帮扶证明材料")
        verbose_name_plural = _("帮扶证明材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class FundEntry(models.Model):
    """One line of a love fund's book: a donation in (with its receipt number) or a grant
    out (for one approved application, once)."""

    fund = models.ForeignKey(LoveFund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("爱心基金"))
    kind = models.CharField(_("类型"), max_length=16, choices=EntryKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    balance_after = models.DecimalField(_("结余（元）"), max_digits=14, decimal_places=2)
    donor_kind = models.CharField(_("捐赠方类型"), max_length=16, choices=DonorKind.choices, blank=True)
    donor_name = models.CharField(_("捐赠方"), max_length=100, blank=True)
    donor_unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("捐赠单位"))
    receipt_no = models.CharField(_("收据编号"), max_length=40, blank=True)
    application = models.OneToOneField(AidApplication, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="grant", verbose_name=_("帮扶申请"))
    on_date = models.DateField(_("日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("经办人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager(path="fund__organization__path")

    class Meta:
        verbose_name = _("爱心基金收支")
        verbose_name_plural = _("爱心基金收支")
        ordering = ["-on_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="hardship_entry_amount_positive"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="hardship_entry_balance_not_negative"),
            models.UniqueConstraint(fields=["fund", "receipt_no"], condition=~Q(receipt_no=""),
                                    name="hardship_receipt_unique_per_fund"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
