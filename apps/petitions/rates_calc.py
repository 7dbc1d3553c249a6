"""What the rates need from one case's history — signed on time? overdue? — computed on
working-second positions (integers) of moments given as epoch microseconds, instead of
building every stage's deadline as datetimes. The rules are ``deadlines.compute``'s, which
stays the reference: a history this arithmetic cannot answer the same way (a year the
calendar does not know, two runs of known years, a zone with daylight saving) is handed to
``compute`` itself. ``tests/petitions/test_rates_calc.py`` checks both agree on random
histories; ``bench/petitions.py`` checks the rates against SQL."""

from __future__ import annotations

import datetime as dt

from .deadlines import OPEN, ROUND_START, STAGE_DONE, compute, from_epoch_us
from .enums import Action, CaseStatus, Stage
from .workcal import CalendarUnknown, WorkCalendar

STAGED = OPEN | {CaseStatus.REPLIED, CaseStatus.CLOSED, CaseStatus.VISITED}
STAGES = (Stage.SIGN, Stage.CONTACT, Stage.REPLY)
DONE_STAGE = {action: stage for stage, action in STAGE_DONE.items()}


class _Fallback(Exception):
    pass


def rate_flags(case, events: list, calendar: WorkCalendar, rules: dict, now_us: int) -> tuple[bool, bool]:
    """(signed within the deadline, overdue) as ``case_rates`` counts them; ``events``: the
    case's (action, at in epoch µs, data) in time order (the moves deadlines read)."""
    if calendar.fixed_offset is not None:
        try:
            return _flags(case, events, calendar, rules, now_us)
        except (_Fallback, CalendarUnknown):
            pass
    history = [(action, from_epoch_us(at), data) for action, at, data in events]
    d = compute(case, history, calendar, rules, from_epoch_us(now_us))
    sign, reply = d.stages.get(Stage.SIGN), d.stages.get(Stage.REPLY)
    return bool(sign and sign.done_at and not sign.late), bool((reply and reply.late) or d.overdue)


def _flags(case, events, calendar: WorkCalendar, rules: dict, now_us: int) -> tuple[bool, bool]:
    if case.status not in STAGED:
        return False, False
    first = next((i for i in range(len(events) - 1, -1, -1) if events[i][0] in ROUND_START), None)
    if first is None:
        return False, False
    dispatched = events[first][1]
    pauses: list[list] = []
    extension = 0
    done: dict[str, int] = {}
    for action, at, data in events[first + 1:]:
        if action == Action.PAUSE:
            pauses.append([at, None])
        elif action == Action.RESUME and pauses and pauses[-1][1] is None:
            pauses[-1][1] = at
        elif action == Action.APPROVE_EXTENSION:
            extension += int((data or {}).get("hours", 0)) * 3600
        stage = DONE_STAGE.get(action)
        if stage is not None and stage not in done:
            done[stage] = at
    run, start_position = calendar.position_us(dispatched)
    last, workdays, day_starts = run
    total = day_starts[-1] + calendar.day_seconds if day_starts else 0
    if not pauses:
        return _unpaused(case, calendar, rules, now_us, run, total, dispatched, start_position, done, extension)
    known = {dispatched: start_position}  # the moments already placed (a stage starts where another did)

    def pos(moment_us: int) -> int:
        position = known.get(moment_us)
        if position is None:
            other, position = calendar.position_us(moment_us)
            if other is not run:
                raise _Fallback
            known[moment_us] = position
        return position

    def deadline(start: int, need: int) -> int | None:  # WorkCalendar.deadline on positions
        if not pauses:
            return _reach(pos(start) + need)
        moment = start
        for p_start, p_end in sorted(pauses, key=lambda p: p[0]):
            if p_end is not None and p_end <= moment:
                continue
            if p_start > moment:
                available = pos(p_start) - pos(moment)
                if available >= need:
                    return _reach(pos(moment) + need)
                need -= available
            if p_end is None:
                return None
            moment = max(moment, p_end)
        return _reach(pos(moment) + need)

    def _reach(position: int) -> int:
        if position > total:
            raise _Fallback  # add() would leave the known years: compute() reports it
        return position

    def late(position: int | None, done_at: int | None) -> bool:
        if position is None or done_at is None:
            return False
        worked = pos(done_at)
        if worked != position:
            return worked > position
        return done_at > calendar.moment_us(run, position)  # reached it, but after the deadline's moment?

    stages: dict[str, int | None] = {}
    for stage in STAGES:
        limit = rules.get((case.kind, case.urgency, stage))
        start = dispatched if stage != Stage.CONTACT else done.get(Stage.SIGN)
        if limit is None or start is None:
            continue
        stages[stage] = deadline(start, limit + (extension if stage == Stage.REPLY else 0))
    overdue = False
    if case.status in OPEN:
        current = next((s for s in stages if s not in done), None)
        if current is not None and stages[current] is not None:
            position = stages[current]
            remaining = position - pos(now_us)
            overdue = remaining < 0 or (remaining == 0 and now_us > calendar.moment_us(run, position))
    sign_ok = Stage.SIGN in stages and Stage.SIGN in done and not late(stages[Stage.SIGN], done[Stage.SIGN])
    reply_late = Stage.REPLY in stages and late(stages[Stage.REPLY], done.get(Stage.REPLY))
    return sign_ok, reply_late or overdue


def _unpaused(case, calendar, rules, now_us, run, total, dispatched, start, done, extension):
    """``_flags`` of a round without pauses, straight on: every deadline is its start's
    position plus the limit."""
    def place(moment_us: int) -> int:
        if moment_us == dispatched:
            return start
        other, position = calendar.position_us(moment_us)
        if other is not run:
            raise _Fallback
        return position

    def late(position: int, done_at: int | None) -> bool:
        if done_at is None:
            return False
        worked = place(done_at)
        if worked != position:
            return worked > position
        return done_at > calendar.moment_us(run, position)

    kind, urgency = case.kind, case.urgency
    signed = done.get(Stage.SIGN)
    dues = []
    for stage in STAGES:
        limit = rules.get((kind, urgency, stage))
        if limit is None:
            due = None
        elif stage == Stage.SIGN:
            due = start + limit
        elif stage == Stage.CONTACT:
            due = None if signed is None else place(signed) + limit
        else:
            due = start + limit + extension
        if due is not None and due > total:
            raise _Fallback  # add() would leave the known years: compute() reports it
        dues.append(due)
    sign_due, _, reply_due = dues
    overdue = False
    if case.status in OPEN:
        current = next((due for stage, due in zip(STAGES, dues) if due is not None and stage not in done), None)
        if current is not None:
            remaining = current - place(now_us)
            overdue = remaining < 0 or (remaining == 0 and now_us > calendar.moment_us(run, current))
    sign_ok = sign_due is not None and signed is not None and not late(sign_due, signed)
    reply_late = reply_due is not None and late(reply_due, done.get(Stage.REPLY))
    return sign_ok, reply_late or overdue


def working_seconds_us(calendar: WorkCalendar, start_us: int, end_us: int) -> int:
    """``calendar.between`` for epoch microseconds."""
    if calendar.fixed_offset is not None:
        try:
            run_a, a = calendar.position_us(start_us)
            run_b, b = calendar.position_us(end_us)
            if run_a is run_b:
                return b - a
        except CalendarUnknown:
            pass
    return calendar.between(from_epoch_us(start_us), from_epoch_us(end_us))


def local_month(calendar: WorkCalendar, moment_us: int, tz, cache: dict) -> str:
    """"YYYY-MM" of a moment in the portal's time zone."""
    if calendar.fixed_offset is not None:
        ordinal = (moment_us // 1_000_000 + calendar.fixed_offset) // 86400
        month = cache.get(ordinal)
        if month is None:
            day = dt.date.fromordinal(ordinal + dt.date(1970, 1, 1).toordinal())
            month = cache[ordinal] = f"{day.year:04d}-{day.month:02d}"
        return month
    local = from_epoch_us(moment_us).astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"
