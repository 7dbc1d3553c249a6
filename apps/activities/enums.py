"""Choices of the activities engine (疗休养、兴趣汇、联谊、夏令营 …)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    RECUPERATION = "recuperation", _("疗休养")
    CLUB = "club", _("兴趣汇活动")
    MIXER = "mixer", _("联谊活动")
    CAMP = "camp", _("夏令营")
    OUTREACH = "outreach", _("宣讲/进校园")
    OTHER = "other", _("其他")


class Allocation(models.TextChoices):
    FIRST_COME = "first_come", _("名额内先到先得")
    DRAW = "draw", _("抽签")


class Payer(models.TextChoices):
    UNION = "union", _("工会经费支付（付给承办方）")
    UNIT = "unit", _("单位补贴")
    SELF = "self", _("个人自理")


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("已报名（待抽签）")
    ALLOCATED = "allocated", _("已获名额")
    WAITLISTED = "waitlisted", _("候补中")
    CONFIRMED = "confirmed", _("已确认参加")
    ATTENDED = "attended", _("已签到")
    NO_SHOW = "no_show", _("未到")
    WITHDRAWN = "withdrawn", _("已退出")


S = ApplicationStatus
APPLICATION_MOVES: dict[str, set[str]] = {
    S.APPLIED: {S.ALLOCATED, S.WAITLISTED, S.WITHDRAWN},
    S.WAITLISTED: {S.ALLOCATED, S.WITHDRAWN},
    S.ALLOCATED: {S.CONFIRMED, S.ATTENDED, S.NO_SHOW, S.WITHDRAWN},
    S.CONFIRMED: {S.ATTENDED, S.NO_SHOW, S.WITHDRAWN},
    S.ATTENDED: set(),
    S.NO_SHOW: set(),
    S.WITHDRAWN: set(),
}
HOLDS_PLACE = (S.ALLOCATED, S.CONFIRMED, S.ATTENDED)
LIVE = (S.APPLIED, S.ALLOCATED, S.WAITLISTED, S.CONFIRMED, S.ATTENDED)


class CheckInMethod(models.TextChoices):
    QR = "qr", _("扫码签到")
    LIST = "list", _("组织方名单签到")
    BULK = "bulk", _("活动记录批量登记")


class CostKind(models.TextChoices):
    VENDOR_PAYMENT = "vendor_payment", _("付承办方")
    SUBSIDY = "subsidy", _("单位补贴记录")
