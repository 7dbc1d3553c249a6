"""Entries: a teacher (or a team) registered for a group, reviewed by their unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager, add_person_rule
from apps.members.models import Member

from ..enums import EntryStatus, InvitationStatus
from .person_scopes import TEACHER, judge_entries, teacher_entries, teacher_team


class TeacherAccount(ScopedModelMixin, models.Model):
    """A self-service log-in linked to exactly one member record (by ID number + name)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher",
                                verbose_name=_("用户"))
    member = models.OneToOneField("members.Member", on_delete=models.PROTECT, related_name="teacher_account",
                                  verbose_name=_("会员"))
    linked_at = models.DateTimeField(_("绑定时间"), auto_now_add=True)

    # The member's unit sees the link; the teacher sees their own.
    objects = ScopedManager(path="member__organization__path", person={"teacher": "user"})

    class Meta:
        verbose_name = _("教师账号")
        verbose_name_plural = _("教师账号")

    def __str__(self) -> str:
        return f"{self.user} → {self.member.name}"


class Entry(ScopedModelMixin, models.Model):
    """One registration: an individual, or a team whose captain is ``member``.

    ``organization`` is the member's grassroots union at registration: the unit that approves
    it within its quota, and the unit a judge must not belong to."""

    edition = models.ForeignKey("competitions.Edition", on_delete=models.PROTECT, related_name="entries",
                                verbose_name=_("届次"))
    group = models.ForeignKey("competitions.Group", on_delete=models.PROTECT, related_name="entries",
                              verbose_name=_("组别"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("所属工会"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="competition_entries",
                               verbose_name=_("参赛人（队长）"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("报名账号"))
    code = models.CharField(_("参赛编号"), max_length=16, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED)
    team_name = models.CharField(_("团队名称"), max_length=100, blank=True)
    course_title = models.CharField(_("课程/题目"), max_length=200, blank=True)
    video_url = models.URLField(_("视频链接"), blank=True)
    supervisor_name = models.CharField(_("指导教师"), max_length=50, blank=True)
    lesson_plan = models.FileField(_("教案"), upload_to="competitions/%Y/", blank=True)
    lesson_plan_name = models.CharField(_("教案文件名"), max_length=200, blank=True)
    teaching_design = models.FileField(_("教学设计"), upload_to="competitions/%Y/", blank=True)
    teaching_design_name = models.CharField(_("教学设计文件名"), max_length=200, blank=True)
    current_stage = models.ForeignKey("competitions.Stage", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("当前轮次"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审核意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager(path="organization__path",
                            person={"teacher": teacher_entries(), "judge": judge_entries()})

    class Meta:
        verbose_name = _("参赛报名")
        verbose_name_plural = _("参赛报名")
        ordering = ["group_id", "created_at", "id"]
        constraints = [
            # A teacher has one entry per edition: a second submit finds the first.
            models.UniqueConstraint(fields=["edition", "member"], name="one_entry_per_member_per_edition"),
        ]
        indexes = [models.Index(fields=["group", "organization", "status"])]
        permissions = [("register_entry", "在线报名参赛"), ("score_entry", "评审打分")]

    def __str__(self) -> str:
        return f"{self.code} {self.team_name or self.member.name}"

    @property
    def display_name(self) -> str:
        return self.team_name or self.member.name


class TeamMember(ScopedModelMixin, models.Model):
    """A colleague invited by the captain of a team entry (same unit), who accepts or declines."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="team_members",
                              verbose_name=_("报名"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="competition_teams",
                               verbose_name=_("队员"))
    status = models.CharField(_("状态"), max_length=16, choices=InvitationStatus.choices,
                              default=InvitationStatus.INVITED)
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    # A teacher: invitations to them and the teams of entries they see; a judge: the teams
    # of the entries they score (the serializers hide names in blind mode).
    objects = ScopedManager(path="entry__organization__path",
                            person={"teacher": teacher_team, "judge": judge_entries("entry__")})

    class Meta:
        verbose_name = _("团队成员")
        verbose_name_plural = _("团队成员")
        ordering = ["entry_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "member"], name="uniq_team_member"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.member.name}"


class TalentPoolEntry(ScopedModelMixin, models.Model):
    """优秀青年教师师资库: first-prize winners, one row per person and edition."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("教师"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("所属工会"))
    edition = models.ForeignKey("competitions.Edition", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("届次"))
    award = models.ForeignKey("competitions.Award", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("奖项"))
    added_at = models.DateTimeField(_("入库时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path", person={"teacher": TEACHER})

    class Meta:
        verbose_name = _("优秀青年教师师资库")
        verbose_name_plural = _("优秀青年教师师资库")
        ordering = ["-edition__year", "id"]
        constraints = [models.UniqueConstraint(fields=["member", "edition"], name="uniq_talent_per_edition")]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.edition}"


LIVE_ENTRY = Q(status__in=[EntryStatus.SUBMITTED, EntryStatus.APPROVED])


# A teacher sees the member record their account links (members knows nothing of teachers).
add_person_rule(Member, "teacher", "teacher_account__user")
