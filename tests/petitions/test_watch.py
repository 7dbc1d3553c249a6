"""The beat task: a case due within a working day is warned once, an overdue one escalated
(督办) once; both recorded in the case's history through case_transition."""

from __future__ import annotations

import pytest

from apps.core.scoping import scopes_disabled
from apps.petitions.models import CaseEvent
from apps.petitions.tasks import deadlines_watch
from tests.petitions.factories import at, dispatched

pytestmark = pytest.mark.django_db


def count(case, action):
    with scopes_disabled():
        return CaseEvent._base_manager.filter(case=case, action=action).count()


def test_warns_due_soon_and_escalates_overdue_once(tree):
    due_soon = dispatched(tree.haidian, when=at(2025, 10, 9, 9))  # sign due 10 Oct 09:00
    overdue = dispatched(tree.chaoyang, when=at(2025, 9, 29, 9))  # sign due 30 Sep 09:00
    later = dispatched(tree.tsinghua, when=at(2025, 10, 9, 9), urgency="complex")
    later_signed_at = at(2025, 10, 9, 10)
    from tests.petitions.factories import move

    move(later, "sign", at=later_signed_at)
    move(later, "contact", at=later_signed_at)  # reply due in 15 working days
    now = at(2025, 10, 9, 16)
    assert deadlines_watch(now=now) == {"warned": 1, "escalated": 1}
    assert deadlines_watch(now=now) == {"warned": 0, "escalated": 0}  # once
    assert (count(due_soon, "warn"), count(overdue, "escalate"), count(later, "warn")) == (1, 1, 0)
