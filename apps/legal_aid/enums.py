from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsultationCategory(models.TextChoices):
    CONTRACT = "contract", _("劳动合同")
    WAGES = "wages", _("工资待遇")
    INSURANCE = "insurance", _("社会保险")
    TITLES = "titles", _("职称评聘")
    PERSONNEL = "personnel", _("人事争议")
    INJURY = "injury", _("工伤")
    OTHER = "other", _("其他")


class ConsultationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待分配律师")
    ASSIGNED = "assigned", _("待律师答复")
    ANSWERED = "answered", _("律师已答复")
    CLOSED = "closed", _("已结束")


class ConsultationAction(models.TextChoices):
    ASSIGN = "assign", _("分配律师")
    ANSWER = "answer", _("律师答复")
    FOLLOW_UP = "follow_up", _("追问")
    CLOSE = "close", _("结束咨询")
    TO_CASE = "to_case", _("转为诉求工单")


class MessageKind(models.TextChoices):
    QUESTION = "question", _("提问")
    ANSWER = "answer", _("律师答复")
    FOLLOW_UP = "follow_up", _("追问")
