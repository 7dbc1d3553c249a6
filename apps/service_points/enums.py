"""Choices of service points and bookable resources (stored values English, labels Chinese)."""

from django.db import models


class PointKind(models.TextChoices):
    STAFF_HOME = "staff_home", "先进教职工小家"
    READING = "reading", "职工阅读站点"
    BOOKSHELF = "bookshelf", "劳模书架"
    MOTHER_BABY = "mother_baby", "母婴关爱室"
    CHILDCARE = "childcare", "爱心托管班"
    COUNSELLING = "counselling", "心理咨询中心/示范点"
    STAFF_CLUB = "staff_club", "职工之家"


class RecognitionLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    MUNICIPAL = "municipal", "市级"
    DISTRICT = "district", "区级/校级"


class ResourceKind(models.TextChoices):
    GYM = "gym", "体育场馆"
    COUNSELLING = "counselling", "心理咨询室"
    MEETING = "meeting", "会议室"
    READING = "reading", "阅览室"


class Audience(models.TextChoices):
    OWN = "own", "仅限本单位教职工"
    CITY = "city", "全市教职工"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    CHECKED_IN = "checked_in", "已签到"
    NO_SHOW = "no_show", "爽约"
    CANCELLED = "cancelled", "已取消"


class BookingAction(models.TextChoices):
    CHECK_IN = "check_in", "签到"
    NO_SHOW = "no_show", "记为爽约"
    CANCEL = "cancel", "取消预约"


# Beijing's 16 districts (a resource's district, for browsing).
DISTRICTS = (
    "东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "门头沟区", "房山区", "通州区", "顺义区",
    "昌平区", "大兴区", "怀柔区", "平谷区", "密云区", "延庆区",
)
DISTRICT_CHOICES = [(d, d) for d in DISTRICTS]
