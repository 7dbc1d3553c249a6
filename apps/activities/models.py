"""The activities engine: an activity with sessions (期次) and places, applications, the draw,
attendance (签到), cost records for the ledger, and interest clubs (兴趣汇).

Scoping: what an organiser sees follows the organiser unit's path (a club's host sees the
applicants of its city-wide activities, whatever their unit); a teacher sees the published
activities open to them and their own applications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import EncryptedTextField
from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager
from apps.members.masking import mask_id

from .enums import ActivityKind, Allocation, ApplicationStatus, CheckInMethod, CostKind, Payer

TEACHER = "member__teacher_account__user"


def _teacher_unit_path(scope) -> str:
    """The path of the teacher's own unit (once per scope), or "" without a linked member."""
    def compute():
        from apps.members.models import Member

        row = (Member._base_manager.filter(teacher_account__user_id=scope.user_id)
               .values_list("organization__path", flat=True).first())
        return row or ""
    return scope.memo("activities.teacher_unit_path", compute)


def open_to_teacher(prefix: str = ""):
    """A teacher sees published activities that are city-wide or organised above their unit."""
    def rule(scope) -> Q:
        path = _teacher_unit_path(scope)
        if not path:
            return Q(pk__in=[])
        ancestors = [path[:i] for i in range(4, len(path) + 1, 4)]
        return Q(**{f"{prefix}published": True}) & (
            Q(**{f"{prefix}city_wide": True}) | Q(**{f"{prefix}organization__path__in": ancestors}))
    return rule


class Club(ScopedModelMixin, models.Model):
    """An interest club (兴趣汇) hosted by a university union, open to staff city-wide."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="clubs", verbose_name=_("承办工会"))
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("活跃"), default=True)
    members = models.ManyToManyField("members.Member", through="ClubMembership", related_name="clubs",
                                     verbose_name=_("成员"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path", person={"teacher": lambda scope: Q(is_active=True)})

    class Meta:
        verbose_name = _("兴趣汇")
        verbose_name_plural = _("兴趣汇")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClubMembership(ScopedModelMixin, models.Model):
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("兴趣汇"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="club_memberships",
                               verbose_name=_("成员"))
    joined_on = models.DateField(_("加入日期"))

    objects = ScopedManager(path="club__organization__path", person={"teacher": TEACHER})

    class Meta:
        verbose_name = _("兴趣汇成员")
        verbose_name_plural = _("兴趣汇成员")
        ordering = ["club_id", "id"]
        constraints = [models.UniqueConstraint(fields=["club", "member"], name="club_member_once")]

    def __str__(self) -> str:
        return f"{self.club} · {self.member}"


class Activity(ScopedModelMixin, models.Model):
    """An activity with places: its rules (data), window, cost and allocation mode."""

    kind = models.CharField(_("类型"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="activities", verbose_name=_("组织单位"))
    club = models.ForeignKey(Club, on_delete=models.PROTECT, null=True, blank=True, related_name="activities",
                             verbose_name=_("所属兴趣汇"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    description = models.TextField(_("说明"), blank=True)
    cost_per_person = models.DecimalField(_("人均费用（元）"), max_digits=12, decimal_places=2, default=0)
    payer = models.CharField(_("费用承担"), max_length=8, choices=Payer.choices, default=Payer.UNION)
    vendor = models.CharField(_("承办方"), max_length=200, blank=True)
    opens_at = models.DateTimeField(_("报名开始"))
    closes_at = models.DateTimeField(_("报名截止"))
    allocation = models.CharField(_("名额分配"), max_length=12, choices=Allocation.choices,
                                  default=Allocation.FIRST_COME)
    rules = models.JSONField(_("报名条件"), default=list, blank=True,
                             help_text=_("条件列表，例如 [{\"rule\": \"honoured\", \"within_years\": 5}]。"))
    city_wide = models.BooleanField(_("面向全市教职工"), default=False,
                                    help_text=_("否：仅组织单位及其下级单位的会员可报名。"))
    published = models.BooleanField(_("已发布"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path", person={"teacher": open_to_teacher()})

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-opens_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                              name="activity_closes_after_opening")]

    def __str__(self) -> str:
        return self.title


class Session(ScopedModelMixin, models.Model):
    """One 期次 of an activity with its own places and unit quotas; its draw (seed, frozen
    applicant list and hash, result) is recorded on it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions",
                                 verbose_name=_("活动"))
    name = models.CharField(_("期次"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    places = models.PositiveIntegerField(_("名额"))
    quotas = models.JSONField(_("单位名额"), default=dict, blank=True,
                              help_text=_("单位编码 → 名额，例如 {\"U-THU\": 20}；其余名额各单位共享。"))
    draw_seed = models.CharField(_("抽签种子"), max_length=64, blank=True)
    draw_applicants = models.JSONField(_("抽签时冻结的报名名单"), default=list, blank=True, editable=False)
    draw_hash = models.CharField(_("名单 SHA-256"), max_length=64, blank=True, editable=False)
    draw_result = models.JSONField(_("抽签结果"), default=dict, blank=True, editable=False)
    drawn_at = models.DateTimeField(_("抽签时间"), null=True, blank=True, editable=False)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("抽签人"), editable=False)

    objects = ScopedManager(path="activity__organization__path",
                            person={"teacher": open_to_teacher("activity__")})

    class Meta:
        verbose_name = _("活动期次")
        verbose_name_plural = _("活动期次")
        ordering = ["activity_id", "starts_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="session_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.activity.title} · {self.name}"

    @property
    def organization(self):
        return self.activity.organization


class Application(ScopedModelMixin, models.Model):
    """A member's application for a session (for a camp: one per child)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="applications",
                                verbose_name=_("期次"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="activity_applications",
                               verbose_name=_("报名人"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("报名人单位"))
    status = models.CharField(_("状态"), max_length=12, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.APPLIED)
    quota_unit = models.CharField(_("计入名额的单位编码"), max_length=40, blank=True)
    via_quota = models.BooleanField(_("占用单位名额"), default=False)
    wait_rank = models.PositiveIntegerField(_("候补序号"), null=True, blank=True)
    declared_single = models.BooleanField(_("本人声明单身"), default=False)
    child_name = models.CharField(_("子女姓名"), max_length=50, blank=True)
    child_birth_date = models.DateField(_("子女出生日期"), null=True, blank=True)
    child_id_number = EncryptedTextField(_("子女身份证号"), blank=True)
    child_id_hash = models.CharField(_("子女身份证号索引"), max_length=64, blank=True, editable=False)
    applied_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("候补递补时间"), null=True, blank=True)
    notice = models.CharField(_("待发通知"), max_length=200, blank=True,
                              help_text=_("递补等通知；消息外发（outbox）接入后由其发送。"))
    notice_at = models.DateTimeField(_("通知记录时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_in_method = models.CharField(_("签到方式"), max_length=8, choices=CheckInMethod.choices, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager(path="session__activity__organization__path", person={"teacher": TEACHER})

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["session_id", "id"]
        permissions = [("apply_activity", "报名参加活动")]
        constraints = [
            models.UniqueConstraint(fields=["session", "member", "child_id_hash"],
                                    condition=~Q(status="withdrawn"), name="one_live_application_per_session"),
        ]
        indexes = [models.Index(fields=["session", "status", "wait_rank"])]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.session}"

    @property
    def child_id_masked(self) -> str:
        return mask_id(self.child_id_number) if self.child_id_number else ""


class Participation(ScopedModelMixin, models.Model):
    """One person's attendance at a session: from a check-in, or recorded in bulk for club
    activities; counted per club and year."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participations",
                                verbose_name=_("期次"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="activity_participations",
                               verbose_name=_("参加人"))
    application = models.OneToOneField(Application, on_delete=models.CASCADE, null=True, blank=True,
                                       related_name="participation", verbose_name=_("报名"))
    method = models.CharField(_("方式"), max_length=8, choices=CheckInMethod.choices)
    attended_on = models.DateField(_("参加日期"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedManager(path="session__activity__organization__path", person={"teacher": TEACHER})

    class Meta:
        verbose_name = _("参加记录")
        verbose_name_plural = _("参加记录")
        ordering = ["session_id", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "member"], condition=Q(application__isnull=True),
                                               name="one_bulk_participation_per_session")]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.session}"


class CostRecord(ScopedModelMixin, models.Model):
    """What a session cost, for the ledger: a payment to the vendor, or a subsidy record.
    Never a payment to members (those go through apps/payments only)."""

    session = models.OneToOneField(Session, on_delete=models.PROTECT, related_name="cost_record",
                                   verbose_name=_("期次"))
    kind = models.CharField(_("类型"), max_length=16, choices=CostKind.choices)
    payee = models.CharField(_("收款方/补贴单位"), max_length=200)
    headcount = models.PositiveIntegerField(_("实到人数"))
    per_person = models.DecimalField(_("人均（元）"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager(path="session__activity__organization__path")

    class Meta:
        verbose_name = _("活动费用记录")
        verbose_name_plural = _("活动费用记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.session} · {self.amount}"
