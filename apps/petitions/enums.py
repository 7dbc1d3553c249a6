from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    P12351 = "12351", _("12351 职工服务平台")
    P12345 = "12345", _("12345 市民服务热线")
    WALK_IN = "walk_in", _("来访")
    ONLINE = "online", _("网上表单")
    LEGAL_AID = "legal_aid", _("法律援助平台")


class CaseKind(models.TextChoices):
    PETITION = "petition", _("职工诉求")
    WARNING = "warning", _("劳动关系预警")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("紧急")
    NORMAL = "normal", _("一般")
    COMPLEX = "complex", _("复杂")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    DISPATCHED = "dispatched", _("已派单")
    SIGNED = "signed", _("已签收")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    VISITED = "visited", _("已回访")
    RETURNED = "returned", _("已退单")


OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.DISPATCHED, CaseStatus.SIGNED, CaseStatus.HANDLING,
                 CaseStatus.RETURNED)
DONE_STATUSES = (CaseStatus.CLOSED, CaseStatus.VISITED)


class Action(models.TextChoices):
    RECEIVE = "receive", _("受理")
    DISPATCH = "dispatch", _("派单")
    SIGN = "sign", _("签收")
    CONTACT = "contact", _("办理（联系诉求人）")
    REPLY = "reply", _("答复")
    CLOSE = "close", _("办结")
    CALLBACK = "callback", _("回访")
    RETURN = "return", _("退单")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("批准延期")
    REFUSE_EXTENSION = "refuse_extension", _("驳回延期")
    PAUSE = "pause", _("暂停")
    RESUME = "resume", _("恢复")
    REOPEN = "reopen", _("重办")
    ESCALATE = "escalate", _("督办")
    WARN = "warn", _("即将超期提醒")


class Stage(models.TextChoices):
    SIGN = "sign", _("签收")
    CONTACT = "contact", _("首次联系")
    REPLY = "reply", _("答复")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class WarningKind(models.TextChoices):
    WAGES = "wages", _("欠薪")
    COLLECTIVE = "collective", _("集体争议风险")
    LAYOFF = "layoff", _("裁员/停办")
    OTHER = "other", _("其他")


class WarningLevel(models.TextChoices):
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    SEVERE = "severe", _("严重")


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("已开通")
    SUSPENDED = "suspended", _("已停用")
    CLOSED = "closed", _("已注销")
