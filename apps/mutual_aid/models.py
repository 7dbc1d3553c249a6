"""Mutual-aid plans (职工互助保障: city-wide data), enrolments per unit and year, and claims
with their evidence. An enrolment and a claim belong to the enrolling unit (scoped)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from .enums import BenefitRule, ClaimStatus, Eligibility, EnrolmentSource


class Plan(models.Model):
    """A plan as data: the yearly contribution per person, the benefit rule and the yearly cap
    per person. Kept by the municipal union (city-wide reference data, like categories)."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    contribution = models.DecimalField(_("每人每年缴费（元）"), max_digits=8, decimal_places=2)
    rule = models.CharField(_("给付规则"), max_length=16, choices=BenefitRule.choices)
    per_day = models.DecimalField(_("每住院日给付（元）"), max_digits=8, decimal_places=2, default=Decimal("0"))
    min_days = models.PositiveSmallIntegerField(_("起付住院天数"), default=1)
    fixed_sum = models.DecimalField(_("确诊定额给付（元）"), max_digits=10, decimal_places=2, default=Decimal("0"))
    yearly_cap = models.DecimalField(_("每人每年给付上限（元）"), max_digits=10, decimal_places=2)
    eligibility = models.CharField(_("参保对象"), max_length=16, choices=Eligibility.choices, default=Eligibility.ALL)
    is_active = models.BooleanField(_("启用"), default=True)
    rank = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("互助保障计划")
        verbose_name_plural = _("互助保障计划")
        ordering = ["rank", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(yearly_cap__gt=0), name="mutual_aid_cap_positive"),
            models.CheckConstraint(condition=Q(contribution__gte=0), name="mutual_aid_contribution_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(ScopedModelMixin, models.Model):
    """A member enrolled in a plan for a year by a unit (once per plan and year, city-wide)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("计划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="aid_enrolments",
                               verbose_name=_("会员"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="aid_enrolments", verbose_name=_("参保单位"))
    contribution = models.DecimalField(_("缴费（元）"), max_digits=8, decimal_places=2)
    source = models.CharField(_("来源"), max_length=16, choices=EnrolmentSource.choices)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("经办人"))
    enrolled_at = models.DateTimeField(_("参保时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("参保登记")
        verbose_name_plural = _("参保登记")
        ordering = ["-year", "plan__rank", "organization__path", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "year", "member"], name="mutual_aid_enrol_once")]
        indexes = [models.Index(fields=["organization", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.plan.name} {self.member.name}"


class Claim(ScopedModelMixin, models.Model):
    """A claim (互助金申请) filed by the unit for an enrolled member. The amount is the plan's
    rule capped by what is left of the yearly cap. Status moves only through
    ``claim_transition``."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="claims", verbose_name=_("计划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="claims",
                                  verbose_name=_("参保登记"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="aid_claims",
                               verbose_name=_("会员"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="aid_claims", verbose_name=_("申报单位"))
    event_date = models.DateField(_("出险日期"))
    days = models.PositiveSmallIntegerField(_("住院天数"), null=True, blank=True)
    diagnosis = models.CharField(_("诊断"), max_length=200)
    computed_amount = models.DecimalField(_("按规则计算（元）"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("给付金额（元）"), max_digits=10, decimal_places=2)
    status = models.CharField(_("状态"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED,
                              db_index=True)
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
        verbose_name = _("互助金申请")
        verbose_name_plural = _("互助金申请")
        ordering = ["-event_date", "-id"]
        permissions = [("approve_municipal", "市级审批互助金")]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="mutual_aid_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.plan.name} {self.member.name} {self.amount}"


class ClaimEvidence(models.Model):
    """A document proving a claim (PDF/DOCX through the one uploads module)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("互助金申请"))
    file = models.FileField(_("文件"), upload_to="mutual_aid/%Y/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager(path="claim__organization__path")

    class Meta:
        verbose_name = _("互助金证明材料")
        verbose_name_plural = _("互助金证明材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
