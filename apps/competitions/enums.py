from django.db import models
from django.utils.translation import gettext_lazy as _


class SeriesCode(models.TextChoices):
    QJS = "qjs", _("青教赛")
    QGS = "qgs", _("青管赛")
    JJB = "jjb", _("京教杯")


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("报名中")
    JUDGING = "judging", _("评审中")
    PUBLISHED = "published", _("结果已发布")


class EntryKind(models.TextChoices):
    INDIVIDUAL = "individual", _("个人")
    TEAM = "team", _("团队")


class Track(models.TextChoices):
    TEACHING = "teaching", _("教学比赛")
    PAPER = "paper", _("教学论文")


class StageLevel(models.TextChoices):
    DISTRICT = "district", _("区级")
    MUNICIPAL = "municipal", _("市级")


class EntryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已报名，待单位审核")
    APPROVED = "approved", _("单位已审核通过")
    REJECTED = "rejected", _("单位未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("已邀请")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已谢绝")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交（锁定）")


class AwardKind(models.TextChoices):
    PRIZE = "prize", _("等级奖")
    SINGLE = "single", _("单项奖")
    SUPERVISOR = "supervisor", _("优秀指导教师奖")
    ORGANISATION = "organisation", _("优秀组织奖")


class PrizeLevel(models.TextChoices):
    FIRST = "first", _("一等奖")
    SECOND = "second", _("二等奖")
    THIRD = "third", _("三等奖")


PRIZE_ORDER = (PrizeLevel.FIRST, PrizeLevel.SECOND, PrizeLevel.THIRD)
