"""Cases for tests, made through the services like everything else."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from apps.core.scoping import scopes_disabled
from apps.petitions.enums import Action, Source
from apps.petitions.models import Category
from apps.petitions.services import case_receive, case_transition

TZ = ZoneInfo("Asia/Shanghai")


def at(y, mo, d, h=9, mi=0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=TZ)


def category(code: str = "wages-arrears") -> Category:
    return Category.objects.get(code=code)


_counter = [0]


def make_case(*, received_at=None, urgency="normal", order_no=None, petitioner_unit=None, **kw):
    _counter[0] += 1
    with scopes_disabled():
        case, _ = case_receive(
            source=kw.pop("source", Source.P12351), order_no=order_no or f"T{_counter[0]:06d}",
            received_at=received_at or at(2025, 9, 29, 9), petitioner_name="王老师", petitioner_phone="13800138000",
            category=kw.pop("category", None) or category(), urgency=urgency, title="绩效工资未按时发放",
            content="本校绩效工资已拖欠两个月。", petitioner_unit=petitioner_unit, **kw)
    return case


def move(case, action, *, actor=None, **kw):
    with scopes_disabled():
        return case_transition(case=case, action=action, actor=actor, **kw)


def dispatched(unit, *, when, urgency="normal", **kw):
    case = make_case(received_at=when, urgency=urgency, **kw)
    return move(case, Action.DISPATCH, unit=unit, at=when)
