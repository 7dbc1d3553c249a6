"""Race test on PostgreSQL: two campaigns of the same kind generated at once for overlapping
people (the municipal union's and 海淀's) never pay anyone above the yearly cap. The control
run without the cap rows' lock shows the double payment the lock prevents.

Every thread waits at a barrier right after reading the people's cap usage (up to two
seconds): without the lock both read "nothing received yet"; with it the first holds the
kind's cap lock, the barrier times out and the second reads what the first added."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.db.models import Count

from apps.condolences import campaigns as svc
from apps.condolences import caps
from apps.condolences.models import Grant
from apps.core.scoping import scope, scopes_disabled

from .conftest import campaign, people, policy

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def run_together(jobs) -> list:
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
        t.join(timeout=120)
    return outcomes


def race(tree, users, monkeypatch, *, locking: bool) -> tuple[list, int]:
    monkeypatch.setattr(caps, "LOCKING", locking)
    read = threading.Barrier(2, timeout=2)
    real = caps.usage_read

    def slow(**kwargs):
        value = real(**kwargs)
        if kwargs.get("lock"):
            try:
                read.wait()
            except threading.BrokenBarrierError:
                pass
        return value

    monkeypatch.setattr(caps, "usage_read", slow)
    policy("winter_warmth", amount="500", cap_per_occasion="500", cap_per_year="500")
    staff = people(tree.haidian, 8)
    assert len(staff) == 8
    city = campaign(tree.root, users["municipal"], title="市级冬送温暖",
                    target={"units": ["D-HAIDIAN"], "front_line": True})
    district = campaign(tree.haidian, users["haidian"], title="海淀冬送温暖")

    def generate(made, unit, actor):
        with scope(paths=[unit.path]):
            return svc.campaign_generate(campaign=made, actor=actor)

    outcomes = run_together([lambda: generate(city, tree.root, users["municipal"]),
                             lambda: generate(district, tree.haidian, users["haidian"])])
    with scopes_disabled():
        most = (Grant.objects.filter(kind="winter_warmth", year=2025).values("person_hash")
                .annotate(n=Count("id")).order_by("-n").values_list("n", flat=True).first())
    return outcomes, most


def test_two_campaigns_at_once_pay_nobody_twice(tree, users, monkeypatch):
    outcomes, most = race(tree, users, monkeypatch, locking=True)
    assert most == 1
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and "未生成" in str(errors[0])  # the second found everyone at the cap


def test_control_without_the_lock_pays_people_twice(tree, users, monkeypatch):
    outcomes, most = race(tree, users, monkeypatch, locking=False)
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert most == 2  # the failure the lock prevents: the cap is exceeded
