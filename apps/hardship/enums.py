from django.db import models
from django.utils.translation import gettext_lazy as _


class HardshipLevel(models.TextChoices):
    GENERAL = "general", _("一般困难")
    DEEP = "deep", _("深度困难")


class FileStatus(models.TextChoices):
    OPEN = "open", _("在档")
    CLOSED = "closed", _("已销档")


# file_transition's moves: a file closes when the member is no longer in hardship; a closed
# file may be reopened (hardship again) — a new review is recorded either way.
FILE_MOVES = {
    FileStatus.OPEN: frozenset({FileStatus.CLOSED}),
    FileStatus.CLOSED: frozenset({FileStatus.OPEN}),
}


class AidKind(models.TextChoices):
    LIVING = "living", _("生活救助")
    MEDICAL = "medical", _("医疗救助")
    EDUCATION = "education", _("助学")
    TEMPORARY = "temporary", _("临时救助")


# How often one person may get each kind: months per period (12 = once a calendar year,
# 6 = once a half-year).
KIND_PERIOD_MONTHS = {AidKind.LIVING: 12, AidKind.MEDICAL: 12, AidKind.EDUCATION: 12, AidKind.TEMPORARY: 6}


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待单位审核")
    UNIT_APPROVED = "unit_approved", _("待市级审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    PAYING = "paying", _("已生成发放批次")


class ApplicationAction(models.TextChoices):
    UNIT_APPROVE = "unit_approve", _("单位审核通过")
    MUNICIPAL_APPROVE = "municipal_approve", _("市级审批通过")
    REJECT = "reject", _("驳回")
    PAY = "pay", _("生成发放批次")


# Applications that count for the duplicate-aid check and the yearly cap.
LIVE_APPLICATION = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNIT_APPROVED, ApplicationStatus.APPROVED,
                    ApplicationStatus.PAYING)


class EntryKind(models.TextChoices):
    DONATION = "donation", _("捐赠收入")
    GRANT = "grant", _("帮扶支出")


class DonorKind(models.TextChoices):
    UNIT = "unit", _("单位")
    PERSON = "person", _("个人")
