"""Deadlines, computed on read from a case's history and the working calendar.

Nothing is stored: a stage's clock starts at the round's dispatch (签收, 答复) or at the
signing (首次联系), stands still while the case is paused, and the reply deadline is
stretched by every approved extension of the round. Correcting the calendar or a rule
changes every open case's deadlines at the next read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case as DbCase
from django.db.models.expressions import RawSQL
from django.db.models import BigIntegerField, F, Func, JSONField, QuerySet, Value, When
from django.utils import timezone

from .calendar import load_calendar
from .enums import Action, CaseStatus, Stage
from .models import Case, CaseEvent, DeadlineRule
from .workcal import CalendarUnknown, WorkCalendar

ROUND_START = {Action.DISPATCH, Action.REOPEN}
STAGE_DONE = {Stage.SIGN: Action.SIGN, Stage.CONTACT: Action.CONTACT, Stage.REPLY: Action.REPLY}
OPEN = {CaseStatus.DISPATCHED, CaseStatus.SIGNED, CaseStatus.HANDLING}


@dataclass(frozen=True)
class StageDeadline:
    stage: str
    started_at: dt.datetime
    due_at: dt.datetime | None  # None while paused
    done_at: dt.datetime | None

    @property
    def late(self) -> bool:
        return self.due_at is not None and self.done_at is not None and self.done_at > self.due_at


@dataclass(frozen=True)
class CaseDeadlines:
    stages: dict
    current: StageDeadline | None  # the earliest stage not done yet
    remaining_seconds: int | None  # working seconds to the current deadline (negative: overdue)
    error: str = ""

    @property
    def overdue(self) -> bool:
        return self.remaining_seconds is not None and self.remaining_seconds < 0

    @property
    def remaining_label(self) -> str:
        if self.error:
            return self.error
        if self.current is None:
            return ""
        if self.remaining_seconds is None:
            return "暂停中"
        return format_working(self.remaining_seconds)


def format_working(seconds: int) -> str:
    sign = "超期 " if seconds < 0 else ""
    minutes = abs(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{hours} 工作小时 {minutes} 分" if hours else f"{sign}{minutes} 分"


def load_rules() -> dict[tuple, int]:
    """(kind, urgency, stage) -> seconds; a warning kind's own rule as (kind, urgency, stage, warning kind)."""
    return {(k, u, s, *([w] if w else [])): m * 60 for k, w, u, s, m in DeadlineRule.objects.values_list(
        "case_kind", "warning_kind", "urgency", "stage", "minutes")}


def compute(case: Case, events: Iterable, calendar: WorkCalendar, rules: dict, now: dt.datetime) -> CaseDeadlines:
    """``events``: the case's (action, at, data) in time order."""
    events = list(events)
    starts = [i for i, (action, _, _) in enumerate(events) if action in ROUND_START]
    if not starts or case.status not in OPEN and case.status not in (CaseStatus.REPLIED, CaseStatus.CLOSED,
                                                                        CaseStatus.VISITED):
        return CaseDeadlines({}, None, None)
    round_events = events[starts[-1]:]
    dispatched_at = round_events[0][1]
    pauses: list[list] = []
    extension = 0
    done: dict[str, dt.datetime] = {}
    for action, at, data in round_events[1:]:
        if action == Action.PAUSE:
            pauses.append([at, None])
        elif action == Action.RESUME and pauses and pauses[-1][1] is None:
            pauses[-1][1] = at
        elif action == Action.APPROVE_EXTENSION:
            extension += int((data or {}).get("hours", 0)) * 3600
        for stage, finishing in STAGE_DONE.items():
            if action == finishing and stage not in done:
                done[stage] = at
    try:
        stages = {}
        for stage in (Stage.SIGN, Stage.CONTACT, Stage.REPLY):
            warning_kind = getattr(case, "warning_kind", "")  # light records (the rates) are petitions
            limit = rules.get((case.kind, case.urgency, stage, warning_kind)) if warning_kind else None
            limit = rules.get((case.kind, case.urgency, stage)) if limit is None else limit
            start = dispatched_at if stage != Stage.CONTACT else done.get(Stage.SIGN)
            if limit is None or start is None:
                continue
            limit += extension if stage == Stage.REPLY else 0
            due = calendar.deadline(start, limit, [(a, b) for a, b in pauses])
            stages[stage] = StageDeadline(stage, start, due, done.get(stage))
        current = next((d for d in stages.values() if d.done_at is None), None) if case.status in OPEN else None
        remaining = None
        if current is not None and current.due_at is not None:
            remaining = calendar.between(now, current.due_at)
            if remaining == 0 and now > current.due_at:
                remaining = -1
        return CaseDeadlines(stages, current, remaining)
    except CalendarUnknown as exc:
        return CaseDeadlines({}, None, None, error=str(exc))


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class EpochMicros(Func):
    """A timestamp as whole microseconds since the epoch (PostgreSQL: EXTRACT EPOCH; SQLite, the
    embedded ``make run`` database, stores UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]": whole seconds
    through julianday, rounded, plus the text's microseconds)."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template=(
            "(CAST(ROUND((julianday(substr(%(expressions)s, 1, 19)) - 2440587.5) * 86400) AS INTEGER) * 1000000"
            " + CAST(substr(%(expressions)s || '.000000', 21, 6) AS INTEGER))"), **extra_context)


def epoch_us(field: str) -> Func:
    """A timestamp as whole microseconds since the epoch: read back as an int, exactly, and
    far quicker than psycopg's parsing of timestamp text (``from_epoch_us`` undoes it)."""
    return EpochMicros(F(field))


def from_epoch_us(value: int | None) -> dt.datetime | None:
    return None if value is None else EPOCH + dt.timedelta(microseconds=value)


def to_epoch_us(moment: dt.datetime) -> int:
    return (moment - EPOCH) // dt.timedelta(microseconds=1)


# The moves ``compute`` reads; the others (受理, 办结, 回访 …) never change a deadline.
DEADLINE_ACTIONS = frozenset({*ROUND_START, Action.PAUSE, Action.RESUME, Action.APPROVE_EXTENSION,
                              *STAGE_DONE.values()})


def deadlines_for(cases: Iterable[Case], *, now: dt.datetime | None = None,
                  history_of: QuerySet | None = None) -> dict[int, CaseDeadlines]:
    """Deadlines of many cases: one query for their histories, the calendar and rules once.
    ``cases`` need ``pk``, ``kind``, ``urgency``, ``status`` (and ``warning_kind`` for warnings); ``history_of``: a
    queryset of those cases' ids (a subquery) instead of a list of their ids."""
    cases = list(cases)
    now = now or timezone.now()
    history: dict[int, list] = defaultdict(list)
    # the cases were read through the scoped manager; their histories follow them
    events = CaseEvent._base_manager.filter(case__in=history_of if history_of is not None else [c.pk for c in cases],
                                            action__in=DEADLINE_ACTIONS)
    # only an approved extension's data is read (its hours): the rest stay undecoded
    extension = DbCase(When(action=Action.APPROVE_EXTENSION, then=F("data")), default=Value(None),
                       output_field=JSONField())
    for case_id, action, at, data in (events.order_by("at", "id").annotate(extension=extension, at_us=epoch_us("at"))
                                      .values_list("case_id", "action", "at_us", "extension")):
        history[case_id].append((action, EPOCH + dt.timedelta(microseconds=at), data))
    calendar, rules = load_calendar(), load_rules()
    return {c.pk: compute(c, history[c.pk], calendar, rules, now) for c in cases}


def histories_us(case_ids: QuerySet | RawSQL) -> dict[int, list]:
    """The deadline moves of the cases ``case_ids`` (a subquery), per case in time order, as
    (action, epoch microseconds, approved extension's data or None) — one query."""
    history: dict[int, list] = defaultdict(list)
    extension = DbCase(When(action=Action.APPROVE_EXTENSION, then=F("data")), default=Value(None),
                       output_field=JSONField())
    for case_id, action, at, data in (CaseEvent._base_manager.filter(case__in=case_ids, action__in=DEADLINE_ACTIONS)
                                      .order_by("at", "id").annotate(extension=extension, at_us=epoch_us("at"))
                                      .values_list("case_id", "action", "at_us", "extension")):
        history[case_id].append((action, at, data))
    return history


def case_deadlines(case: Case, *, now: dt.datetime | None = None) -> CaseDeadlines:
    return deadlines_for([case], now=now)[case.pk]


# the moves inside a round that make its deadlines more than "start + limit": read from the full history
_ROUND_SHAPING = (Action.PAUSE, Action.RESUME, Action.APPROVE_EXTENSION)

_ROUNDS_SQL = """
WITH starts AS (
    SELECT DISTINCT ON (e.case_id) e.case_id, e.at, e.id FROM {events} e
    WHERE e.case_id IN ({case_ids}) AND e.action IN (%s, %s)
    ORDER BY e.case_id, e.at DESC, e.id DESC
)
SELECT s.case_id, (EXTRACT(EPOCH FROM s.at) * 1000000)::bigint,
    (EXTRACT(EPOCH FROM MIN(e.at) FILTER (WHERE e.action = %s)) * 1000000)::bigint,
    (EXTRACT(EPOCH FROM MIN(e.at) FILTER (WHERE e.action = %s)) * 1000000)::bigint,
    (EXTRACT(EPOCH FROM MIN(e.at) FILTER (WHERE e.action = %s)) * 1000000)::bigint,
    COUNT(e.id) FILTER (WHERE e.action IN (%s, %s, %s)) > 0
FROM starts s LEFT JOIN {events} e ON e.case_id = s.case_id AND e.action IN (%s, %s, %s, %s, %s, %s)
    AND (e.at, e.id) > (s.at, s.id)
GROUP BY s.case_id, s.at
"""


def rounds_us(case_ids: QuerySet) -> dict[int, list]:
    """What ``compute`` reads of the cases ``case_ids`` (a subquery), per case, as ``histories_us``
    gives it — but on PostgreSQL summed up per case in SQL: a case whose last round has no pause,
    resume or approved extension gets only that round's start and each stage's first finishing
    move (all ``compute`` reads of it); only the others' full histories are read row by row.
    Other databases: ``histories_us``."""
    if connection.vendor != "postgresql":
        return histories_us(case_ids)
    sub_sql, sub_params = case_ids.query.sql_with_params()
    sql = _ROUNDS_SQL.format(events=connection.ops.quote_name(CaseEvent._meta.db_table), case_ids=sub_sql)
    stage_moves = (Action.SIGN.value, Action.CONTACT.value, Action.REPLY.value)
    shaping_moves = tuple(a.value for a in _ROUND_SHAPING)
    params = (*sub_params, Action.DISPATCH.value, Action.REOPEN.value, *stage_moves, *shaping_moves, *stage_moves,
              *shaping_moves)
    history: dict[int, list] = {}
    shaped: list[int] = []
    dispatch, sign, contact, reply = Action.DISPATCH.value, Action.SIGN.value, Action.CONTACT.value, \
        Action.REPLY.value
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for case_id, start, signed, contacted, replied, shaping in cursor.fetchall():
            if shaping:
                shaped.append(case_id)
                continue
            events = [(dispatch, start, None)]
            if signed is not None:
                events.append((sign, signed, None))
            if contacted is not None:
                events.append((contact, contacted, None))
            if replied is not None:
                events.append((reply, replied, None))
            history[case_id] = events
    if shaped:
        # their ids as one array parameter (not thousands of IN parameters)
        history.update(histories_us(RawSQL("SELECT unnest(%s::bigint[])", (shaped,))))
    return history

