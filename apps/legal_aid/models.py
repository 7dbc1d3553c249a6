"""Legal-aid consultations (法律援助, "指尖上的法律援助"): a member's question, the lawyer the
municipal legal-aid centre assigns, the thread of answers and follow-ups, the attachments.

A consultation belongs to the centre (``organization``, the municipal union): staff of other
units never see it. A member (acting as teacher) sees the ones they asked, a lawyer the ones
assigned to them; nothing else (person rules, fail closed). Status moves only through
``consultation_transition``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from .enums import ConsultationCategory, ConsultationStatus, MessageKind

PERSON = {"teacher": "asker", "lawyer": "lawyer"}


def _via(prefix: str) -> dict[str, str]:
    return {role: f"{prefix}__{lookup}" for role, lookup in PERSON.items()}


class Consultation(ScopedModelMixin, models.Model):
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="legal_consultations", verbose_name=_("法律援助中心"))
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="legal_questions",
                              verbose_name=_("咨询人"))
    asker_unit = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("咨询人单位"))
    category = models.CharField(_("咨询类别"), max_length=16, choices=ConsultationCategory.choices)
    title = models.CharField(_("标题"), max_length=100)
    question = models.TextField(_("咨询内容"))
    status = models.CharField(_("状态"), max_length=16, choices=ConsultationStatus.choices,
                              default=ConsultationStatus.SUBMITTED, db_index=True)
    lawyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="legal_assignments", verbose_name=_("援助律师"))
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("最近答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    case = models.ForeignKey("petitions.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("转办工单"))
    token = models.UUIDField(_("提交标识"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("提问时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager(path="organization__path", person=PERSON)

    class Meta:
        verbose_name = _("法律咨询")
        verbose_name_plural = _("法律咨询")
        ordering = ["-created_at", "-id"]
        permissions = [("ask_consultation", "提出法律咨询"), ("answer_consultation", "答复法律咨询"),
                       ("assign_consultation", "分配律师、结束咨询、转为诉求工单")]
        constraints = [models.UniqueConstraint(fields=["asker", "token"], name="legal_aid_one_submit_per_token")]
        indexes = [models.Index(fields=["lawyer", "status"])]

    def __str__(self) -> str:
        return self.title


class ConsultationMessage(models.Model):
    """One post of the thread: the question, a lawyer's answer, a member's follow-up."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="messages",
                                     verbose_name=_("咨询"))
    kind = models.CharField(_("类型"), max_length=16, choices=MessageKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("发言人"))
    text = models.TextField(_("内容"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScopedManager(path="consultation__organization__path", person=_via("consultation"))

    class Meta:
        verbose_name = _("咨询记录")
        verbose_name_plural = _("咨询记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ConsultationAttachment(models.Model):
    """A document of the thread, stored under a random name outside the web root and served
    only by the permission-checked download."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="attachments",
                                     verbose_name=_("咨询"))
    message = models.ForeignKey(ConsultationMessage, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="attachments", verbose_name=_("所属发言"))
    file = models.FileField(_("文件"), upload_to="legal_aid/%Y/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager(path="consultation__organization__path", person=_via("consultation"))

    class Meta:
        verbose_name = _("咨询附件")
        verbose_name_plural = _("咨询附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
