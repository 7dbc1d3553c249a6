from django.db import models
from django.utils.translation import gettext_lazy as _


class RollStatus(models.TextChoices):
    DRAFT = "draft", _("待单位确认")
    CONFIRMED = "confirmed", _("单位已确认")
    ISSUED = "issued", _("证书已颁发")


class MilestoneKind(models.TextChoices):
    WORK = "work", _("入职")
    UNION = "union", _("入会")


# Years that are a milestone (入职/入会 5, 10, 20, 30 年).
MILESTONE_YEARS = (5, 10, 20, 30)
# Years of teaching the commemorative certificate honours.
TEACHING_YEARS = 30
