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
    CONDOLENCE_GENERATE = "condolence_generate", _("生成慰问活动")
    THIRTY_CERTIFICATES = "thirty_certificates", _("颁发从教30周年纪念证书")
    PETITION_IMPORT = "petition_import", _("导入 12351 平台工单")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
