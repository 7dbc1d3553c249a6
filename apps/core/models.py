from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import JobKind, JobStatus, OutboxStatus
from .scoping import ScopedManager, scopes_disabled


class ScopedModelMixin:
    """Uniqueness is a fact about the whole city, not one subtree: check it unscoped.

    (The message names the field, never who holds the value.)
    """

    def validate_unique(self, exclude=None):
        with scopes_disabled():  # uniqueness is city-wide (the message never names the holder)
            super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        with scopes_disabled():  # constraints are city-wide (the message never names the holder)
            super().validate_constraints(exclude)


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditLog(models.Model):
    """Append-only: who did what, to which object, when, from where.

    Rows are never updated or deleted (the model refuses; on PostgreSQL a trigger does too).
    """

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_username = models.CharField(_("用户名"), max_length=150, blank=True)
    organization_path = models.CharField(_("单位路径"), max_length=255, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)

    # Scoped by the unit the entry concerns: a district sees its subtree's trail.
    objects = ScopedManager(
        path="organization_path", base=models.Manager.from_queryset(AuditLogQuerySet)
    )

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class Job(ScopedModelMixin, models.Model):
    """A long-running background job (Celery) with progress the UI shows as a bar."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=40, choices=JobKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    # The result holds unmasked personal data (set when created): listed to and downloadable
    # by its starter, or by someone holding the reveal permission, only.
    reveals = models.BooleanField(_("含完整个人信息"), default=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="jobs", verbose_name=_("单位")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("发起人"),
    )
    # The person role ("teacher", "judge") its starter acted in: the job then runs in their
    # person scope, not in the unit's subtree (empty for staff roles).
    person = models.CharField(_("个人身份"), max_length=16, blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    # A person sees the jobs they started themselves.
    objects = ScopedManager(path="organization__path",
                            person={"teacher": "started_by", "judge": "started_by"})

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class OutboxMessage(ScopedModelMixin, models.Model):
    """A message to a person waiting to go out through a channel (``apps/core/outbox.py``).

    One row per thing to tell: ``dedup_key`` is unique, so producing the same message again
    (a re-run of the monthly milestones, a retried task) adds nothing. Its status moves only
    through ``outbox_transition``; a message is claimed (待发送 → 发送中) under a row lock before
    it is sent, so two deliverers never send it twice."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("单位"))
    recipient_member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("收件会员"))
    recipient_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("收件用户"))
    channel = models.CharField(_("渠道"), max_length=20)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    dedup_key = models.CharField(_("去重键"), max_length=200, unique=True)
    status = models.CharField(_("状态"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    tries = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("消息发件箱")
        verbose_name_plural = _("消息发件箱")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.get_status_display()}"
