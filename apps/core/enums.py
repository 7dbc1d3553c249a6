from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class JobKind(models.TextChoices):
    """Every kind of long job. Each later app adds its own kinds here."""

    ORGANIZATION_EXPORT = "organization_export", _("导出组织架构")
    MEMBER_EXPORT = "member_export", _("导出会员名册")
    MEMBER_IMPORT = "member_import", _("导入会员名册")
    PAYMENT_DISBURSE = "payment_disburse", _("发放资金")
    PETITION_IMPORT = "petition_import", _("导入 12351 平台工单")
