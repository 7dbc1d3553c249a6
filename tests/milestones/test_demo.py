"""The 从教30周年 demo: N universities topped up to M teachers of 1995 through the registry's
generator and validation, their 2025 rolls built and confirmed (清华 left for its unit);
re-running changes nothing. (Small N and M here; the demo's are 41 and 44 = 1,804.)"""

from __future__ import annotations

import pytest

from apps.core.demo import seeders
from apps.core.scoping import scopes_disabled
from apps.members.models import Member
from apps.milestones import demo
from apps.milestones.enums import RollStatus
from apps.milestones.models import ThirtyYearHonoree, ThirtyYearRoll

pytestmark = pytest.mark.django_db


def test_seed_is_reproducible_and_idempotent(monkeypatch):
    monkeypatch.setattr(demo, "UNIVERSITIES", 3)
    monkeypatch.setattr(demo, "PER_UNIVERSITY", 4)
    for seeder in seeders():
        if seeder.name in ("organizations", "accounts"):
            seeder.seed({})
    assert demo.seed_thirty_years(members=0) == {"created": 0}  # a bare city: nothing generated
    first = demo.seed_thirty_years(members=demo.MIN_MEMBERS)
    assert first == {"created": 12}
    with scopes_disabled():
        state = (Member.objects.count(), ThirtyYearHonoree.objects.count(),
                 sorted(ThirtyYearRoll.objects.filter(honoree_count__gt=0).values_list(
                     "organization__code", "status", "honoree_count")))
        teachers = list(Member.objects.filter(teaching_since__year=1995))
    assert state[1] == 12 and len(state[2]) == 3
    assert {(code == "U-THU", status) for code, status, _ in state[2]} == {
        (True, RollStatus.DRAFT), (False, RollStatus.CONFIRMED)}
    assert all(m.birth_date.year <= 1995 - 22 and m.id_hash and m.phone for m in teachers)
    assert demo.seed_thirty_years(members=demo.MIN_MEMBERS) == {"created": 0}
    with scopes_disabled():
        assert (Member.objects.count(), ThirtyYearHonoree.objects.count(),
                sorted(ThirtyYearRoll.objects.filter(honoree_count__gt=0).values_list(
                    "organization__code", "status", "honoree_count"))) == state
    assert "3 所高校 12 人" in demo.thirty_years_line()
