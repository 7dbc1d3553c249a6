"""Condolence policies (city-wide data, versioned by date), campaigns, individual occasions,
goods distributions and the ledger of what each person received (``Grant``).

``Grant`` is the one record of "this person received this condolence": the caps count it
(per person by the ID's keyed hash, kind and calendar year, across every campaign and paying unit), the member's own page lists it, the ledgers that come later sum it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from .enums import CampaignStatus, Form, Kind, OccasionStatus, Payer

MONEY = {"max_digits": 12, "decimal_places": 2}
TEACHER = "member__teacher_account__user"  # a teacher sees what they received (their own member record)


class Policy(models.Model):
    """慰问标准: one version of a kind's rules, in force from ``valid_from`` until the next
    version of the same kind. A campaign uses the version in force on its date."""

    kind = models.CharField(_("慰问类型"), max_length=20, choices=Kind.choices)
    valid_from = models.DateField(_("生效日期"))
    form = models.CharField(_("发放形式"), max_length=8, choices=Form.choices, default=Form.CASH)
    amount = models.DecimalField(_("标准金额（元/人）"), **MONEY)
    amount_front_line = models.DecimalField(_("一线教职工金额（元/人）"), null=True, blank=True, **MONEY)
    amount_retired = models.DecimalField(_("退休教职工金额（元/人）"), null=True, blank=True, **MONEY)
    item_name = models.CharField(_("慰问品名称"), max_length=60, blank=True)
    item_unit_value = models.DecimalField(_("慰问品单价（元）"), null=True, blank=True, **MONEY)
    item_quantity = models.PositiveIntegerField(_("慰问品数量（份/人）"), default=1)
    cap_per_occasion = models.DecimalField(_("每次上限（元/人）"), **MONEY)
    cap_per_year = models.DecimalField(_("年度上限（元/人）"), **MONEY)
    times_per_year = models.PositiveSmallIntegerField(_("年度次数上限"), default=1)
    payer = models.CharField(_("发放主体"), max_length=12, choices=Payer.choices, default=Payer.ANY)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("慰问标准")
        verbose_name_plural = _("慰问标准")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="condolence_policy_one_version_per_day"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="condolence_policy_amount_positive"),
            models.CheckConstraint(condition=Q(cap_per_occasion__gt=0) & Q(cap_per_year__gt=0),
                                   name="condolence_policy_caps_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.valid_from} 起）"


class Campaign(ScopedModelMixin, models.Model):
    """慰问活动: a kind, a date (which policy applies), the paying unit and whom it targets."""

    kind = models.CharField(_("慰问类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    date = models.DateField(_("活动日期"))
    period_end = models.DateField(_("截止日期"), null=True, blank=True)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="condolence_campaigns", verbose_name=_("发放单位"))
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("慰问标准"))
    target = models.JSONField(_("对象条件"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    batch = models.ForeignKey("payments.PaymentBatch", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("发放批次"))
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name=_("生成任务"))
    summary = models.JSONField(_("生成结果"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("慰问活动")
        verbose_name_plural = _("慰问活动")
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "title"], name="condolence_campaign_title")]

    def __str__(self) -> str:
        return self.title


class Distribution(ScopedModelMixin, models.Model):
    """慰问品发放清单: the goods of a campaign for one unit, with its signed sheet."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="distributions",
                                 verbose_name=_("慰问活动"))
    unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("领取单位"))
    people = models.PositiveIntegerField(_("人数"), default=0)
    signed_sheet = models.FileField(_("签收表扫描件"), upload_to="condolences/", blank=True)
    signed_sheet_name = models.CharField(_("签收表文件名"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedManager(path="unit__path")

    class Meta:
        verbose_name = _("慰问品发放清单")
        verbose_name_plural = _("慰问品发放清单")
        ordering = ["campaign_id", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="condolence_one_list_per_unit")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"


class Occasion(ScopedModelMixin, models.Model):
    """个人慰问: an occasion of one member (生病住院 …), recorded by the unit, approved by its admin."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="condolence_occasions",
                               verbose_name=_("会员"))
    unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("所属工会"))
    kind = models.CharField(_("慰问类型"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("发生日期"))
    note = models.CharField(_("情况说明"), max_length=500, blank=True)
    evidence = models.FileField(_("证明材料"), upload_to="condolences/", blank=True)
    evidence_name = models.CharField(_("证明材料文件名"), max_length=200, blank=True)
    immediate = models.BooleanField(_("立即单独发放"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=OccasionStatus.choices,
                              default=OccasionStatus.SUBMITTED)
    reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("登记人"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("审批人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    objects = ScopedManager(path="unit__path", person={"teacher": TEACHER})

    class Meta:
        verbose_name = _("个人慰问")
        verbose_name_plural = _("个人慰问")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.date}"


class Grant(ScopedModelMixin, models.Model):
    """One condolence one person received (cash: its payment item; goods: its distribution
    list and receipt). Unique per campaign and person: never twice in one campaign."""

    kind = models.CharField(_("慰问类型"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    form = models.CharField(_("发放形式"), max_length=8, choices=Form.choices)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="condolence_grants",
                               verbose_name=_("会员"))
    person_hash = models.CharField(_("身份证号索引"), max_length=64, editable=False)
    unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("所属工会"))
    payer = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("发放单位"))
    category = models.CharField(_("类别"), max_length=12, blank=True)
    amount = models.DecimalField(_("金额或价值（元）"), **MONEY)
    item_name = models.CharField(_("慰问品"), max_length=60, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), default=0)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="grants",
                                 verbose_name=_("慰问活动"))
    occasion = models.OneToOneField(Occasion, on_delete=models.PROTECT, null=True, blank=True, related_name="grant",
                                    verbose_name=_("个人慰问"))
    batch = models.ForeignKey("payments.PaymentBatch", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("发放批次"))
    distribution = models.ForeignKey(Distribution, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="grants", verbose_name=_("发放清单"))
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedManager(path="unit__path", person={"teacher": TEACHER})

    class Meta:
        verbose_name = _("慰问发放记录")
        verbose_name_plural = _("慰问发放记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person_hash"], condition=Q(campaign__isnull=False),
                                    name="condolence_once_per_campaign"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="condolence_grant_amount_positive"),
        ]
        indexes = [models.Index(fields=["person_hash", "kind", "year"]),
                   models.Index(fields=["batch", "member"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.amount}"
