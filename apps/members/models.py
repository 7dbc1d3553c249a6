from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.crypto import EncryptedTextField
from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from .enums import YOUNG_MAX_AGE, EmploymentType, Gender, MemberStatus
from .masking import mask_account, mask_id, mask_phone


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class Member(ScopedModelMixin, models.Model):
    """A union member (会员/教职工). ID number, phone and bank account are encrypted at
    rest; ``id_hash`` (HMAC) finds a person and keeps one active membership city-wide.
    Birth date and gender are derived from the ID by the services, never typed."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="members", verbose_name=_("所属工会")
    )
    branch = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="branch_members",
        verbose_name=_("分工会"),
    )
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    id_number = EncryptedTextField(_("身份证号"))
    id_hash = models.CharField(_("身份证号索引"), max_length=64, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    phone = EncryptedTextField(_("手机号"), blank=True)
    employment_type = models.CharField(_("用工性质"), max_length=16, choices=EmploymentType.choices)
    post = models.CharField(_("岗位"), max_length=50, blank=True)
    joined_on = models.DateField(_("入会日期"), null=True, blank=True)
    teaching_since = models.DateField(_("从教日期"), null=True, blank=True)
    status = models.CharField(_("会籍状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account = EncryptedTextField(_("银行账号"), blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        ordering = ["organization_id", "name", "id"]
        permissions = [("reveal_personal_data", "查看完整个人信息")]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=models.Q(status="active"), name="one_active_membership_per_person"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["birth_date"]),
            # the lists' order (Meta.ordering): deep pages read it from either end
            models.Index(fields=["organization", "name", "id"], name="member_list_order"),
            # the lists' filters beside the unit (PostgreSQL covering index): a filtered count of a unit or
            # district (status, women, young, employment) reads the index only, not a heap page per member
            models.Index(fields=["organization"], include=["status", "gender", "employment_type", "birth_date"],
                         name="member_unit_filters"),
        ]
        # PostgreSQL also has a trigram GIN index on UPPER(name) for ``name__icontains`` (migration 0002).

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"

    # --- masked by default ---------------------------------------------------------
    @property
    def id_number_masked(self) -> str:
        return mask_id(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def bank_account_masked(self) -> str:
        return mask_account(self.bank_account)

    # --- derived ---------------------------------------------------------------------
    @property
    def age(self) -> int:
        return age_on(self.birth_date, timezone.localdate())

    @property
    def is_young(self) -> bool:
        return self.age <= YOUNG_MAX_AGE

    @property
    def years_teaching(self) -> int | None:
        return age_on(self.teaching_since, timezone.localdate()) if self.teaching_since else None


class MemberStatusChange(ScopedModelMixin, models.Model):
    """The status history of a membership (one row per move, written by the services)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_changes",
                               verbose_name=_("会员"))
    from_status = models.CharField(_("原状态"), max_length=16, choices=MemberStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=MemberStatus.choices)
    changed_on = models.DateField(_("变动日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedManager(path="member__organization__path")

    class Meta:
        verbose_name = _("会籍变动")
        verbose_name_plural = _("会籍变动")
        ordering = ["member_id", "created_at", "id"]
