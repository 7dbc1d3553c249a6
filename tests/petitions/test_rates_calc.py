"""The rates' integer arithmetic (rates_calc) answers exactly what deadlines.compute answers —
signed on time, overdue — on random histories: several rounds, pauses (open ones too),
extensions, moves at any second, near the end of the known years (where compute reports an
error and the fast path must hand over)."""

from __future__ import annotations

import datetime as dt
import random
from typing import NamedTuple

from apps.petitions.deadlines import compute, from_epoch_us, to_epoch_us
from apps.petitions.rates_calc import _Fallback, _flags, rate_flags
from apps.petitions.reference import RULES
from apps.petitions.workcal import CalendarUnknown
from tests.petitions.factories import TZ
from tests.petitions.test_calendar_properties import CAL

STAGES = ("sign", "contact", "reply")
RULE_MINUTES = {(kind, urgency, stage): minutes * 60 for (kind, urgency), values in RULES.items()
                for stage, minutes in zip(STAGES, values, strict=True)}


class C(NamedTuple):
    pk: int
    kind: str
    urgency: str
    status: str


def random_history(rng: random.Random):
    t = dt.datetime(2025, 1, 1, tzinfo=TZ) + dt.timedelta(seconds=rng.randint(0, 729 * 86400))
    events = [("receive", t, {})]
    status = "received"
    for _ in range(rng.choice((1, 1, 1, 2))):  # rounds (a reopen after an unsatisfied callback)
        t += dt.timedelta(seconds=rng.randint(1, 3 * 86400))
        events.append(("dispatch" if len(events) == 1 else "reopen", t, {}))
        status = "dispatched"
        for action, next_status in (("sign", "signed"), ("contact", "handling"), ("reply", "replied"),
                                    ("close", "closed"), ("callback", "visited")):
            if rng.random() < 0.12:
                break
            if action in ("contact", "reply") and rng.random() < 0.3:
                for _ in range(rng.choice((1, 1, 2))):
                    t += dt.timedelta(seconds=rng.randint(1, 86400))
                    events.append(("pause", t, {}))
                    if rng.random() < 0.85:
                        t += dt.timedelta(seconds=rng.randint(1, 5 * 86400))
                        events.append(("resume", t, {}))
                if rng.random() < 0.2:
                    t += dt.timedelta(seconds=rng.randint(1, 86400))
                    events.append(("approve_extension", t, {"hours": rng.choice((8, 16, 40))}))
            t += dt.timedelta(seconds=rng.randint(1, 6 * 86400 if action == "reply" else 40 * 3600))
            events.append((action, t, {}))
            status = next_status
    return status, sorted(events, key=lambda e: e[1]), t + dt.timedelta(seconds=rng.randint(0, 10 * 86400))


def test_the_fast_flags_are_compute_s():
    rng = random.Random(16)
    fast = handed_over = 0
    for i in range(3000):
        status, events, now = random_history(rng)
        case = C(i, rng.choice(("petition", "warning")), rng.choice(("urgent", "normal", "complex")), status)
        d = compute(case, events, CAL, RULE_MINUTES, now)
        sign, reply = d.stages.get("sign"), d.stages.get("reply")
        expected = (bool(sign and sign.done_at and not sign.late), bool((reply and reply.late) or d.overdue))
        history_us = [(a, to_epoch_us(at), data) for a, at, data in events]
        try:
            assert _flags(case, history_us, CAL, RULE_MINUTES, to_epoch_us(now)) == expected, (i, events)
            fast += 1
        except (_Fallback, CalendarUnknown):
            handed_over += 1
        assert rate_flags(case, history_us, CAL, RULE_MINUTES, to_epoch_us(now)) == expected, (i, events)
    assert fast > 2500 and handed_over > 0  # both paths were exercised


def test_epoch_positions_are_the_calendar_s():
    rng = random.Random(7)
    for _ in range(2000):
        moment = dt.datetime(2025, 1, 1, tzinfo=TZ) + dt.timedelta(microseconds=rng.randint(0, 729 * 86400 * 10**6))
        run, position = CAL.position_us(to_epoch_us(moment))
        first = dt.datetime(2025, 1, 1, tzinfo=TZ)
        assert position == CAL.between(first, moment)
        if position > 0:
            assert from_epoch_us(CAL.moment_us(run, position)) == CAL.add(first, position)
