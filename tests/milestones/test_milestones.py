"""Milestones (入职/入会 5, 10, 20, 30 年): the monthly run puts ONE message per person in the
outbox; running the month again adds nothing (the dedup key is unique)."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.core.models import OutboxMessage
from apps.core.scoping import scopes_disabled
from apps.members.enums import EmploymentType
from apps.milestones.milestones import milestones_run
from apps.milestones.tasks import milestones_monthly
from tests.milestones.factories import make_teacher

pytestmark = pytest.mark.django_db


def test_one_message_per_person_and_a_rerun_adds_nothing(tree, settings):
    settings.OUTBOX_CHANNEL = "log"
    both = make_teacher(tree.tsinghua, name="双周年", started=dt.date(2016, 3, 1))  # 入职 and 入会 10 years
    five = make_teacher(tree.haidian, name="五年整", started=dt.date(2021, 3, 15))
    make_teacher(tree.chaoyang, name="七年了", started=dt.date(2019, 3, 1))  # 7 years: no milestone
    make_teacher(tree.chaoyang, name="四月的", started=dt.date(2016, 4, 1))  # another month
    make_teacher(tree.chaoyang, name="已退休", started=dt.date(1996, 3, 1), employment_type=EmploymentType.RETIRED)

    first = milestones_run(year=2026, month=3, deliver=False)
    assert first == {"year": 2026, "month": 3, "people": 2, "created": 2}
    with scopes_disabled():
        messages = {m.recipient_member_id: m for m in OutboxMessage.objects.all()}
    assert set(messages) == {both.pk, five.pk}
    double = messages[both.pk]
    assert double.subject == "双周年：入职10周年、入会10周年" and double.organization_id == tree.tsinghua.pk
    assert "入职 10 周年（2016年03月入职）" in double.body and "清华大学工会" in double.body
    assert messages[five.pk].dedup_key == f"milestone:2026-03:member:{five.pk}"

    again = milestones_monthly.run(year=2026, month=3)  # the beat task's body, the same month again
    assert again["created"] == 0 and again["people"] == 2
    with scopes_disabled():
        assert OutboxMessage.objects.count() == 2
