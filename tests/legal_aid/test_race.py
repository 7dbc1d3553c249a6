"""Two concurrent submits of the same answer (a double tap on a phone) post it once: the row
lock serialises them and the second finds it already there. The control without the lock
posts it twice, so the test would catch a missing lock."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from apps.core.scoping import scopes_disabled
from apps.legal_aid import services
from apps.legal_aid.models import Consultation, ConsultationMessage

from .helpers import as_person, ask, move


def _race(people, monkeypatch, *, lock: bool) -> int:
    lawyer = people["lawyer1"]
    c = move(ask(people["member"]), "assign", people["municipal"], lawyer=lawyer)
    start, read = threading.Barrier(2), threading.Barrier(2, timeout=1)
    real = services._locked

    def slow_locked(consultation):
        row = real(consultation) if lock else Consultation.objects.get(pk=consultation.pk)
        try:
            read.wait()  # with the lock the other submit is blocked, so this times out
        except threading.BrokenBarrierError:
            pass
        return row

    monkeypatch.setattr(services, "_locked", slow_locked)

    def submit():
        try:
            start.wait()
            with as_person(lawyer, "lawyer"):
                services.consultation_transition(consultation=c, action="answer", actor=lawyer, text="同一答复")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with scopes_disabled():
        return ConsultationMessage.objects.filter(consultation=c, kind="answer").count()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_answer_posts_once(people, monkeypatch):
    assert _race(people, monkeypatch, lock=True) == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_posts_twice(people, monkeypatch):
    assert _race(people, monkeypatch, lock=False) == 2
