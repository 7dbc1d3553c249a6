"""The rates read each case's last round summed up in SQL (``deadlines.rounds_us``): for
random histories in the database — several rounds, pauses, extensions, moves at the same
second as the round's start — ``compute`` answers the same from that summary as from the full
history (``histories_us``), and ``case_rates`` counts the same."""

from __future__ import annotations

import datetime as dt
import random

from apps.core.scoping import scopes_disabled
from apps.petitions.calendar import load_calendar
from apps.petitions.deadlines import compute, from_epoch_us, histories_us, load_rules, rounds_us
from apps.petitions.models import Case, CaseEvent
from apps.petitions.selectors import case_rates
from tests.petitions.factories import make_case
from tests.petitions.test_rates_calc import C, random_history


def test_the_round_summary_answers_as_the_full_history(db, tree):
    rng = random.Random(9)
    template = make_case()
    with scopes_disabled():
        cases, histories = [], []
        for i in range(400):
            status, events, _ = random_history(rng)
            if rng.random() < 0.3:  # a move at the very second of the previous one (ordered by id)
                k = rng.randrange(1, len(events))
                events[k] = (events[k][0], events[k - 1][1], events[k][2])
            case = Case(kind="petition", source=template.source, order_no=f"R{i:05d}", received_at=events[0][1],
                        petitioner_name="诉求人", category=template.category, urgency=rng.choice(
                            ("urgent", "normal", "complex")), title="诉求", content="诉求内容",
                        organization=tree.haidian, status=status,
                        dispatched_at=next((t for a, t, _ in events if a == "dispatch"), None))
            cases.append(case)
            histories.append(events)
        Case._base_manager.bulk_create(cases)
        CaseEvent._base_manager.bulk_create([CaseEvent(case=case, action=a, at=at, data=data)
                                             for case, events in zip(cases, histories, strict=True)
                                             for a, at, data in events])
        ids = Case._base_manager.filter(order_no__startswith="R").values("pk")
        summary, full = rounds_us(ids), histories_us(ids)
        calendar, rules = load_calendar(), load_rules()
        now = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
        summed = signed_on_time = overdue = 0
        for case in cases:
            light = C(case.pk, case.kind, case.urgency, case.status)

            def deadlines(events):
                return compute(light, [(a, from_epoch_us(t), d) for a, t, d in events], calendar, rules, now)

            assert deadlines(summary.get(case.pk, [])) == deadlines(full.get(case.pk, [])), case.pk
            d = deadlines(full.get(case.pk, []))
            sign, reply = d.stages.get("sign"), d.stages.get("reply")
            signed_on_time += bool(case.dispatched_at and sign and sign.done_at and not sign.late)
            overdue += bool((reply and reply.late) or d.overdue)
            summed += summary.get(case.pk) != full.get(case.pk)
        # cases of several rounds were read as their last round's summary, paused ones in full
        assert summed > 30
        assert sum(any(a == "pause" for a, _, _ in events) for events in summary.values()) > 30
        assert len(summary) == len(full)

        rows = case_rates(Case._base_manager.filter(order_no__startswith="R"), by=("month",), now=now)
        assert sum(r.received for r in rows) == 400
        assert sum(r.signed_on_time for r in rows) == signed_on_time > 50
        assert sum(r.overdue for r in rows) == overdue > 10
