"""No double booking, ever (PostgreSQL): 50 concurrent requests for a slot of capacity 10 book
exactly 10; a control run without the row locks over-books, so the test would catch it.

Every thread waits at a barrier right after counting (up to two seconds): without the lock all
of them count the same free places; with it the first holds the slot row, the barrier times
out and the others are served one after the other."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.service_points import services
from apps.service_points.models import LIVE, Booking
from tests.factories.orgs import make_user
from tests.service_points.factories import make_resource, make_slot, make_teachers

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]
REQUESTS = 50


def run_together(jobs) -> list:
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
        t.join(timeout=180)
    return outcomes


def slow_after_counting(monkeypatch, parties: int) -> None:
    counted = threading.Barrier(parties, timeout=2)
    real = services._live_counts

    def slow(slot):
        value = real(slot)
        try:
            counted.wait()
        except threading.BrokenBarrierError:
            pass
        return value

    monkeypatch.setattr(services, "_live_counts", slow)


def booking_race(tree, monkeypatch, *, locking: bool):
    monkeypatch.setattr(services, "LOCKING", locking)
    slow_after_counting(monkeypatch, REQUESTS)
    slot = make_slot(make_resource(tree.tsinghua), capacity=10)
    teachers = make_teachers(tree.haidian_school, REQUESTS)
    outcomes = run_together([lambda u=u: services.slot_book(slot=slot, user=u) for u in teachers])
    with scopes_disabled():
        live = Booking.objects.filter(slot=slot, status__in=LIVE).count()
    return outcomes, live


def test_fifty_concurrent_bookings_for_ten_places_book_exactly_ten(tree, monkeypatch):
    outcomes, live = booking_race(tree, monkeypatch, locking=True)
    booked = [o for o in outcomes if isinstance(o, tuple) and o[1]]
    full = [o for o in outcomes if isinstance(o, services.SlotFull)]
    assert (len(booked), len(full), live) == (10, 40, 10), outcomes
    assert {f.messages[0] for f in full} == {services.FULL}


def test_control_without_the_slot_lock_overbooks(tree, monkeypatch):
    _outcomes, live = booking_race(tree, monkeypatch, locking=False)
    assert live > 10  # the test above would catch an over-booking


def test_a_concurrent_double_submit_books_once(tree):
    """Through the API, as a phone's double tap would: one 201 and two 200 with the same
    booking (the person's row lock serialises them)."""
    slot = make_slot(make_resource(tree.tsinghua), capacity=5)
    user = make_user("t_double", tree.haidian_school, Role.TEACHER)

    def submit():
        client = Client()
        client.force_login(user)
        response = client.post(f"/api/v1/welfare/slots/{slot.pk}/book/", {}, content_type="application/json")
        return response.status_code, response.json().get("id")

    outcomes = run_together([submit, submit, submit])
    assert sorted(code for code, _ in outcomes) == [200, 200, 201], outcomes
    assert len({pk for _, pk in outcomes}) == 1
    with scopes_disabled():
        assert Booking.objects.filter(user=user).count() == 1
