"""THE BROKER RESTART TEST: Redis restarted (memory only, so every queued chunk is lost)
in the middle of a disbursement on a real worker process; the batch still completes with
every item paid exactly once.

The restart takes a second or two and the test leaves Redis running in every case (a
``finally``): other runs sharing the broker see a short outage, exactly what the worker
and the producer must ride out in production too. It runs wherever PostgreSQL and a
local Redis (the broker URL's port on 127.0.0.1) are there, and in CI (REQUIRE_SERVICES=1)
a missing one is a failure.
"""

from __future__ import annotations

import os
import subprocess
import time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from apps.core.enums import JobStatus
from apps.core.models import Job
from apps.core.scoping import scopes_disabled
from apps.members.models import Member
from apps.payments.enums import BatchStatus
from apps.payments.services import (
    payment_batch_approve,
    payment_batch_create,
    payment_batch_disburse,
    payment_batch_from_members,
    payment_batch_submit,
)
from apps.payments.tasks import sweep_stuck_items
from tests.payments.test_kill import (
    Worker,
    batch_status,
    bulk_members,
    ledger_check,
    paid_count,
)

pytestmark = [pytest.mark.worker, pytest.mark.services, pytest.mark.django_db(transaction=True)]

AMOUNT = Decimal("66.00")
N = 1500


def _redis_port() -> int:
    """The broker's port: a Redis on this machine (the ``services`` marker guarantees it)."""
    return urlsplit(settings.CELERY_BROKER_URL).port or 6379


def _cli(port: int, *args: str) -> str:
    done = subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True, timeout=10)
    return done.stdout.strip()


def _run_id(port: int) -> str:
    for line in _cli(port, "info", "server").splitlines():
        if line.startswith("run_id:"):
            return line.split(":", 1)[1].strip()
    return ""


def _wait(predicate, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def start_redis(port: int) -> None:
    """This machine's Redis, exactly as CI starts it: nothing kept on disk."""
    if _cli(port, "ping") == "PONG":
        return
    os.makedirs("/var/lib/redis", exist_ok=True)
    os.makedirs("/var/log/redis", exist_ok=True)
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", str(port),
                    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
                    "--logfile", "/var/log/redis/ci.log"], check=True, timeout=10)
    assert _wait(lambda: _cli(port, "ping") == "PONG"), f"Redis did not come back on port {port}"


def restart_redis(port: int) -> None:
    try:
        _cli(port, "shutdown", "nosave")
        assert _wait(lambda: _cli(port, "ping") != "PONG"), "Redis did not stop"
    finally:
        start_redis(port)


def test_redis_restart_mid_batch_every_item_is_paid_exactly_once(tree, users, approvers, password, tmp_path):
    from union_portal.celery import app

    port = _redis_port()
    app.control.purge()
    bulk_members(tree.haidian, N)
    actor = users["haidian"]
    with scopes_disabled():
        batch = payment_batch_create(organization=tree.haidian, title="重启测试", purpose="award_bonus",
                                     actor=actor)
        payment_batch_from_members(batch=batch, members=Member.objects.all(), amount=AMOUNT, actor=actor)
        payment_batch_submit(batch=batch, actor=actor)
        for approver in approvers:
            batch = payment_batch_approve(batch=batch, actor=approver, password=password)
        assert batch.status == BatchStatus.APPROVED
    worker = Worker(unsafe=False, log_dir=tmp_path)
    worker.start()
    before = _run_id(port)
    try:
        with scopes_disabled():
            job = payment_batch_disburse(batch=batch, actor=approvers[0])
        assert _wait(lambda: paid_count(batch.pk) >= N // 4, timeout=120), worker.tail()
        restarted_at = paid_count(batch.pk)
        restart_redis(port)
        after = _run_id(port)
        # Every queued chunk went with the old Redis: the sweeper (Celery beat, played here
        # every second) must find the stalled batch and re-queue its open items.
        deadline = time.monotonic() + 240
        while batch_status(batch.pk) not in (BatchStatus.COMPLETED, BatchStatus.COMPLETED_WITH_FAILURES):
            assert time.monotonic() < deadline, f"not completed after the restart\n{worker.tail()}"
            assert worker.proc.poll() is None, f"the worker died with the broker\n{worker.tail()}"
            try:
                sweep_stuck_items.delay()
            except Exception:  # noqa: S110 - the producer reconnects on the next beat
                pass
            time.sleep(1)
    finally:
        start_redis(port)  # whatever happened, Redis is running again
        worker.stop()
    result = {"restarted_at": restarted_at, **ledger_check(batch.pk)}
    print("redis restart test:", result)
    assert before and after and before != after, "Redis was not restarted"
    with open(worker.log.name, encoding="utf-8", errors="replace") as log:
        assert "stalled" in log.read(), "the lost chunks were not re-queued by the sweeper"
    assert N // 4 <= restarted_at < N, result  # part-way through
    assert batch_status(batch.pk) == BatchStatus.COMPLETED, result
    expected = AMOUNT * N
    assert (result["items"], result["paid"], result["references"]) == (N, N, N), result
    assert result["paid_sum"] == expected, result
    bank = (result["bank_transfers"], result["bank_references"], result["bank_sum"])
    assert bank == (N, N, expected), result
    assert (result["paid_twice"], result["never_paid"]) == (0, 0), result
    with scopes_disabled():
        assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED
