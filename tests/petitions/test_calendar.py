"""Deadlines across the real 2025–2026 holidays and make-up days (chinese-calendar data
loaded by the migration, office hours 08:30–12:00 and 13:00–17:30)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from apps.core.scoping import scopes_disabled
from apps.petitions.calendar import calendar_runs_out_warning, calendar_set_day, load_calendar
from apps.petitions.deadlines import case_deadlines
from apps.petitions.enums import Action, Stage
from apps.petitions.models import CalendarYear
from tests.petitions.factories import at, dispatched, move

pytestmark = pytest.mark.django_db


def due(case, stage):
    with scopes_disabled():
        return case_deadlines(case, now=at(2025, 1, 2)).stages[stage].due_at


def test_national_day_and_mid_autumn_2025(tree):
    """Dispatched Tue 30 Sep 10:00: Oct 1–8 off, Sat 11 Oct worked (调休)."""
    case = dispatched(tree.haidian, when=at(2025, 9, 30, 10))
    assert due(case, Stage.SIGN) == at(2025, 10, 9, 10)  # 6.5 h on 30 Sep + 1.5 h on 9 Oct
    assert due(case, Stage.REPLY) == at(2025, 10, 16, 10)  # 7 working days, the Saturday 11 Oct counted


def test_make_up_sunday_before_national_day(tree):
    """Dispatched on Saturday 27 Sep 2025 (off): Sunday 28 Sep is worked."""
    case = dispatched(tree.haidian, when=at(2025, 9, 27, 15))
    assert due(case, Stage.SIGN) == at(2025, 9, 28, 17, 30)


def test_holiday_eve_after_office_hours(tree):
    """Received and dispatched at 18:00 on 30 Sep: the clock starts on 9 Oct at 08:30."""
    case = dispatched(tree.haidian, when=at(2025, 9, 30, 18))
    assert due(case, Stage.SIGN) == at(2025, 10, 9, 17, 30)
    urgent = dispatched(tree.haidian, when=at(2025, 9, 30, 18), urgency="urgent")
    assert due(urgent, Stage.SIGN) == at(2025, 10, 9, 10, 30)  # 2 working hours
    assert due(urgent, Stage.REPLY) == at(2025, 10, 9, 10, 30)


def test_spring_festival_2026_with_make_up_days(tree):
    """Holiday 15–23 Feb 2026; Saturdays 14 Feb and 28 Feb are worked."""
    urgent = dispatched(tree.haidian, when=at(2026, 2, 13, 16), urgency="urgent")
    assert due(urgent, Stage.SIGN) == at(2026, 2, 14, 9)  # 1.5 h on Friday, 0.5 h on the make-up Saturday
    case = dispatched(tree.haidian, when=at(2026, 2, 13, 16))
    assert due(case, Stage.REPLY) == at(2026, 3, 2, 16)
    complex_case = dispatched(tree.haidian, when=at(2026, 2, 13, 16), urgency="complex")
    calendar = load_calendar()
    assert calendar.between(at(2026, 2, 13, 16), due(complex_case, Stage.REPLY)) == 15 * 8 * 3600


def test_pause_spanning_a_holiday(tree):
    """Paused 30 Sep 09:00 → resumed 9 Oct 09:00: 8 working hours of pause, one day later."""
    case = dispatched(tree.haidian, when=at(2025, 9, 29, 9))
    assert due(case, Stage.REPLY) == at(2025, 10, 15, 9)
    move(case, Action.SIGN, at=at(2025, 9, 29, 10))
    move(case, Action.PAUSE, at=at(2025, 9, 30, 9), note="等待诉求人补充材料")
    with scopes_disabled():
        assert case_deadlines(case, now=at(2025, 10, 5)).remaining_label == "暂停中"
    move(case, Action.RESUME, at=at(2025, 10, 9, 9))
    assert due(case, Stage.REPLY) == at(2025, 10, 16, 9)


def test_approved_extension_stretches_the_reply_deadline(tree):
    case = dispatched(tree.haidian, when=at(2025, 9, 30, 10))
    move(case, Action.SIGN, at=at(2025, 9, 30, 11))
    move(case, Action.REQUEST_EXTENSION, at=at(2025, 10, 9, 9), hours=16, note="需协调区人社局")
    assert due(case, Stage.REPLY) == at(2025, 10, 16, 10)  # not yet approved
    move(case, Action.APPROVE_EXTENSION, at=at(2025, 10, 9, 10))
    assert due(case, Stage.REPLY) == at(2025, 10, 20, 10)  # +2 working days (Sat/Sun 18–19 Oct off)


def test_correcting_the_calendar_recomputes_open_cases(tree, users):
    case = dispatched(tree.haidian, when=at(2025, 9, 30, 10))
    calendar_set_day(date=at(2025, 10, 16).date(), is_workday=False, name="临时停课", actor=users["municipal"])
    assert due(case, Stage.REPLY) == at(2025, 10, 17, 10)
    calendar_set_day(date=at(2025, 10, 16).date(), is_workday=True, actor=users["municipal"])
    assert due(case, Stage.REPLY) == at(2025, 10, 16, 10)


def test_a_year_the_calendar_does_not_know_is_refused(tree):
    """A deadline reaching into a year without calendar data is an error, never a guess."""
    CalendarYear.objects.filter(year=2026).delete()
    case = dispatched(tree.haidian, when=at(2025, 12, 22, 9), urgency="complex")
    with scopes_disabled():
        info = case_deadlines(case, now=at(2025, 12, 22, 10))
    assert info.error.startswith("工作日历中没有 2026 年") and info.stages == {}
    assert info.remaining_label == info.error


def test_admin_home_warns_a_month_before_the_calendar_runs_out(users, monkeypatch):
    request = RequestFactory().get("/admin/")
    request.user = users["municipal"]
    import datetime as dt

    from django.utils import timezone

    last = CalendarYear.objects.order_by("-year").first().year
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(last, 11, 29))
    assert calendar_runs_out_warning(request) == []
    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(last, 12, 5))
    [message] = calendar_runs_out_warning(request)
    assert f"{last + 1} 年" in message
    request.user = users["haidian"]  # units do not keep the calendar
    assert calendar_runs_out_warning(request) == []
