from django.db import models
from django.utils.translation import gettext_lazy as _


class BenefitRule(models.TextChoices):
    PER_DAY = "per_day", _("按住院天数")
    PER_DIAGNOSIS = "per_diagnosis", _("按确诊定额")


class Eligibility(models.TextChoices):
    ALL = "all", _("全体会员")
    WOMEN = "women", _("女职工")
    MODEL_WORKERS = "model_workers", _("劳动模范")


class EnrolmentSource(models.TextChoices):
    QUERY = "query", _("按条件参保")
    IMPORT = "import", _("Excel 名单导入")
    AUTO = "auto", _("劳模自动参保")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待单位审核")
    UNIT_APPROVED = "unit_approved", _("待市级审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    PAYING = "paying", _("已生成发放批次")


class ClaimAction(models.TextChoices):
    UNIT_APPROVE = "unit_approve", _("单位审核通过")
    MUNICIPAL_APPROVE = "municipal_approve", _("市级审批通过")
    REJECT = "reject", _("驳回")
    PAY = "pay", _("生成发放批次")


# Claims whose amount counts against the yearly cap.
LIVE_CLAIM = (ClaimStatus.SUBMITTED, ClaimStatus.UNIT_APPROVED, ClaimStatus.APPROVED, ClaimStatus.PAYING)
