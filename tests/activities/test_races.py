"""Races on PostgreSQL. 300 concurrent applications for 50 first-come places admit exactly
50; 20 concurrent withdrawals with a waiting list give each freed place to exactly one next
person. Each has a control run without the session's row lock that shows the failure the
lock prevents (threads wait at a barrier right after counting, as in the registration race).

The 300 applications run on 25 threads (each its own connection; the machine's PostgreSQL is
shared), released together, each applying for 12 members back to back."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from apps.activities import services
from apps.activities.enums import ApplicationStatus as S
from apps.activities.models import Application
from apps.core.scoping import scopes_disabled
from tests.activities.factories import bulk_members, make_activity

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]
THREADS = 25


def run_together(jobs: list) -> list:
    start = threading.Barrier(len(jobs))
    outcomes, lock = [], threading.Lock()

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
        t.join(timeout=180)
    return outcomes


def slow_after_counting(monkeypatch, name: str, parties: int) -> None:
    counted = threading.Barrier(parties, timeout=1)
    real = getattr(services, name)

    def slow(*args, **kwargs):
        value = real(*args, **kwargs)
        try:
            counted.wait()
        except threading.BrokenBarrierError:
            pass
        return value

    monkeypatch.setattr(services, name, slow)


def applications_race(tree, monkeypatch, *, locking: bool) -> int:
    monkeypatch.setattr(services, "LOCKING", locking)
    slow_after_counting(monkeypatch, "held_counts", THREADS)
    _, session = make_activity(tree.root, places=50)
    members = bulk_members(tree.tsinghua, 300)
    chunks = [members[i::THREADS] for i in range(THREADS)]

    def job(chunk):
        with scopes_disabled():
            return [services.application_apply(session=session, member=m).status for m in chunk]

    outcomes = run_together([lambda c=c: job(c) for c in chunks])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    with scopes_disabled():
        return Application._base_manager.filter(session=session, status=S.ALLOCATED).count()


def test_300_applications_for_50_first_come_places_admit_exactly_50(tree, monkeypatch):
    assert applications_race(tree, monkeypatch, locking=True) == 50
    with scopes_disabled():
        assert Application._base_manager.filter(status=S.WAITLISTED).count() == 250
        ranks = list(Application._base_manager.filter(status=S.WAITLISTED).values_list("wait_rank", flat=True))
        assert sorted(ranks) == list(range(1, 251))  # one place each on the waiting list


def test_control_without_the_session_lock_admits_more_than_50(tree, monkeypatch):
    assert applications_race(tree, monkeypatch, locking=False) > 50


def withdrawals_race(tree, monkeypatch, *, locking: bool) -> tuple[int, int, int]:
    _, session = make_activity(tree.root, places=20)
    members = bulk_members(tree.tsinghua, 60)
    with scopes_disabled():
        apps = [services.application_apply(session=session, member=m) for m in members]
    held = [a for a in apps if a.status == S.ALLOCATED]
    assert len(held) == 20
    monkeypatch.setattr(services, "LOCKING", locking)
    real = services._promote_next
    barrier = threading.Barrier(20, timeout=1)

    def slow_promote(**kwargs):
        # every withdrawal reads the head of the waiting list, then waits for the others
        kwargs["session"].refresh_from_db()
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        return real(**kwargs)

    monkeypatch.setattr(services, "_promote_next", slow_promote)

    def job(application):
        with scopes_disabled():
            return services.application_withdraw(application=application)

    outcomes = run_together([lambda a=a: job(a) for a in held])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    with scopes_disabled():
        allocated = Application._base_manager.filter(session=session, status=S.ALLOCATED).count()
        promoted = Application._base_manager.filter(session=session, promoted_at__isnull=False).count()
        waiting = Application._base_manager.filter(session=session, status=S.WAITLISTED).count()
    return allocated, promoted, waiting


def test_20_withdrawals_give_each_freed_place_to_exactly_one_next_person(tree, monkeypatch):
    allocated, promoted, waiting = withdrawals_race(tree, monkeypatch, locking=True)
    assert (allocated, promoted, waiting) == (20, 20, 20)


def test_control_without_the_session_lock_loses_or_doubles_promotions(tree, monkeypatch):
    allocated, promoted, waiting = withdrawals_race(tree, monkeypatch, locking=False)
    # all 20 read the same head of the waiting list: one promotion, 19 freed places lost
    assert allocated < 20 and promoted < 20, (allocated, promoted, waiting)
