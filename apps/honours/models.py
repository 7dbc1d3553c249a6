"""Honour titles (global data), honours on the roll, and model workers' activities."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from .enums import ActivityKind, HolderKind, HonourStatus, NominationStatus, TitleLevel


class HonourTitle(models.Model):
    """A title such as 全国劳动模范: city-wide data, edited by the municipal admin only."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    level = models.CharField(_("级别"), max_length=16, choices=TitleLevel.choices)
    holder_kind = models.CharField(_("授予对象"), max_length=16, choices=HolderKind.choices,
                                   default=HolderKind.PERSON)
    rank = models.PositiveSmallIntegerField(_("排序（越小越高）"), unique=True,
                                            help_text=_("全国级应排在北京市级之前；名册按此取每人最高称号。"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("荣誉称号")
        verbose_name_plural = _("荣誉称号")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class Honour(ScopedModelMixin, models.Model):
    """One award of a title: to a member, or (collective titles) to a named team of a unit.

    ``organization`` is the holder's grassroots union (the member's, copied at award) so one
    scope path serves persons and collectives alike.
    """

    title = models.ForeignKey(HonourTitle, on_delete=models.PROTECT, related_name="honours",
                              verbose_name=_("荣誉称号"))
    year = models.PositiveSmallIntegerField(_("授予年度"))
    certificate_no = models.CharField(_("证书编号"), max_length=64, blank=True)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="honours", verbose_name=_("获得者（个人）"))
    collective_name = models.CharField(_("集体名称"), max_length=200, blank=True)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="honours", verbose_name=_("所属单位"))
    status = models.CharField(_("状态"), max_length=16, choices=HonourStatus.choices,
                              default=HonourStatus.ON_ROLL)
    notes = models.TextField(_("备注"), blank=True)
    resides_in_beijing = models.BooleanField(
        _("常住北京"), default=True,
        help_text=_("不在京常住的获得者不领取要求“常住北京”的津贴慰问（同一人的各条荣誉一并标记）。"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")
        ordering = ["title__rank", "-year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(collective_name=""))
                | (Q(member__isnull=True) & ~Q(collective_name="")),
                name="honour_holder_is_member_or_collective",
            ),
            models.UniqueConstraint(fields=["title", "certificate_no"], condition=~Q(certificate_no=""),
                                    name="honour_certificate_unique_per_title"),
            models.UniqueConstraint(fields=["title", "year", "member"], condition=Q(member__isnull=False),
                                    name="honour_one_title_per_member_per_year"),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.holder_name} · {self.title.name}（{self.year}）"

    @property
    def holder_name(self) -> str:
        return self.member.name if self.member_id else self.collective_name


class Activity(ScopedModelMixin, models.Model):
    """A model workers' activity: a lecture tour, a recuperation trip, a school visit,
    mutual-aid coverage; its participants are members."""

    kind = models.CharField(_("类型"), max_length=16, choices=ActivityKind.choices)
    date = models.DateField(_("日期"))
    title = models.CharField(_("名称"), max_length=200)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="honour_activities", verbose_name=_("组织单位"))
    participants = models.ManyToManyField("members.Member", blank=True, related_name="honour_activities",
                                          verbose_name=_("参加人员"))
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("劳模活动")
        verbose_name_plural = _("劳模活动")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"


class NominationCampaign(models.Model):
    """A year's nomination round (推荐评选): the titles offered, when units may submit.

    Run by the municipal union for the whole city, so not scoped; its quotas and
    nominations are."""

    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=200)
    titles = models.ManyToManyField(HonourTitle, related_name="campaigns", verbose_name=_("评选称号"))
    opens_on = models.DateField(_("开始推荐日期"))
    closes_on = models.DateField(_("截止推荐日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推荐评选")
        verbose_name_plural = _("推荐评选")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")),
                                   name="nomination_campaign_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.name


class NominationQuota(ScopedModelMixin, models.Model):
    """How many nominations one grassroots union may submit in a campaign. The row is
    locked while a submission counts against it, so two clerks never exceed it."""

    campaign = models.ForeignKey(NominationCampaign, on_delete=models.CASCADE, related_name="quotas",
                                 verbose_name=_("推荐评选"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="nomination_quotas", verbose_name=_("基层工会"))
    quota = models.PositiveSmallIntegerField(_("名额"))

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("推荐名额")
        verbose_name_plural = _("推荐名额")
        ordering = ["campaign_id", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "organization"],
                                               name="one_quota_per_unit_per_campaign")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.quota}"


class Nomination(ScopedModelMixin, models.Model):
    """A unit's nomination of a member (or, for a collective title, a named team) with the deeds."""

    campaign = models.ForeignKey(NominationCampaign, on_delete=models.PROTECT, related_name="nominations",
                                 verbose_name=_("推荐评选"))
    title = models.ForeignKey(HonourTitle, on_delete=models.PROTECT, related_name="nominations",
                              verbose_name=_("推荐称号"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="nominations", verbose_name=_("推荐单位"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="nominations", verbose_name=_("被推荐人"))
    collective_name = models.CharField(_("被推荐集体"), max_length=200, blank=True)
    deed_summary = models.TextField(_("主要事迹"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=20, choices=NominationStatus.choices,
                              default=NominationStatus.DRAFT)
    return_reason = models.TextField(_("退回原因"), blank=True)
    notice_start = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_end = models.DateField(_("公示结束日期"), null=True, blank=True)
    honour = models.OneToOneField(Honour, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="nomination", verbose_name=_("批准后登记的荣誉"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        ordering = ["campaign_id", "organization_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(collective_name=""))
                | (Q(member__isnull=True) & ~Q(collective_name="")),
                name="nomination_holder_is_member_or_collective",
            ),
            models.UniqueConstraint(fields=["campaign", "member"], condition=Q(member__isnull=False),
                                    name="nominee_once_per_campaign"),
            models.UniqueConstraint(fields=["campaign", "organization", "collective_name"],
                                    condition=Q(member__isnull=True), name="collective_once_per_campaign"),
            models.CheckConstraint(condition=Q(notice_end__isnull=True) | Q(notice_start__isnull=True)
                                   | Q(notice_end__gte=models.F("notice_start")),
                                   name="nomination_notice_ends_after_start"),
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.member.name if self.member_id else self.collective_name} · {self.title.name}"


class NominationMaterial(ScopedModelMixin, models.Model):
    """A supporting document of a nomination (PDF or DOCX, checked by content, at most 10 MB)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="materials",
                                   verbose_name=_("推荐"))
    file = models.FileField(_("文件"), upload_to="nominations/%Y/")
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8, choices=[("pdf", "PDF"), ("docx", "DOCX")])
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager(path="nomination__organization__path")

    class Meta:
        verbose_name = _("推荐材料")
        verbose_name_plural = _("推荐材料")
        ordering = ["nomination_id", "id"]

    def __str__(self) -> str:
        return self.name


class NominationObjection(ScopedModelMixin, models.Model):
    """An objection received while a nomination is on public notice (公示)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="objections",
                                   verbose_name=_("推荐"))
    text = models.TextField(_("异议内容"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("记录人"))
    date = models.DateField(_("收到日期"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedManager(path="nomination__organization__path")

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["nomination_id", "date", "id"]

    def __str__(self) -> str:
        return f"{self.nomination} · {self.date:%Y-%m-%d}"
from .allowance_models import *  # noqa: E402,F401,F403
