"""Property tests of the working-time arithmetic on the real 2025–2026 calendar: a deadline
is always a working moment, and adding a pause never makes it earlier."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.petitions.workcal import WorkCalendar, parse_office_hours
from tests.petitions.factories import TZ


def _calendar() -> WorkCalendar:
    exceptions = {}
    day = dt.date(2025, 1, 1)
    while day.year < 2027:
        worked = chinese_calendar.is_workday(day)
        if worked != (day.weekday() < 5):
            exceptions[day] = worked
        day += dt.timedelta(days=1)
    return WorkCalendar(years={2025, 2026}, exceptions=exceptions,
                        office_hours=parse_office_hours("08:30-12:00,13:00-17:30"))


CAL = _calendar()
BASE = dt.datetime(2025, 1, 1, tzinfo=TZ)
moments = st.integers(min_value=0, max_value=600 * 24 * 60).map(lambda m: BASE + dt.timedelta(minutes=m))
limits = st.integers(min_value=1, max_value=15 * 8 * 60).map(lambda m: m * 60)
pause = st.tuples(st.integers(min_value=0, max_value=30 * 24 * 60), st.integers(min_value=1, max_value=20 * 24 * 60))


def _pauses(start, raw):
    return [(start + dt.timedelta(minutes=a), start + dt.timedelta(minutes=a + b)) for a, b in raw]


@settings(max_examples=300, deadline=None)
@given(start=moments, limit=limits, raw=st.lists(pause, max_size=3))
def test_deadline_is_a_working_moment(start, limit, raw):
    due = CAL.deadline(start, limit, _pauses(start, raw))
    assert due is not None and CAL.is_working_moment(due)
    if not raw:
        assert CAL.between(start, due) == limit


@settings(max_examples=300, deadline=None)
@given(start=moments, limit=limits, raw=st.lists(pause, max_size=2), extra=pause)
def test_a_pause_never_moves_the_deadline_earlier(start, limit, raw, extra):
    before = CAL.deadline(start, limit, _pauses(start, raw))
    after = CAL.deadline(start, limit, _pauses(start, [*raw, extra]))
    assert after >= before
