"""Work-queue items: a teacher's bookings still to use; a host's bookings of today to check in."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from apps.core.work_queue import QueueItem

from .enums import BookingStatus
from .models import Booking, Recognition
from .registry import STAFF_HOME_TITLE
from .services import BOOK_PERMISSION, HOST_PERMISSION, TZ

SECTION = "服务阵地与预约"


def service_points_queue(user) -> list[QueueItem]:
    now = timezone.now()
    items = []
    if user.has_perm(BOOK_PERMISSION):
        count = Booking.objects.filter(user=user, status=BookingStatus.BOOKED, slot__ends_at__gt=now).count()
        items.append(QueueItem("待使用的场地预约", count, reverse("service_points:bookings"),
                               hint="凭二维码到场签到；开始前截止时间之前可取消", section=SECTION))
    elif user.has_perm(HOST_PERMISSION):
        today = dt.datetime.combine(now.astimezone(TZ).date(), dt.time(), tzinfo=TZ)
        count = Booking.objects.filter(status=BookingStatus.BOOKED, slot__starts_at__gte=today,
                                       slot__starts_at__lt=today + dt.timedelta(days=1)).count()
        items.append(QueueItem("今日待签到的预约", count,
                               reverse("admin:service_points_booking_changelist") + "?status__exact=booked",
                               hint="扫描预约人的二维码签到；结束后未签到的记为爽约", section=SECTION))
    return items


def staff_homes_figure(request) -> int:
    """The admin home's figure: advanced staff homes recognised this year or last (scoped)."""
    year = timezone.localdate().year
    return Recognition.objects.filter(title=STAFF_HOME_TITLE, year__in=(year - 1, year)).count()
