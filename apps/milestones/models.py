"""从教30周年: a university's yearly roll of the members whose teaching reaches 30 years, and
each honoree's commemorative certificate (its verification code, once issued)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from .enums import RollStatus

TEACHER = "member__teacher_account__user"  # a teacher (person scope) sees their own


class ThirtyYearRoll(ScopedModelMixin, models.Model):
    """One university's roll of a year (从教30周年名单): built from the registry, confirmed by
    the unit, then the municipal union issues the certificates. Status moves only through
    ``roll_transition``."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("单位"))
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=12, choices=RollStatus.choices, default=RollStatus.DRAFT)
    honoree_count = models.PositiveIntegerField(_("人数"), default=0)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("颁发时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("从教30周年名单")
        verbose_name_plural = _("从教30周年名单")
        ordering = ["-year", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="uniq_thirty_roll")]
        permissions = [("issue_thirtyyearroll", "颁发从教30周年纪念证书")]

    def __str__(self) -> str:
        return f"{self.year}年 · {self.organization.name}"


class ThirtyYearHonoree(ScopedModelMixin, models.Model):
    """A member on a roll; ``code`` is the certificate's verification code (set when issued)."""

    roll = models.ForeignKey(ThirtyYearRoll, on_delete=models.CASCADE, related_name="honorees",
                             verbose_name=_("名单"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("会员"))
    name = models.CharField(_("姓名"), max_length=50)
    teaching_since = models.DateField(_("从教日期"))
    code = models.CharField(_("证书编号"), max_length=20, unique=True, null=True, blank=True)
    issued_at = models.DateTimeField(_("颁发时间"), null=True, blank=True)

    objects = ScopedManager(path="roll__organization__path", person={"teacher": TEACHER})

    class Meta:
        verbose_name = _("从教30周年人员")
        verbose_name_plural = _("从教30周年人员")
        ordering = ["roll_id", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["roll", "member"], name="uniq_thirty_honoree")]

    def __str__(self) -> str:
        return f"{self.name} · {self.roll.year}年从教30周年"
