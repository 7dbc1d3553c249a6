"""Allowance schedules as data (荣誉津贴、节日慰问金、奖金、一次性补贴) and their runs.

A schedule says what kind of payment it is, how much per title level, and who qualifies.
A run is one generated payments batch for one period; the database refuses a second run of
the same schedule for the same period. City-wide data, kept by the municipal admin only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import TitleLevel

__all__ = ["AllowanceKind", "AllowanceRate", "AllowanceRun", "AllowanceSchedule"]


class AllowanceKind(models.TextChoices):
    HONOUR_ALLOWANCE = "honour_allowance", _("荣誉津贴")
    SPRING_FESTIVAL = "spring_festival", _("春节慰问金")
    NATIONAL_DAY = "national_day", _("国庆走访慰问金")
    BONUS = "bonus", _("奖金")
    SUBSIDY = "subsidy", _("一次性补贴")


class AllowanceSchedule(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=AllowanceKind.choices)
    qualifies_on_roll_only = models.BooleanField(
        _("仅限在册"), default=True,
        help_text=_("勾选：仅在册的称号获得者；不勾选：迁出者也可领取。撤销、去世者一律不发。"))
    requires_beijing_residence = models.BooleanField(
        _("仅限常住北京"), default=False,
        help_text=_("勾选：不在京常住的获得者（荣誉上标记“常住北京”为否）不发放。"))
    awarded_in_year = models.PositiveSmallIntegerField(
        _("仅限该年度授予"), null=True, blank=True,
        help_text=_("填写年度（如 2025）：只发给该年度获得称号的人（评选奖励）；留空：名册上的所有人。"))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("津贴慰问标准")
        verbose_name_plural = _("津贴慰问标准")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class AllowanceRate(models.Model):
    """The amount a holder receives under a schedule, by the level of their highest title."""

    schedule = models.ForeignKey(AllowanceSchedule, on_delete=models.CASCADE, related_name="rates",
                                 verbose_name=_("标准"))
    level = models.CharField(_("称号级别"), max_length=16, choices=TitleLevel.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("发放金额")
        verbose_name_plural = _("发放金额")
        ordering = ["schedule_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "level"], name="allowance_rate_one_per_level"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="allowance_rate_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.amount}"


class AllowanceRun(models.Model):
    """One generation of a schedule for a period (e.g. "2026" or "2026-春节")."""

    schedule = models.ForeignKey(AllowanceSchedule, on_delete=models.PROTECT, related_name="runs",
                                 verbose_name=_("标准"))
    period = models.CharField(_("期间"), max_length=32)
    batch = models.ForeignKey("payments.PaymentBatch", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("发放批次"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("生成人"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("津贴发放记录")
        verbose_name_plural = _("津贴发放记录")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["schedule", "period"], name="allowance_run_once_per_period")]

    def __str__(self) -> str:
        return f"{self.schedule} · {self.period}"
