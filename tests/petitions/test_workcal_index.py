"""The indexed working-time arithmetic (a subtraction and a bisection) answers exactly what
walking the calendar day by day answers, on the real 2025–2026 calendar, second-precise
moments included, and refuses the same unknown years."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.petitions.workcal import CalendarUnknown
from tests.petitions.factories import TZ
from tests.petitions.test_calendar_properties import CAL

BASE = dt.datetime(2025, 1, 1, tzinfo=TZ)
moments = st.integers(min_value=0, max_value=729 * 86400).map(lambda s: BASE + dt.timedelta(seconds=s))
amounts = st.integers(min_value=1, max_value=40 * 8 * 3600)


@settings(max_examples=500, deadline=None)
@given(start=moments, seconds=amounts)
def test_add_is_the_walk(start, seconds):
    try:
        expected = CAL.add_by_walking(start, seconds)
    except CalendarUnknown as exc:
        with pytest.raises(CalendarUnknown) as raised:
            CAL.add(start, seconds)
        assert raised.value.year == exc.year == 2027
    else:
        assert CAL.add(start, seconds) == expected


@settings(max_examples=500, deadline=None)
@given(a=moments, b=moments)
def test_between_is_the_walk(a, b):
    assert CAL.between(a, b) == CAL.between_by_walking(a, b)


def test_unknown_years_are_refused_not_guessed():
    with pytest.raises(CalendarUnknown) as raised:
        CAL.between(dt.datetime(2026, 12, 30, 9, tzinfo=TZ), dt.datetime(2027, 1, 5, 9, tzinfo=TZ))
    assert raised.value.year == 2027
    with pytest.raises(CalendarUnknown):
        CAL.add(dt.datetime(2024, 12, 31, 9, tzinfo=TZ), 3600)
    # National Day 2026 (1–7 October off): half an hour on 30 September, 7.5 hours on 8 October
    assert CAL.add(dt.datetime(2026, 9, 30, 17, 0, tzinfo=TZ), 8 * 3600) == dt.datetime(2026, 10, 8, 17, 0, tzinfo=TZ)
