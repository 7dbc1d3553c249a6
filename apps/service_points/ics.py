"""One booking as an iCalendar file (RFC 5545), for the phone's calendar."""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def _escape(text: str) -> str:
    return (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "").replace(
        "\n", "\\n")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded (continuation lines start with a space)."""
    out, current = [], ""
    for ch in line:
        if len((current + ch).encode()) > 74:
            out.append(current)
            current = " " + ch
        else:
            current += ch
    out.append(current)
    return out


def booking_ics(booking, *, now: dt.datetime | None = None) -> str:
    slot, resource = booking.slot, booking.slot.resource
    host = resource.organization
    status = "CANCELLED" if booking.status == "cancelled" else "CONFIRMED"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//北京市教育工会//服务阵地与预约//ZH", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:booking-{booking.pk}@{settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else 'union-portal'}",
        f"DTSTAMP:{_utc(now or booking.created_at)}",
        f"DTSTART:{_utc(slot.starts_at)}", f"DTEND:{_utc(slot.ends_at)}",
        f"SUMMARY:{_escape(resource.name + '（' + (host.short_name or host.name) + '）')}",
        f"LOCATION:{_escape(resource.address)}",
        f"DESCRIPTION:{_escape('预约人：' + (booking.user.full_name or booking.user.username) + '。请凭预约二维码签到。')}",
        f"STATUS:{status}", "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
