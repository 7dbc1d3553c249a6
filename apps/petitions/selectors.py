"""Reads reused by the admin, the API, the dashboards, exports and the beat task."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from .calendar import load_calendar
from .deadlines import deadlines_for, epoch_us, load_rules, rounds_us, to_epoch_us
from .enums import DONE_STATUSES, CaseKind, CaseStatus, Satisfaction
from .rates_calc import local_month, rate_flags, working_seconds_us
from .models import Case, PlatformAccount

GROUPS = ("unit", "month", "category")


class _RateCase(NamedTuple):
    """What the rates read of a case (``rate_flags`` reads pk, kind, urgency, status); moments in epoch µs."""

    pk: int
    kind: str
    urgency: str
    status: str
    received_at: int  # epoch microseconds
    unit: str
    category: str
    parent_category: str | None
    replied_at: int | None
    dispatched_at: int | None
    satisfaction: str
    solved: bool | None


@dataclass
class RateRow:
    key: tuple
    received: int = 0
    dispatched: int = 0
    signed_on_time: int = 0
    closed: int = 0
    callbacks: int = 0
    satisfied: int = 0
    solved: int = 0
    replies: int = 0
    reply_seconds: int = 0
    overdue: int = 0
    labels: dict = field(default_factory=dict)

    @staticmethod
    def _pct(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def response_rate(self):  # 响应率: signed within the deadline, of the dispatched
        return self._pct(self.signed_on_time, self.dispatched)

    @property
    def solve_rate(self):  # 解决率: solved at callback
        return self._pct(self.solved, self.callbacks)

    @property
    def satisfaction_rate(self):  # 满意率: 满意 + 基本满意 among callbacks
        return self._pct(self.satisfied, self.callbacks)

    @property
    def close_rate(self):  # 办结率: closed of received
        return self._pct(self.closed, self.received)

    @property
    def avg_reply_hours(self):  # average working hours from dispatch to reply
        return round(self.reply_seconds / self.replies / 3600, 1) if self.replies else None

    def as_dict(self) -> dict:
        return {**self.labels, "received": self.received, "closed": self.closed, "callbacks": self.callbacks,
                "response_rate": self.response_rate, "solve_rate": self.solve_rate,
                "satisfaction_rate": self.satisfaction_rate, "close_rate": self.close_rate,
                "avg_reply_hours": self.avg_reply_hours, "overdue": self.overdue}


def case_rates(cases: QuerySet | None = None, *, start: dt.date | None = None, end: dt.date | None = None,
               by: tuple[str, ...] = ("unit",), now: dt.datetime | None = None) -> list[RateRow]:
    """响应率, 解决率, 满意率, 办结率, average working hours to reply and overdue count per
    responsible unit / month of receipt / top category (any combination of ``by``), for the
    cases received in [start, end) of the acting scope. The one place these figures come from."""
    if set(by) - set(GROUPS):
        raise ValueError(f"group by one of {GROUPS}")
    # the 12351 rates are the petitions' (labour-relations warnings are handled alike, not rated)
    qs = Case.objects.filter(kind=CaseKind.PETITION) if cases is None else cases
    if start:
        qs = qs.filter(received_at__date__gte=start)
    if end:
        qs = qs.filter(received_at__date__lt=end)
    # plain rows, not model instances, moments as epoch microseconds: a whole city's two years stay quick
    # (read by the cursor itself: these columns need none of Django's converters)
    sql, params = qs.order_by().annotate(
        received_us=epoch_us("received_at"), replied_us=epoch_us("replied_at"),
        dispatched_us=epoch_us("dispatched_at")).values_list(
        "id", "kind", "urgency", "status", "received_us", "organization__name", "category__name",
        "category__parent__name", "replied_us", "dispatched_us", "satisfaction", "solved").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        records = list(map(_RateCase._make, cursor.fetchall()))
    now_us = to_epoch_us(now or timezone.now())
    history = rounds_us(qs.order_by().values("pk"))
    calendar, rules = load_calendar(), load_rules()
    tz = timezone.get_current_timezone()
    months: dict[int, str] = {}
    rows: dict[tuple, RateRow] = {}
    done_statuses = frozenset(DONE_STATUSES)
    pleased = (Satisfaction.SATISFIED, Satisfaction.BASIC)
    by_month, by_unit_month = "month" in by, by == ("unit", "month")
    for case in records:
        month = local_month(calendar, case.received_at, tz, months) if by_month else None
        if by_unit_month:  # the bench's and the exports' grouping, without a dict per case
            key = (case.unit, month)
        else:
            labels = {"unit": case.unit, "month": month, "category": case.parent_category or case.category}
            key = tuple(labels[g] for g in by)
        row = rows.get(key)
        if row is None:
            row = rows[key] = RateRow(key=key, labels=dict(zip(by, key, strict=True)))
        row.received += 1
        signed_on_time, overdue = rate_flags(case, history.get(case.pk, []), calendar, rules, now_us)
        if case.dispatched_at is not None:
            row.dispatched += 1
            row.signed_on_time += signed_on_time
        if case.status in done_statuses:
            row.closed += 1
        if case.status == CaseStatus.VISITED:
            row.callbacks += 1
            row.satisfied += case.satisfaction in pleased
            row.solved += bool(case.solved)
        if case.replied_at and case.dispatched_at:
            row.replies += 1
            row.reply_seconds += working_seconds_us(calendar, case.dispatched_at, case.replied_at)
        row.overdue += overdue
    return sorted(rows.values(), key=lambda r: r.key)


@dataclass
class QueueEntry:
    case: Case
    remaining_seconds: int | None
    label: str


def cases_by_deadline(cases: QuerySet, *, now: dt.datetime | None = None) -> list[QueueEntry]:
    """Open cases, soonest deadline first (paused and unknown last)."""
    cases = list(cases.filter(status__in=[CaseStatus.DISPATCHED, CaseStatus.SIGNED, CaseStatus.HANDLING])
                 .select_related("organization", "category"))
    info = deadlines_for(cases, now=now)
    entries = [QueueEntry(c, info[c.pk].remaining_seconds, info[c.pk].remaining_label) for c in cases]
    return sorted(entries, key=lambda e: (e.remaining_seconds is None, e.remaining_seconds or 0))


def work_queue(cases: QuerySet | None = None, *, now: dt.datetime | None = None) -> dict[str, list[QueueEntry]]:
    """A unit's 待签收 / 待办理 / 即将超期 (due within PETITIONS_DUE_SOON_HOURS working hours, or overdue)."""
    entries = cases_by_deadline(Case.objects.all() if cases is None else cases, now=now)
    soon = settings.PETITIONS_DUE_SOON_HOURS * 3600
    return {
        "to_sign": [e for e in entries if e.case.status == CaseStatus.DISPATCHED],
        "to_handle": [e for e in entries if e.case.status in (CaseStatus.SIGNED, CaseStatus.HANDLING)],
        "due_soon": [e for e in entries if e.remaining_seconds is not None and e.remaining_seconds <= soon],
    }


def accounts_to_review() -> list[tuple[PlatformAccount, str]]:
    """Active 12351 accounts whose holder (linked to the member registry) left the unit or
    the union (若人员调整及时更新权限)."""
    out = []
    for account in PlatformAccount.objects.filter(status="active").select_related(
            "organization", "member__organization"):
        member = account.member
        if member is None:
            continue  # not linked to the registry: nothing to check against
        if member.status != "active":
            out.append((account, f"持有人已{member.get_status_display()}"))
        elif not member.organization.path.startswith(account.organization.path):
            out.append((account, "持有人已调离本单位"))
    return out


def rates_by(*, by: tuple[str, ...], start=None, end=None) -> list[dict]:
    return [r.as_dict() for r in case_rates(start=start, end=end, by=by)]


