"""Prize rules, awards, certificates and prize bonuses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from ..enums import AwardKind, PrizeLevel
from .person_scopes import TEACHER, teacher_awards


class PrizeRule(models.Model):
    """How a group's prize bands are cut from the final ranking: a ratio of the ranked
    entries (0.15 = top 15 %) or a fixed count, band by band (一等奖 first)."""

    group = models.ForeignKey("competitions.Group", on_delete=models.CASCADE, related_name="prize_rules",
                              verbose_name=_("组别"))
    level = models.CharField(_("等级"), max_length=16, choices=PrizeLevel.choices)
    ratio = models.DecimalField(_("比例"), max_digits=4, decimal_places=3, null=True, blank=True)
    count = models.PositiveIntegerField(_("名额"), null=True, blank=True)

    class Meta:
        verbose_name = _("奖项设置")
        verbose_name_plural = _("奖项设置")
        constraints = [
            models.UniqueConstraint(fields=["group", "level"], name="uniq_prize_rule"),
            models.CheckConstraint(
                condition=models.Q(ratio__isnull=False, count__isnull=True)
                | models.Q(ratio__isnull=True, count__isnull=False),
                name="prize_rule_ratio_xor_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group.name} · {self.get_level_display()}"


class Award(ScopedModelMixin, models.Model):
    """A published prize: a band prize or single-item award of an entry, a best-supervisor
    award (the entry's supervisor), or an organisation award of a unit."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.PROTECT, related_name="awards",
                                verbose_name=_("届次"))
    group = models.ForeignKey("competitions.Group", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="awards", verbose_name=_("组别"))
    entry = models.ForeignKey("competitions.Entry", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="awards", verbose_name=_("报名"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("单位"))
    kind = models.CharField(_("类别"), max_length=16, choices=AwardKind.choices)
    level = models.CharField(_("等级"), max_length=16, choices=PrizeLevel.choices, blank=True)
    name = models.CharField(_("奖项名称"), max_length=50)
    recipient = models.CharField(_("获奖者"), max_length=100)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path", person={"teacher": teacher_awards})

    class Meta:
        verbose_name = _("获奖")
        verbose_name_plural = _("获奖")
        ordering = ["edition_id", "group_id", "kind", "rank", "id"]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.name}"


class Certificate(ScopedModelMixin, models.Model):
    """One certificate per person of an award (a team award: one per team member), found by
    its verification code on the public verification page."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("奖项"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("会员"))
    holder_name = models.CharField(_("获奖者"), max_length=100)
    code = models.CharField(_("验证码"), max_length=20, unique=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = ScopedManager(path="award__organization__path", person={"teacher": TEACHER})

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["award_id", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.holder_name}"


class PrizeBonus(models.Model):
    """The bonus paid per award of a kind/level in an edition (through a payments batch)."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.CASCADE, related_name="bonuses",
                                verbose_name=_("届次"))
    kind = models.CharField(_("类别"), max_length=16, choices=AwardKind.choices)
    level = models.CharField(_("等级"), max_length=16, choices=PrizeLevel.choices, blank=True)
    amount = models.DecimalField(_("每人金额（元）"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("奖金标准")
        verbose_name_plural = _("奖金标准")
        constraints = [models.UniqueConstraint(fields=["edition", "kind", "level"], name="uniq_prize_bonus")]

    def __str__(self) -> str:
        return f"{self.edition} · {self.get_kind_display()} {self.get_level_display()} · {self.amount}"
