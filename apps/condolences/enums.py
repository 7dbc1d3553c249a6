"""Kinds of condolence, forms, categories and statuses (with their moves tables)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    NEW_YEAR = "new_year", _("元旦慰问")
    SPRING_FESTIVAL = "spring_festival", _("春节慰问")
    LABOUR_DAY = "labour_day", _("五一慰问")
    DRAGON_BOAT = "dragon_boat", _("端午慰问")
    MID_AUTUMN = "mid_autumn", _("中秋慰问")
    NATIONAL_DAY = "national_day", _("国庆慰问")
    WINTER_WARMTH = "winter_warmth", _("冬送温暖")
    SUMMER_COOL = "summer_cool", _("夏送清凉")
    ALL_STAFF = "all_staff", _("全员慰问")
    BIRTHDAY = "birthday", _("生日慰问")
    WEDDING = "wedding", _("结婚慰问")
    CHILDBIRTH = "childbirth", _("生育慰问")
    ILLNESS = "illness", _("生病住院慰问")
    RETIREMENT = "retirement", _("退休慰问")
    BEREAVEMENT = "bereavement", _("本人或直系亲属去世慰问")


FESTIVAL_KINDS = (Kind.NEW_YEAR, Kind.SPRING_FESTIVAL, Kind.LABOUR_DAY, Kind.DRAGON_BOAT, Kind.MID_AUTUMN,
                  Kind.NATIONAL_DAY)
CAMPAIGN_KINDS = (*FESTIVAL_KINDS, Kind.WINTER_WARMTH, Kind.SUMMER_COOL, Kind.ALL_STAFF)
OCCASION_KINDS = (Kind.BIRTHDAY, Kind.WEDDING, Kind.CHILDBIRTH, Kind.ILLNESS, Kind.RETIREMENT, Kind.BEREAVEMENT)

CAMPAIGN_KIND_CHOICES = [(k.value, k.label) for k in CAMPAIGN_KINDS]
OCCASION_KIND_CHOICES = [(k.value, k.label) for k in OCCASION_KINDS]


class Form(models.TextChoices):
    CASH = "cash", _("慰问金")
    GOODS = "goods", _("慰问品")


class Category(models.TextChoices):
    """The amount categories of a policy: front-line staff, the others, the retired."""

    FRONT_LINE = "front_line", _("一线教职工")
    OTHERS = "others", _("其他在职教职工")
    RETIRED = "retired", _("退休教职工")


class Payer(models.TextChoices):
    MUNICIPAL = "municipal", _("市级工会")
    GRASSROOTS = "grassroots", _("基层工会")
    ANY = "any", _("市级或基层工会")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    GENERATING = "generating", _("生成中")
    GENERATED = "generated", _("已生成")
    CANCELLED = "cancelled", _("已撤销")


CAMPAIGN_MOVES: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.GENERATING, CampaignStatus.GENERATED, CampaignStatus.CANCELLED}),
    CampaignStatus.GENERATING: frozenset({CampaignStatus.GENERATED, CampaignStatus.DRAFT}),
    CampaignStatus.GENERATED: frozenset(),
    CampaignStatus.CANCELLED: frozenset(),
}


class OccasionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已退回")


OCCASION_MOVES: dict[str, frozenset[str]] = {
    OccasionStatus.SUBMITTED: frozenset({OccasionStatus.APPROVED, OccasionStatus.REJECTED}),
    OccasionStatus.APPROVED: frozenset(),
    OccasionStatus.REJECTED: frozenset(),
}

# Posts that count as front-line (一线) when a campaign targets front-line staff and the
# member's post is one of these (teaching, clinical, nursing, logistics on site).
FRONT_LINE_POSTS = (
    "教授", "副教授", "讲师", "助教", "辅导员", "实验技术人员", "后勤保障人员",
    "语文教师", "数学教师", "英语教师", "物理教师", "化学教师", "体育教师", "音乐教师", "美术教师", "班主任",
    "幼儿教师", "校医", "教师",
    "主任医师", "副主任医师", "主治医师", "住院医师", "护士", "护师", "药剂师", "医技人员",
)
