"""Judges, their assignments and declared conflicts, score sheets and stage results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from ..enums import SheetStatus
from .person_scopes import judge_sheets


class JudgeAssignment(ScopedModelMixin, models.Model):
    """A judge scores one group in one stage. ``organization`` is the judge's own grassroots
    union (copied from their judge role): entries of that unit are never theirs to see."""

    stage = models.ForeignKey("competitions.Stage", on_delete=models.CASCADE, related_name="assignments",
                              verbose_name=_("轮次"))
    group = models.ForeignKey("competitions.Group", on_delete=models.CASCADE, related_name="assignments",
                              verbose_name=_("组别"))
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="judge_assignments",
                              verbose_name=_("评委"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("评委所在单位"))
    created_at = models.DateTimeField(_("分配时间"), auto_now_add=True)

    # Staff see the assignments of their units' judges; a judge their own.
    objects = ScopedManager(path="organization__path", person={"judge": "judge"})

    class Meta:
        verbose_name = _("评委分配")
        verbose_name_plural = _("评委分配")
        ordering = ["stage_id", "group_id", "id"]
        constraints = [models.UniqueConstraint(fields=["stage", "group", "judge"], name="uniq_judge_assignment")]

    def __str__(self) -> str:
        return f"{self.judge} · {self.group.name} · {self.stage.name}"


class ConflictDeclaration(ScopedModelMixin, models.Model):
    """A judge's declared conflict with a unit (former employer, spouse's unit …): honoured
    like their own unit, subtree included."""

    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts",
                              verbose_name=_("评委"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("回避单位"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    # Kept by the municipal admin (the root sees all); a judge sees their own declarations.
    objects = ScopedManager(path="organization__path", person={"judge": "judge"})

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        constraints = [models.UniqueConstraint(fields=["judge", "organization"], name="uniq_conflict")]

    def __str__(self) -> str:
        return f"{self.judge} 回避 {self.organization}"


class ScoreSheet(ScopedModelMixin, models.Model):
    """One judge's scores for one entry in one stage; locked once submitted."""

    assignment = models.ForeignKey(JudgeAssignment, on_delete=models.PROTECT, related_name="sheets",
                                   verbose_name=_("评委分配"))
    entry = models.ForeignKey("competitions.Entry", on_delete=models.PROTECT, related_name="score_sheets",
                              verbose_name=_("报名"))
    status = models.CharField(_("状态"), max_length=16, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # By the entry's unit (only the municipal admin may read sheets); a judge: their own
    # sheets of entries they may see.
    objects = ScopedManager(path="entry__organization__path", person={"judge": judge_sheets()})

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["entry_id", "assignment_id"]
        constraints = [models.UniqueConstraint(fields=["assignment", "entry"], name="uniq_score_sheet")]

    def __str__(self) -> str:
        return f"{self.entry} · {self.assignment.judge}"


class Score(ScopedModelMixin, models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores", verbose_name=_("评分表"))
    criterion = models.ForeignKey("competitions.Criterion", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("评分项"))
    value = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)

    objects = ScopedManager(path="sheet__entry__organization__path", person={"judge": judge_sheets("sheet__")})

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="uniq_score")]


class StageResult(ScopedModelMixin, models.Model):
    """An entry's aggregated score and rank in a stage (recomputed from submitted sheets)."""

    stage = models.ForeignKey("competitions.Stage", on_delete=models.CASCADE, related_name="results",
                              verbose_name=_("轮次"))
    entry = models.ForeignKey("competitions.Entry", on_delete=models.CASCADE, related_name="results",
                              verbose_name=_("报名"))
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=3)
    judges = models.PositiveSmallIntegerField(_("评委数"))
    rank = models.PositiveIntegerField(_("名次"))
    advanced = models.BooleanField(_("晋级"), default=False)

    objects = ScopedManager(path="entry__organization__path")

    class Meta:
        verbose_name = _("轮次成绩")
        verbose_name_plural = _("轮次成绩")
        ordering = ["stage_id", "entry__group_id", "rank"]
        constraints = [models.UniqueConstraint(fields=["stage", "entry"], name="uniq_stage_result")]
