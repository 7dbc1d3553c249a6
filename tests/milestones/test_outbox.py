"""The outbox against a local fake WeCom webhook (a real HTTP server, not a mock): delivered
once, retried on 5xx with back-off, given up after N tries with the error on the message,
never sent twice — also by two deliverers at once (PostgreSQL, with a control run)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections
from django.utils import timezone

from apps.core import outbox
from apps.core.enums import OutboxStatus
from apps.core.models import AuditLog, OutboxMessage
from apps.core.scoping import scopes_disabled
from tests.conftest import wait_for
from tests.milestones.fake_wecom import FakeWeCom


@pytest.fixture
def wecom(settings):
    settings.OUTBOX_CHANNEL = "wecom"
    settings.OUTBOX_MAX_TRIES = 3
    settings.OUTBOX_BACKOFF_SECONDS = 60

    def start(statuses=(200,)):
        fake = FakeWeCom(statuses)
        settings.OUTBOX_WECOM_WEBHOOK_URL = fake.url
        return fake

    return start


def _message(tree, key="m-1", deliver=False) -> OutboxMessage:
    assert outbox.outbox_enqueue(organization=tree.tsinghua, dedup_key=key, subject="王老师：入会10周年",
                                 body="> **王老师**（清华大学工会）", deliver=deliver)
    with scopes_disabled():
        return OutboxMessage.objects.get(dedup_key=key)


def _reload(message) -> OutboxMessage:
    with scopes_disabled():
        return OutboxMessage.objects.get(pk=message.pk)


@pytest.mark.django_db
def test_delivered_once_as_wecom_markdown(tree, wecom):
    with wecom() as fake:
        message = _message(tree)
        assert outbox.outbox_deliver(message_id=message.pk) == "sent"
        assert outbox.outbox_deliver(message_id=message.pk) == "skipped"
    assert len(fake.requests) == 1
    request = fake.requests[0]
    assert request["content_type"] == "application/json" and request["path"].endswith("key=test-key")
    assert request["body"] == {"msgtype": "markdown",
                               "markdown": {"content": "**王老师：入会10周年**\n> **王老师**（清华大学工会）"}}
    message = _reload(message)
    assert message.status == OutboxStatus.SENT and message.tries == 1 and message.sent_at is not None
    # the same dedup key again adds nothing
    assert not outbox.outbox_enqueue(organization=tree.tsinghua, dedup_key="m-1", subject="x", body="y")
    with scopes_disabled():
        assert OutboxMessage.objects.count() == 1
        assert AuditLog.objects.filter(action="outbox.sent").count() == 1


@pytest.mark.django_db
def test_5xx_is_retried_after_the_back_off_then_sent(tree, wecom):
    now = timezone.now()
    with wecom([502, 200]) as fake:
        message = _message(tree)
        assert outbox.outbox_deliver(message_id=message.pk, now=now) == "retry"
        waiting = _reload(message)
        assert waiting.status == OutboxStatus.PENDING and waiting.tries == 1 and "502" in waiting.last_error
        assert waiting.next_attempt_at == now + dt.timedelta(seconds=60)
        assert outbox.outbox_deliver(message_id=message.pk, now=now + dt.timedelta(seconds=30)) == "skipped"
        assert outbox.outbox_due_ids(now=now + dt.timedelta(seconds=30)) == []
        assert outbox.outbox_due_ids(now=now + dt.timedelta(seconds=61)) == [message.pk]
        assert outbox.outbox_deliver(message_id=message.pk, now=now + dt.timedelta(seconds=61)) == "sent"
    assert len(fake.requests) == 2
    sent = _reload(message)
    assert sent.status == OutboxStatus.SENT and sent.tries == 2 and sent.last_error == ""
    assert outbox.backoff_seconds(2) == 120  # doubles each try


@pytest.mark.django_db
def test_gives_up_after_n_tries_with_the_error_on_the_message(tree, wecom, users):
    now = timezone.now()
    with wecom([500]) as fake:
        message = _message(tree)
        outcomes = [outbox.outbox_deliver(message_id=message.pk, now=now + dt.timedelta(hours=i)) for i in range(5)]
    assert outcomes == ["retry", "retry", "failed", "skipped", "skipped"]
    assert len(fake.requests) == 3
    failed = _reload(message)
    assert failed.status == OutboxStatus.FAILED and failed.tries == 3
    assert "HTTP 500" in failed.last_error and "放弃" in failed.last_error
    # a 4xx is final at once; the administrator may put a failed message back
    with wecom([404]) as fake:
        other = _message(tree, key="m-2")
        assert outbox.outbox_deliver(message_id=other.pk) == "failed"
        assert "HTTP 404" in _reload(other).last_error
        assert outbox.outbox_retry(message=_reload(other), actor=users["municipal"])
        assert _reload(other).status == OutboxStatus.PENDING and _reload(other).tries == 0


def _run_together(jobs) -> list:
    start = threading.Barrier(len(jobs))
    outcomes: list = []

    def worker(job):
        try:
            start.wait()
            outcomes.append(job())
        except Exception as exc:  # noqa: BLE001 - compared below
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def _naive_claim(parties: int):
    """The control: read the status without a lock, wait for the other deliverer, write."""
    read = threading.Barrier(parties, timeout=5)

    def claim(message_id, now):
        with scopes_disabled():
            pending = OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING).exists()
            read.wait()
            if pending:
                OutboxMessage.objects.filter(pk=message_id).update(status=OutboxStatus.SENDING)  # noqa: the control's unsafe write
        return pending

    return claim


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("control", [False, True], ids=["locked", "control-without-lock"])
def test_two_concurrent_deliverers_send_once(tree, wecom, monkeypatch, control):
    with wecom([200]) as fake:
        message = _message(tree)
        if control:
            monkeypatch.setattr(outbox, "_claim", _naive_claim(2))
        outcomes = _run_together([lambda: outbox.outbox_deliver(message_id=message.pk)] * 2)
    if control:  # the test sees a double send when the claim is not locked
        assert len(fake.requests) == 2, outcomes
    else:
        assert sorted(outcomes) == ["sent", "skipped"]
        assert len(fake.requests) == 1
        assert _reload(message).status == OutboxStatus.SENT


@pytest.mark.postgresql
def test_the_delivery_task_retries_5xx_through_a_real_worker(tree, wecom, settings, celery_worker):
    settings.OUTBOX_BACKOFF_SECONDS = 0.2
    with wecom([503, 200]) as fake:
        message = _message(tree, deliver=True)  # handed to the worker after commit
        wait_for(lambda: _reload(message).status == OutboxStatus.SENT, timeout=30)
    assert len(fake.requests) == 2 and _reload(message).tries == 2
