"""Race tests on PostgreSQL: the group capacity and the unit quota hold under concurrency,
and a teacher's concurrent double submit makes one entry. Each limit has a control run
without its row lock, which shows the over-booking the lock prevents.

Every thread waits at a barrier right after counting (up to two seconds): without the lock
all of them count the same free places; with it the first holds the row, the barrier times
out and the others are served one after the other."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client

from apps.competitions.services import registration as reg
from apps.competitions.enums import EntryStatus
from apps.competitions.models import LIVE_ENTRY, Entry
from apps.core.scoping import scope, scopes_disabled
from tests.competitions.factories import make_edition, make_entry, make_quota, make_teacher
from tests.factories.members import make_member

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def run_together(jobs) -> list:
    """Run the callables in threads released together; return their results/errors."""
    start = threading.Barrier(len(jobs))
    outcomes: list = []
    lock = threading.Lock()

    def worker(job):
        try:
            start.wait()
            result = job()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test compares
            result = exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def slow_after_counting(monkeypatch, name: str, parties: int) -> None:
    counted = threading.Barrier(parties, timeout=2)
    real = getattr(reg, name)

    def slow(*args, **kwargs):
        value = real(*args, **kwargs)
        try:
            counted.wait()
        except threading.BrokenBarrierError:
            pass
        return value

    monkeypatch.setattr(reg, name, slow)


def registration_race(tree, monkeypatch, *, locking: bool) -> tuple[list, int]:
    monkeypatch.setattr(reg, "LOCKING", locking)
    slow_after_counting(monkeypatch, "_live_count", 30)
    group = make_edition(capacity=10, requires_lesson_plan=False).groups.get()
    teachers = [make_teacher(make_member(tree.tsinghua, name=f"教师{i:02d}")) for i in range(30)]
    outcomes = run_together([lambda u=u: reg.entry_register(user=u, group=group, course_title="函数的极限")
                             for u in teachers])
    with scopes_disabled():
        live = Entry.objects.filter(LIVE_ENTRY, group=group).count()
    return outcomes, live


def test_thirty_registrations_for_ten_places_admit_exactly_ten(tree, monkeypatch):
    outcomes, live = registration_race(tree, monkeypatch, locking=True)
    created = [o for o in outcomes if isinstance(o, tuple) and o[1]]
    full = [o for o in outcomes if isinstance(o, reg.GroupFull)]
    assert (len(created), len(full), live) == (10, 20, 10), outcomes


def test_control_without_the_group_lock_overshoots_the_capacity(tree, monkeypatch):
    outcomes, live = registration_race(tree, monkeypatch, locking=False)
    assert live > 10, outcomes  # the test above would catch an over-booking


def approval_race(tree, users, monkeypatch, *, locking: bool) -> tuple[list, int]:
    monkeypatch.setattr(reg, "LOCKING", locking)
    slow_after_counting(monkeypatch, "_approved_count", 10)
    group = make_edition(requires_lesson_plan=False).groups.get()
    make_quota(group, tree.tsinghua, 3)
    entries = [make_entry(group, make_member(tree.tsinghua, name=f"教师{i}"), status=EntryStatus.SUBMITTED)
               for i in range(10)]

    def approve(entry):
        with scope(paths=[tree.tsinghua.path]):
            return reg.entry_approve(entry=entry, actor=users["tsinghua"])

    outcomes = run_together([lambda e=e: approve(e) for e in entries])
    with scopes_disabled():
        approved = Entry.objects.filter(group=group, status=EntryStatus.APPROVED).count()
    return outcomes, approved


def test_concurrent_approvals_never_exceed_the_unit_quota(tree, users, monkeypatch):
    outcomes, approved = approval_race(tree, users, monkeypatch, locking=True)
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert approved == 3 and len(refused) == 7, outcomes
    assert {o.messages[0] for o in refused} == {"本单位该组别推荐名额已用完（3/3）"}


def test_control_without_the_quota_lock_exceeds_the_quota(tree, users, monkeypatch):
    _outcomes, approved = approval_race(tree, users, monkeypatch, locking=False)
    assert approved > 3


@pytest.mark.parametrize("capacity", [None, 5])
def test_a_concurrent_double_submit_makes_one_entry(tree, capacity):
    """Through the API, as a phone double-tap would: one 201, one 200 with the same entry
    (with a capacity the group lock serialises them; without one the unique constraint does)."""
    group = make_edition(capacity=capacity, requires_lesson_plan=False).groups.get()
    member = make_member(tree.tsinghua)
    user = make_teacher(member)

    def submit():
        client = Client()
        client.force_login(user)
        response = client.post("/api/v1/competitions/entries/", {"group": group.pk, "course_title": "题目"},
                               content_type="application/json")
        return response.status_code, response.json().get("id")

    outcomes = run_together([submit, submit, submit])
    assert sorted(code for code, _ in outcomes) == [200, 200, 201], outcomes
    assert len({pk for _, pk in outcomes}) == 1
    with scopes_disabled():
        assert Entry.objects.filter(member=member).count() == 1
