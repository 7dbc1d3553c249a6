"""The working calendar kept in the database: loading it (from the ``chinese-calendar``
package, corrected by the municipal admin), and the admin home's "calendar runs out" warning."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record

from .models import CalendarDay, CalendarYear
from .workcal import WorkCalendar, parse_office_hours

WARN_DAYS_AHEAD = 31


def load_calendar() -> WorkCalendar:
    """The calendar as stored now (two queries): every computation reads it fresh, so a
    correction changes every open case's deadlines at once."""
    years = CalendarYear.objects.values_list("year", flat=True)
    days = dict(CalendarDay.objects.values_list("date", "is_workday"))
    return WorkCalendar(years=years, exceptions=days, office_hours=office_hours(), tz=settings.TIME_ZONE)


def office_hours() -> tuple[tuple[int, int], ...]:
    return parse_office_hours(settings.PETITIONS_OFFICE_HOURS)


def package_years() -> list[int]:
    return sorted({d.year for d in chinese_calendar.holidays})


@transaction.atomic
def calendar_load_year(*, year: int, actor=None) -> dict:
    """Store ``year``'s holidays and make-up days from the package (idempotent; days the
    admin corrected by hand keep their correction). A year the package does not know is
    refused: the admin enters it by hand and then marks the year complete."""
    if year not in package_years():
        raise ValidationError({"year": [f"chinese-calendar 没有 {year} 年的安排，请手工录入节假日与调休后再确认该年度。"]})
    day = dt.date(year, 1, 1)
    created = 0
    while day.year == year:
        worked = chinese_calendar.is_workday(day)
        if worked != (day.weekday() < 5):
            _, made = CalendarDay.objects.get_or_create(
                date=day, defaults={"is_workday": worked, "name": _holiday_name(day) if not worked else "调休上班"})
            created += made
        day += dt.timedelta(days=1)
    CalendarYear.objects.update_or_create(year=year, defaults={"source": "chinese-calendar"})
    audit_record(actor=actor, action="petitions.calendar_load", data={"year": year, "created": created})
    return {"year": year, "created": created}


def _holiday_name(day: dt.date) -> str:
    _, name = chinese_calendar.get_holiday_detail(day)
    return {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
            "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
            "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日"}.get(name or "", name or "")


@transaction.atomic
def calendar_set_day(*, date: dt.date, is_workday: bool, name: str = "", actor=None) -> CalendarDay | None:
    """Correct one day (the municipal admin): a day that matches the plain weekday rule
    needs no row and its row is removed."""
    if date.year not in set(CalendarYear.objects.values_list("year", flat=True)):
        CalendarYear.objects.get_or_create(year=date.year, defaults={"source": "手工录入"})
    audit_record(actor=actor, action="petitions.calendar_day",
                 data={"date": date.isoformat(), "is_workday": is_workday, "name": name})
    if is_workday == (date.weekday() < 5):
        CalendarDay.objects.filter(date=date).delete()
        return None
    row, _ = CalendarDay.objects.update_or_create(date=date, defaults={"is_workday": is_workday, "name": name})
    return row


def calendar_last_day() -> dt.date | None:
    last = CalendarYear.objects.order_by("-year").values_list("year", flat=True).first()
    return dt.date(last, 12, 31) if last else None


def calendar_runs_out_warning(request) -> list[str]:
    """Shown on the admin home of whoever keeps the calendar, a month before it ends."""
    if not request.user.has_perm("petitions.change_calendarday"):
        return []
    last = calendar_last_day()
    today = timezone.localdate()
    if last is None:
        return ["诉求办理的工作日历尚未录入，无法计算办理期限。"]
    if (last - today).days <= WARN_DAYS_AHEAD:
        return [f"工作日历只录入到 {last:%Y 年 %m 月 %d 日}，请尽快补录 {last.year + 1} 年的节假日与调休安排，"
                f"否则届时无法计算诉求办理期限。"]
    return []
