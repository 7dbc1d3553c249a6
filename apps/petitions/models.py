"""Petition cases (诉求工单), their history and attachments; the working calendar; deadline
rules; the 12351 platform accounts. Every row that belongs to a unit is scoped to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import EncryptedTextField
from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager
from apps.members.masking import mask_id, mask_phone

from .enums import (
    AccountStatus, Action, CaseKind, CaseStatus, Satisfaction, Source, Stage, Urgency, WarningKind, WarningLevel,
)


class Category(models.Model):
    """The category tree (工资待遇 › 拖欠工资 …): city-wide data kept by the municipal admin."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级分类"))
    rank = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


class CalendarYear(models.Model):
    """A year the working calendar knows completely (its holidays and 调休 days are in
    ``CalendarDay``). A deadline reaching into a year without a row is refused."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    source = models.CharField(_("来源"), max_length=40, default="chinese-calendar")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年"


class CalendarDay(models.Model):
    """An exception to "Monday–Friday work": a public holiday on a weekday (is_workday False)
    or a make-up working day on a weekend (调休, is_workday True)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), default=False)
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'调休上班' if self.is_workday else '放假'} {self.name}".strip()


class DeadlineRule(models.Model):
    """How long a stage may take, in working minutes (a working day is the office hours'
    length, 8 hours by default), per kind of case and urgency; a labour-relations warning's
    rule may also name the warning kind (欠薪 …), which then wins over the kind-less one."""

    case_kind = models.CharField(_("类型"), max_length=16, choices=CaseKind.choices, default=CaseKind.PETITION)
    warning_kind = models.CharField(_("预警类型"), max_length=16, choices=WarningKind.choices, blank=True,
                                    default="", help_text=_("仅用于劳动关系预警；留空表示各类预警通用"))
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices)
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices)
    minutes = models.PositiveIntegerField(_("时限（工作分钟）"))

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["case_kind", "warning_kind", "urgency", "stage"]
        constraints = [models.UniqueConstraint(fields=["case_kind", "warning_kind", "urgency", "stage"],
                                               name="petitions_one_rule_per_stage_and_warning_kind")]

    def __str__(self) -> str:
        kind = f"（{self.get_warning_kind_display()}）" if self.warning_kind else ""
        return f"{self.get_case_kind_display()}{kind} {self.get_urgency_display()} {self.get_stage_display()}"


class Case(ScopedModelMixin, models.Model):
    """One order (工单): a petition or a labour-relations warning. ``organization`` is the
    responsible unit (the municipal union until dispatched): the case is visible in its
    subtree and to the municipal union. Status moves only through ``case_transition``."""

    kind = models.CharField(_("类型"), max_length=16, choices=CaseKind.choices, default=CaseKind.PETITION)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    order_no = models.CharField(_("平台工单号"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("受理时间"))
    petitioner_name = models.CharField(_("诉求人"), max_length=50)
    petitioner_phone = EncryptedTextField(_("联系电话"), blank=True)
    petitioner_id_number = EncryptedTextField(_("身份证号"), blank=True)
    petitioner_id_hash = models.CharField(_("身份证号索引"), max_length=64, blank=True, db_index=True,
                                          editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="petition_cases", verbose_name=_("匹配会员"))
    petitioner_unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+", verbose_name=_("诉求人单位"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases",
                                 verbose_name=_("分类"))
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("诉求内容"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="petition_cases", verbose_name=_("承办单位"))
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED,
                              db_index=True)
    is_paused = models.BooleanField(_("暂停中"), default=False)
    extension_pending = models.BooleanField(_("延期待审"), default=False)
    # Facts of the current round (the history holds every round), written by case_transition.
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("联系诉求人时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reply_text = models.TextField(_("答复内容"), blank=True)
    satisfaction = models.CharField(_("回访结果"), max_length=16, choices=Satisfaction.choices, blank=True)
    solved = models.BooleanField(_("已解决"), null=True, blank=True)
    # Labour-relations warnings (劳动关系预警).
    warning_kind = models.CharField(_("预警类型"), max_length=16, choices=WarningKind.choices, blank=True)
    warning_level = models.CharField(_("预警级别"), max_length=16, choices=WarningLevel.choices, blank=True)
    reporter = models.CharField(_("报告人"), max_length=50, blank=True)
    steps = models.TextField(_("已采取措施"), blank=True)
    outcome = models.TextField(_("处置结果"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("诉求工单")
        verbose_name_plural = _("诉求工单")
        ordering = ["-received_at", "-id"]
        permissions = [("reveal_petitioner", "查看诉求人完整信息"), ("dispatch_case", "派单、办结、回访、督办")]
        constraints = [
            models.UniqueConstraint(fields=["source", "order_no"], condition=~Q(order_no=""),
                                    name="petitions_order_no_unique_per_source"),
        ]
        indexes = [models.Index(fields=["organization", "status"]), models.Index(fields=["received_at"])]

    def __str__(self) -> str:
        return f"{self.order_no or self.pk} {self.title}"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.petitioner_phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id(self.petitioner_id_number)


class CaseEvent(models.Model):
    """One move of a case (its history): who, when, from which status to which, and the
    move's data (unit, contact time, extension minutes, satisfaction …). Deadlines are read
    from these rows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("工单"))
    action = models.CharField(_("操作"), max_length=24, choices=Action.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    from_status = models.CharField(_("原状态"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=CaseStatus.choices, blank=True)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("承办单位"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    objects = ScopedManager(path="case__organization__path")

    class Meta:
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "action"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class CaseAttachment(models.Model):
    """A document of a case (the petition's material or a reply's), stored under a random
    name outside the web root and served only by the permission-checked download."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("工单"))
    event = models.ForeignKey(CaseEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("所属环节"))
    file = models.FileField(_("文件"), upload_to="petitions/%Y/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager(path="case__organization__path")

    class Meta:
        verbose_name = _("工单附件")
        verbose_name_plural = _("工单附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class PlatformAccount(ScopedModelMixin, models.Model):
    """A staff account on the 12351 platform (手机用户认证): who holds it for which unit."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="petition_accounts", verbose_name=_("所属单位"))
    holder_name = models.CharField(_("持有人"), max_length=50)
    member = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="platform_accounts", verbose_name=_("对应会员"))
    phone = EncryptedTextField(_("认证手机号"))
    phone_hash = models.CharField(_("手机号索引"), max_length=64, editable=False, db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.ACTIVE)
    opened_on = models.DateField(_("开通日期"))
    notes = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("12351 平台账号")
        verbose_name_plural = _("12351 平台账号")
        ordering = ["organization__path", "holder_name"]
        constraints = [models.UniqueConstraint(fields=["phone_hash"], condition=Q(status="active"),
                                               name="petitions_one_active_account_per_phone")]

    def __str__(self) -> str:
        return f"{self.holder_name}（{self.phone_masked}）"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class LabourWarning(Case):
    """The labour-relations warnings (劳动关系预警) among the cases: the same workflow, history,
    deadlines and scoping; listed apart in the admin (warnings module)."""

    objects = ScopedManager(path="organization__path")

    class Meta:
        proxy = True
        verbose_name = _("劳动关系预警")
        verbose_name_plural = _("劳动关系预警")
        ordering = ["-received_at", "-id"]
