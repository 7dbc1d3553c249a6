"""An edition of a competition series and its structure: groups, stages, criteria, quotas."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from ..enums import EditionStatus, EntryKind, SeriesCode, StageLevel, Track


class Series(models.Model):
    """青教赛, 青管赛 or 京教杯: city-wide data kept by the municipal admin."""

    code = models.CharField(_("编码"), max_length=8, choices=SeriesCode.choices, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.TextField(_("简介"), blank=True)

    class Meta:
        verbose_name = _("赛事")
        verbose_name_plural = _("赛事")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.get_code_display()


class Edition(models.Model):
    """One edition (届) of a series: dates, eligibility, what an entry must carry, judging mode."""

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="editions", verbose_name=_("赛事"))
    number = models.PositiveSmallIntegerField(_("届次"))
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=EditionStatus.choices, default=EditionStatus.DRAFT)
    registration_opens = models.DateTimeField(_("报名开始"))
    registration_closes = models.DateTimeField(_("报名截止"))
    age_limit = models.PositiveSmallIntegerField(_("年龄上限（周岁）"), null=True, blank=True,
                                                 help_text=_("按身份证出生日期计算，截至下方日期；留空不限。"))
    age_cutoff = models.DateField(_("年龄计算截止日"), null=True, blank=True)
    participating_units = models.ManyToManyField(
        "organizations.Organization", blank=True, related_name="+", verbose_name=_("参赛单位"),
        help_text=_("留空表示所有基层工会均可参赛；选择上级工会即包含其下属单位。"),
    )
    requires_course_title = models.BooleanField(_("须填课程/题目"), default=True)
    requires_lesson_plan = models.BooleanField(_("须上传教案"), default=True)
    requires_teaching_design = models.BooleanField(_("须上传教学设计"), default=False)
    requires_video = models.BooleanField(_("须提供视频链接"), default=False)
    blind_judging = models.BooleanField(_("盲评（评委看不到姓名和单位）"), default=False)
    trim_min_judges = models.PositiveSmallIntegerField(
        _("去掉最高最低分的最少评委数"), default=5, help_text=_("评委人数达到此数时去掉一个最高分和一个最低分；0 表示不去掉。"))
    supervisor_award_levels = models.CharField(
        _("评优秀指导教师奖的等级"), max_length=40, default="first",
        help_text=_("获这些等级奖的参赛者填写的指导教师获优秀指导教师奖，逗号分隔：first,second,third。"))
    organisation_award_units = models.ManyToManyField(
        "organizations.Organization", blank=True, related_name="+", verbose_name=_("优秀组织奖单位"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("发布人"))
    bonus_batch = models.ForeignKey("payments.PaymentBatch", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("奖金发放批次"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("赛事届次")
        verbose_name_plural = _("赛事届次")
        ordering = ["-year", "series__code"]
        constraints = [models.UniqueConstraint(fields=["series", "number"], name="uniq_edition_number")]
        permissions = [("publish_edition", "发布比赛结果")]

    def __str__(self) -> str:
        return self.name

    def registration_is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == EditionStatus.OPEN and self.registration_opens <= now < self.registration_closes


class Group(models.Model):
    """A group of an edition (青教赛 理科, 京教杯 中学英语, a paper track …)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="groups", verbose_name=_("届次"))
    name = models.CharField(_("组别"), max_length=50)
    code = models.SlugField(_("编码"), max_length=30)
    track = models.CharField(_("类别"), max_length=16, choices=Track.choices, default=Track.TEACHING)
    entry_kind = models.CharField(_("参赛形式"), max_length=16, choices=EntryKind.choices,
                                  default=EntryKind.INDIVIDUAL)
    team_size = models.PositiveSmallIntegerField(_("团队人数"), default=1)
    capacity = models.PositiveIntegerField(
        _("报名名额上限"), null=True, blank=True,
        help_text=_("全市本组最多接受的有效报名数（报满即止）；留空不限。各单位推荐另受单位名额限制。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("组别")
        verbose_name_plural = _("组别")
        ordering = ["edition_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="uniq_group_code"),
            models.UniqueConstraint(fields=["edition", "name"], name="uniq_group_name"),
        ]

    def __str__(self) -> str:
        return f"{self.edition.name} · {self.name}"


class Stage(models.Model):
    """A round of an edition (青教赛: one final; 京教杯: 区级初赛 → 市级复赛 → 市级决赛)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="stages", verbose_name=_("届次"))
    order = models.PositiveSmallIntegerField(_("轮次"))
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("级别"), max_length=16, choices=StageLevel.choices, default=StageLevel.MUNICIPAL)
    advance_count = models.PositiveIntegerField(_("每组晋级人数"), null=True, blank=True,
                                                help_text=_("按名次晋级下一轮的数量；最后一轮留空。"))

    class Meta:
        verbose_name = _("比赛轮次")
        verbose_name_plural = _("比赛轮次")
        ordering = ["edition_id", "order"]
        constraints = [models.UniqueConstraint(fields=["edition", "order"], name="uniq_stage_order")]

    def __str__(self) -> str:
        return f"{self.edition.name} · {self.name}"

    @property
    def is_final(self) -> bool:
        return not Stage.objects.filter(edition_id=self.edition_id, order__gt=self.order).exists()


class Criterion(models.Model):
    """A line of a stage's score sheet, scored 0..weight (教学设计 20, 课堂教学 75, 教学反思 5).

    Lines without a group serve every group of the stage; a group with lines of its own (a
    paper track: 选题与创新 / 研究方法 / 写作规范) is scored on those only (``criteria_for``).

    ``order`` is also the tie-break order: equal totals are split by the first criterion, then
    the next, then by the earlier registration."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("轮次"))
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="criteria", verbose_name=_("组别"),
        help_text=_("留空：本轮各组通用；选择组别（如教学论文组）：该组只用自己的评分项。"))
    name = models.CharField(_("评分项"), max_length=50)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("排序（同分比较顺序）"), default=0)
    single_award_name = models.CharField(_("单项奖名称"), max_length=50, blank=True,
                                         help_text=_("如“最佳教学设计奖”：发布时授予本组此项平均分最高者；留空不设。"))

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["stage_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "name"], condition=models.Q(group__isnull=True),
                                    name="uniq_criterion_name"),
            models.UniqueConstraint(fields=["stage", "group", "name"], condition=models.Q(group__isnull=False),
                                    name="uniq_group_criterion_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight}）"


class UnitQuota(ScopedModelMixin, models.Model):
    """How many entries a grassroots union may send to a group."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("组别"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("单位"))
    quota = models.PositiveIntegerField(_("名额"))

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("单位名额")
        verbose_name_plural = _("单位名额")
        ordering = ["group_id", "organization__path"]
        constraints = [models.UniqueConstraint(fields=["group", "organization"], name="uniq_unit_quota")]

    def __str__(self) -> str:
        return f"{self.group.name} · {self.organization} · {self.quota}"


def criteria_for(stage: Stage, group_id: int) -> list[Criterion]:
    """The score sheet of ``group_id`` in ``stage``, in tie-break order."""
    return criteria_by_group(stage, [group_id])[group_id]


def criteria_by_group(stage: Stage, group_ids) -> dict[int, list[Criterion]]:
    """{group_id: its score sheet} for several groups with one query."""
    shared, own = [], {}
    for criterion in Criterion.objects.filter(stage=stage).order_by("order", "id"):
        if criterion.group_id is None:
            shared.append(criterion)
        else:
            own.setdefault(criterion.group_id, []).append(criterion)
    return {group_id: own.get(group_id, shared) for group_id in group_ids}
