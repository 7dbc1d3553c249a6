"""Excel out through the safe writer: bookings with attendance, and the service-point registry."""

from __future__ import annotations

from apps.core.audit import audit_record
from apps.core.excel import ANY, STRING, write_table, xlsx_attachment, xlsx_filename

from .services import TZ

BOOKING_HEADERS = ["场地", "开放单位", "日期", "开始", "结束", "预约人", "预约人单位", "本单位教职工", "状态",
                   "预约时间", "签到时间"]
POINT_HEADERS = ["类型", "名称", "所属单位", "所在区", "地址", "开放时间", "设施", "认定与资助", "资助金额合计（元）"]


def _local(moment, fmt: str) -> str:
    return moment.astimezone(TZ).strftime(fmt) if moment else ""


def bookings_xlsx_response(queryset, *, actor):
    rows = (
        [b.slot.resource.name, b.slot.resource.organization.name, _local(b.slot.starts_at, "%Y-%m-%d"),
         _local(b.slot.starts_at, "%H:%M"), _local(b.slot.ends_at, "%H:%M"),
         b.user.full_name or b.user.username, b.organization.name, "是" if b.own_staff else "否",
         b.get_status_display(), _local(b.created_at, "%Y-%m-%d %H:%M"), _local(b.checked_in_at, "%Y-%m-%d %H:%M")]
        for b in queryset.select_related("slot__resource__organization", "user", "organization").iterator()
    )
    response, count = xlsx_attachment(
        lambda handle: write_table(handle, sheet="预约与签到", headers=BOOKING_HEADERS, rows=rows,
                                   kinds=[STRING] * len(BOOKING_HEADERS)),
        xlsx_filename("预约与签到"))
    audit_record(actor=actor, action="service_points.bookings_export", data={"rows": count})
    return response


def points_xlsx_response(queryset, *, actor):
    points = queryset.select_related("organization").prefetch_related("recognitions")
    rows = (
        [p.get_kind_display(), p.name, p.organization.name, p.district, p.address, p.opening_hours, p.facilities,
         "；".join(f"{r.year} {r.get_level_display()} {r.title}" for r in p.recognitions.all()),
         sum((r.amount for r in p.recognitions.all()), 0)]
        for p in points
    )
    response, count = xlsx_attachment(
        lambda handle: write_table(handle, sheet="服务阵地", headers=POINT_HEADERS, rows=rows,
                                   kinds=[STRING] * 8 + [ANY]),
        xlsx_filename("服务阵地"))
    audit_record(actor=actor, action="service_points.points_export", data={"rows": count})
    return response
