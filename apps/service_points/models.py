"""Service points (服务阵地) with their recognitions, funding and photos; bookable resources
(跨校预约共享) with weekly slot patterns, dated slots, bookings and the fair-use policy.

Every row that belongs to a unit is scoped to it: a unit sees its subtree's points,
resources, slots and the bookings made at them; a teacher sees the resources open to them
(person_scopes) and their own bookings. A booking's status moves only through
``services.booking_transition``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import ScopedModelMixin
from apps.core.scoping import ScopedManager

from .enums import DISTRICT_CHOICES, Audience, BookingStatus, PointKind, RecognitionLevel, ResourceKind
from .person_scopes import teacher_resources

LIVE = (BookingStatus.BOOKED, BookingStatus.CHECKED_IN)


class ServicePoint(ScopedModelMixin, models.Model):
    """A point of service of a unit: an advanced staff home, a reading station, a
    mother-and-baby room …"""

    kind = models.CharField(_("类型"), max_length=16, choices=PointKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="service_points", verbose_name=_("所属单位"))
    district = models.CharField(_("所在区"), max_length=8, choices=DISTRICT_CHOICES, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    facilities = models.TextField(_("设施"), blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path")

    class Meta:
        verbose_name = _("服务阵地")
        verbose_name_plural = _("服务阵地")
        ordering = ["kind", "organization__path", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "kind", "name"],
                                               name="service_point_unique_name")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class Recognition(models.Model):
    """A recognition or a grant of a point: year, level, title, amount (yuan), and the
    cluster (片组) that nominated it."""

    point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="recognitions",
                              verbose_name=_("服务阵地"))
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("级别"), max_length=12, choices=RecognitionLevel.choices,
                             default=RecognitionLevel.MUNICIPAL)
    title = models.CharField(_("认定/资助项目"), max_length=100)
    amount = models.DecimalField(_("资助金额（元）"), max_digits=12, decimal_places=2, default=0)
    nominated_by = models.ForeignKey("organizations.Cluster", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("推荐片组"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager(path="point__organization__path")

    class Meta:
        verbose_name = _("认定与资助")
        verbose_name_plural = _("认定与资助")
        ordering = ["-year", "point_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["point", "year", "title"], name="recognition_once_a_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="recognition_amount_not_negative"),
            models.CheckConstraint(condition=Q(year__gte=1949) & Q(year__lte=2999), name="recognition_sane_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class PointPhoto(models.Model):
    """A photo of a point (JPEG/PNG checked by content), stored under a random name outside
    the web root and served by the permission-checked view only."""

    point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="photos",
                              verbose_name=_("服务阵地"))
    file = models.FileField(_("照片"), upload_to="service_points/%Y/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager(path="point__organization__path")

    class Meta:
        verbose_name = _("阵地照片")
        verbose_name_plural = _("阵地照片")
        ordering = ["point_id", "id"]

    def __str__(self) -> str:
        return self.original_name


class Resource(ScopedModelMixin, models.Model):
    """A facility a host unit opens for booking. ``reserved_own`` places of every slot are
    kept for the host's own staff; ``audience`` says whether staff of other units may book."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="bookable_resources", verbose_name=_("开放单位"))
    point = models.ForeignKey(ServicePoint, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="resources", verbose_name=_("所属服务阵地"))
    kind = models.CharField(_("类型"), max_length=16, choices=ResourceKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    district = models.CharField(_("所在区"), max_length=8, choices=DISTRICT_CHOICES)
    address = models.CharField(_("地址"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    audience = models.CharField(_("预约范围"), max_length=8, choices=Audience.choices, default=Audience.CITY)
    reserved_own = models.PositiveSmallIntegerField(_("每时段留给本单位的名额"), default=0)
    cancel_cutoff_hours = models.PositiveSmallIntegerField(_("开始前多少小时截止取消"), default=2)
    is_open = models.BooleanField(_("开放预约"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedManager(path="organization__path", person={"teacher": teacher_resources()})

    class Meta:
        verbose_name = _("可预约场地")
        verbose_name_plural = _("可预约场地")
        ordering = ["organization__path", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="resource_unique_name")]

    def __str__(self) -> str:
        return f"{self.name}（{self.organization.short_name or self.organization.name}）"


class SlotPattern(models.Model):
    """A weekly slot (周一 08:00–09:00, 10 places), materialised into dated ``Slot`` rows."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="patterns",
                                 verbose_name=_("场地"))
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=[(0, "周一"), (1, "周二"), (2, "周三"), (3, "周四"),
                                                                 (4, "周五"), (5, "周六"), (6, "周日")])
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("名额"))

    objects = ScopedManager(path="resource__organization__path", person={"teacher": teacher_resources("resource__")})

    class Meta:
        verbose_name = _("每周时段")
        verbose_name_plural = _("每周时段")
        ordering = ["resource_id", "weekday", "start_time"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "weekday", "start_time"], name="pattern_unique_start"),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="pattern_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="pattern_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class Slot(models.Model):
    """A dated slot of a resource with its capacity and the places kept for the host's own
    staff (copied from the pattern/resource when materialised). Booking locks this row."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="slots", verbose_name=_("场地"))
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    capacity = models.PositiveSmallIntegerField(_("名额"))
    reserved_own = models.PositiveSmallIntegerField(_("本单位保留名额"), default=0)

    objects = ScopedManager(path="resource__organization__path", person={"teacher": teacher_resources("resource__")})

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["starts_at", "resource_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "starts_at"], name="slot_unique_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="slot_capacity_positive"),
            models.CheckConstraint(condition=Q(reserved_own__lte=F("capacity")), name="slot_reserved_within"),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.resource.name} {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    """One person's place in a slot. ``organization`` is the booker's unit at booking time;
    ``own_staff`` says whether it lies in the host's subtree (the reserved share)."""

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("时段"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings",
                             verbose_name=_("预约人"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("预约人单位"))
    own_staff = models.BooleanField(_("本单位教职工"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED,
                              db_index=True)
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    # The host unit's subtree sees the bookings at its resources; a teacher sees their own.
    objects = ScopedManager(path="slot__resource__organization__path", person={"teacher": "user"})

    class Meta:
        verbose_name = _("预约记录")
        verbose_name_plural = _("预约记录")
        ordering = ["-created_at", "-id"]
        permissions = [("book_slot", "预约场地")]
        constraints = [
            models.UniqueConstraint(fields=["slot", "user"], condition=Q(status__in=["booked", "checked_in"]),
                                    name="booking_one_live_per_person_and_slot"),
        ]
        indexes = [models.Index(fields=["user", "status"]), models.Index(fields=["slot", "status"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.slot}"


class FairUsePolicy(models.Model):
    """The fair-use rules as data (city-wide, kept by the municipal union): at most
    ``max_per_week`` bookings a person per week, at most ``max_pending`` not yet used, and more
    than ``no_show_limit`` no-shows within ``no_show_window_days`` blocks booking for
    ``block_days`` days after the last one. The active row with the lowest id applies."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    max_per_week = models.PositiveSmallIntegerField(_("每人每周最多预约次数"), default=3)
    max_pending = models.PositiveSmallIntegerField(_("最多待使用预约数"), default=2)
    no_show_limit = models.PositiveSmallIntegerField(_("爽约次数上限"), default=2)
    no_show_window_days = models.PositiveSmallIntegerField(_("爽约统计天数"), default=30)
    block_days = models.PositiveSmallIntegerField(_("超限后暂停预约天数"), default=14)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("预约规则")
        verbose_name_plural = _("预约规则")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_per_week__gte=1) & Q(max_pending__gte=1),
                                   name="policy_limits_positive"),
        ]

    def __str__(self) -> str:
        return self.name
