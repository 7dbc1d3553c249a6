"""Working-time arithmetic on a Chinese working calendar (no database here).

A day is worked when it is Monday–Friday and not a public holiday, or when it is a
make-up working day (调休). Within a worked day only the office hours count (08:30–12:00
and 13:00–17:30 by default: lunch excluded). Times are aware datetimes; the arithmetic is
done in the portal's local time (Asia/Shanghai) in whole seconds.

A year the calendar does not know is never guessed: ``CalendarUnknown`` is raised.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

DAY = dt.timedelta(days=1)
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
MAX_DAYS = 3 * 366  # no deadline reaches further; a loop past it is a bug, not a date


class CalendarUnknown(Exception):
    """The working calendar has no data for a year the computation needs."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"工作日历中没有 {year} 年的节假日与调休安排，无法计算期限；请市级管理员先补录 {year} 年的工作日历。")


def parse_office_hours(text: str) -> tuple[tuple[int, int], ...]:
    """"08:30-12:00,13:00-17:30" → ((30600, 43200), (46800, 63000)) in seconds after midnight."""
    intervals = []
    for part in text.split(","):
        start, end = (p.strip() for p in part.split("-"))
        s = _seconds(start)
        e = _seconds(end)
        if e <= s:
            raise ValueError(f"办公时间段 {part} 无效：结束应晚于开始。")
        intervals.append((s, e))
    intervals.sort()
    for (_, e1), (s2, _) in zip(intervals, intervals[1:], strict=False):
        if s2 < e1:
            raise ValueError("办公时间段不能重叠。")
    return tuple(intervals)


def _seconds(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 3600 + int(minutes) * 60


class WorkCalendar:
    def __init__(self, *, years: Iterable[int], exceptions: Mapping[dt.date, bool],
                 office_hours: tuple[tuple[int, int], ...], tz: str = "Asia/Shanghai"):
        self.years = frozenset(years)
        self.exceptions = dict(exceptions)
        self.intervals = office_hours
        self.day_seconds = sum(e - s for s, e in office_hours)
        self.tz = ZoneInfo(tz)
        self._index()

    def _index(self) -> None:
        """Working seconds before each known day (``_before[ordinal]``), per run of
        consecutive known years, so ``between`` and ``add`` are a subtraction and a
        bisection instead of a walk over the days."""
        self._before: dict[int, int] = {}  # day ordinal -> working seconds before it (in its run)
        self._run: dict[int, tuple] = {}  # day ordinal -> its run: (last ordinal, workday ordinals, their starts)
        self._workdays: set[int] = set()
        self.fixed_offset = self._constant_offset()  # seconds east of UTC, or None (then no epoch arithmetic)
        for first_year in sorted(y for y in self.years if y - 1 not in self.years):
            last_year = first_year
            while last_year + 1 in self.years:
                last_year += 1
            first, last = dt.date(first_year, 1, 1).toordinal(), dt.date(last_year, 12, 31).toordinal()
            total, workdays, starts = 0, [], []
            run = (last, workdays, starts)
            for ordinal in range(first, last + 1):
                self._before[ordinal] = total
                self._run[ordinal] = run
                if self.is_workday(dt.date.fromordinal(ordinal)):
                    self._workdays.add(ordinal)
                    workdays.append(ordinal)
                    starts.append(total)
                    total += self.day_seconds

    # --- days ---
    def is_workday(self, day: dt.date) -> bool:
        if day.year not in self.years:
            raise CalendarUnknown(day.year)
        worked = self.exceptions.get(day)
        return day.weekday() < 5 if worked is None else worked

    def _local(self, moment: dt.datetime) -> tuple[dt.date, int]:
        local = moment.astimezone(self.tz)
        return local.date(), local.hour * 3600 + local.minute * 60 + local.second

    def _aware(self, day: dt.date, seconds: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=self.tz) + dt.timedelta(seconds=seconds)

    def is_working_moment(self, moment: dt.datetime) -> bool:
        """Inside office hours on a worked day (an interval's end counts: a deadline at 17:30)."""
        day, t = self._local(moment)
        return self.is_workday(day) and any(s < t <= e for s, e in self.intervals)

    # --- arithmetic ---
    def _constant_offset(self) -> int | None:
        offsets = set()
        for year in self.years:
            for month in (1, 4, 7, 10):
                offset = dt.datetime(year, month, 1, 12, tzinfo=self.tz).utcoffset()
                offsets.add(int(offset.total_seconds()) if offset is not None else None)
        return offsets.pop() if len(offsets) == 1 else None

    # --- the same arithmetic on epoch microseconds (the rates over many cases) ---
    def position_us(self, moment_us: int) -> tuple[tuple, int]:
        """(run, working seconds from the run's start) of a moment given as microseconds
        since the epoch; only with ``fixed_offset``. CalendarUnknown outside every run."""
        local = moment_us // 1_000_000 + self.fixed_offset
        ordinal, t = divmod(local, 86400)
        ordinal += _EPOCH_ORDINAL
        before = self._before.get(ordinal)
        if before is None:
            raise CalendarUnknown(dt.date.fromordinal(ordinal).year)
        if ordinal in self._workdays:
            before += self._worked(t)
        return self._run[ordinal], before

    def moment_us(self, run: tuple, position: int) -> int:
        """The first moment (epoch microseconds) at working second ``position`` (> 0) of
        ``run``: what ``add`` returns. CalendarUnknown past the run."""
        last, workdays, starts = run
        i = bisect_left(starts, position) - 1
        if i < 0 or position > starts[i] + self.day_seconds:
            raise CalendarUnknown(dt.date.fromordinal(last).year + 1)
        offset = position - starts[i]
        for s, e in self.intervals:
            if offset <= e - s:
                break
            offset -= e - s
        return ((workdays[i] - _EPOCH_ORDINAL) * 86400 + s + offset - self.fixed_offset) * 1_000_000

    def _worked(self, t: int) -> int:
        """Working seconds of a worked day before ``t`` seconds after midnight."""
        total = 0
        for s, e in self.intervals:
            if t <= s:
                break
            total += (t if t < e else e) - s
        return total

    def _position(self, moment: dt.datetime) -> tuple[int, tuple]:
        """(working seconds from the start of the moment's run of known years, the run);
        CalendarUnknown outside every run."""
        day, t = self._local(moment)
        ordinal = day.toordinal()
        before = self._before.get(ordinal)
        if before is None:
            raise CalendarUnknown(day.year)
        worked = self.exceptions.get(day)
        if day.weekday() < 5 if worked is None else worked:
            before += self._worked(t)
        return before, self._run[ordinal]

    def add(self, start: dt.datetime, seconds: int) -> dt.datetime:
        """The moment ``seconds`` (> 0) of working time after ``start``: always inside
        office hours on a worked day."""
        if seconds <= 0:
            raise ValueError("seconds must be positive")
        position, (last, workdays, starts) = self._position(start)
        target = position + seconds
        i = bisect_left(starts, target) - 1  # the workday with start < target <= start + day
        if i < 0 or i >= len(workdays) or target > starts[i] + self.day_seconds:
            raise CalendarUnknown(dt.date.fromordinal(last).year + 1)
        offset = target - starts[i]
        for s, e in self.intervals:
            if offset <= e - s:
                return self._aware(dt.date.fromordinal(workdays[i]), s + offset)
            offset -= e - s
        raise AssertionError("offset beyond the working day")  # pragma: no cover

    def add_by_walking(self, start: dt.datetime, seconds: int) -> dt.datetime:
        """``add`` walking day by day (the reference the index is tested against)."""
        if seconds <= 0:
            raise ValueError("seconds must be positive")
        day, t = self._local(start)
        first_start = self.intervals[0][0]
        for _ in range(MAX_DAYS):
            if self.is_workday(day):
                if t <= first_start and seconds > self.day_seconds:
                    seconds -= self.day_seconds  # a whole working day
                else:
                    for s, e in self.intervals:
                        if t >= e:
                            continue
                        current = max(t, s)
                        available = e - current
                        if seconds <= available:
                            return self._aware(day, current + seconds)
                        seconds -= available
            day += DAY
            t = 0
        raise ValueError("deadline beyond the calendar's horizon")

    def between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working seconds from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.between(end, start)
        first, (run_end, _, _) = self._position(start)
        if end.astimezone(self.tz).date().toordinal() > run_end:
            raise CalendarUnknown(dt.date.fromordinal(run_end).year + 1)
        last, _ = self._position(end)
        return last - first

    def between_by_walking(self, start: dt.datetime, end: dt.datetime) -> int:
        """``between`` walking day by day (the reference the index is tested against)."""
        if end < start:
            return -self.between_by_walking(end, start)
        day, t = self._local(start)
        last_day, last_t = self._local(end)
        total = 0
        while day <= last_day:
            if self.is_workday(day):
                upper = last_t if day == last_day else 86400
                if day != last_day and t == 0:
                    total += self.day_seconds
                else:
                    for s, e in self.intervals:
                        lo, hi = max(s, t), min(e, upper)
                        if hi > lo:
                            total += hi - lo
            day += DAY
            t = 0
        return total

    def deadline(self, start: dt.datetime, seconds: int,
                 pauses: Iterable[tuple[dt.datetime, dt.datetime | None]] = ()) -> dt.datetime | None:
        """The moment the clock started at ``start`` reaches ``seconds`` of working time, the
        clock standing still during each pause (start, end); None while a pause is open."""
        moment, need = start, seconds
        for p_start, p_end in sorted(pauses, key=lambda p: p[0]):
            if p_end is not None and p_end <= moment:
                continue
            if p_start > moment:
                available = self.between(moment, p_start)
                if available >= need:
                    return self.add(moment, need)
                need -= available
            if p_end is None:
                return None
            moment = max(moment, p_end)
        return self.add(moment, need)
