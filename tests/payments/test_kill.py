"""THE KILL TEST: a real worker process, real Redis and PostgreSQL, SIGKILL mid-batch.

A worker subprocess (``celery -A union_portal worker --pool=solo``) pays a batch of a few
thousand items through the simulated bank, which answers a little after booking. The
test kills it with SIGKILL at the worst moment — an item the bank has booked but the
portal still holds as "sent" — starts a new worker, plays Celery beat (the sweeper) until
the batch completes (two restarted workers, with the sweeper racing them), and checks:
every item paid once and only once, the sum paid equals
the batch total, references distinct, and the bank's ledger holds no item twice.

The control run switches the protections off (``PAYMENTS_UNSAFE_NO_IDEMPOTENCY``: no lock,
no state check, a new reference per attempt) and must be caught by the same checks.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum

from apps.core.crypto import lookup_hash
from apps.core.scoping import scopes_disabled
from apps.members.enums import EmploymentType, Gender
from apps.members.idgen import make_id_number
from apps.members.models import Member
from apps.payments.enums import BatchStatus, ItemStatus
from apps.payments.models import PaymentBatch, PaymentItem, SimulatedBankTransfer
from apps.payments.services import (
    payment_batch_approve,
    payment_batch_create,
    payment_batch_disburse,
    payment_batch_from_members,
    payment_batch_submit,
)
from apps.payments.tasks import sweep_stuck_items

# A real worker process on PostgreSQL and Redis (the conftest leaves it out, loudly, elsewhere).
pytestmark = [pytest.mark.worker, pytest.mark.services, pytest.mark.django_db(transaction=True)]

AMOUNT = Decimal("88.00")


def bulk_members(org, n: int) -> None:
    rows = []
    for i in range(n):
        id_number = make_id_number(dt.date(1970, 1, 1) + dt.timedelta(days=i // 400), i % 400)
        rows.append(Member(organization=org, name=f"教师{i:04d}", id_number=id_number, id_hash=lookup_hash(id_number),
                           gender=Gender.MALE, birth_date=dt.date(1970, 1, 1), phone="13800138000",
                           employment_type=EmploymentType.PERMANENT, bank_name="中国工商银行北京分行",
                           bank_account=f"62220202{i:011d}"))
    with scopes_disabled():
        Member.objects.bulk_create(rows, batch_size=1000)


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A real Celery worker process on this run's queue and test database."""

    def __init__(self, *, unsafe: bool, log_dir, stuck_after: str = "2"):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
            "DEBUG": "1",
            "PAYMENTS_SIMBANK_DELAY": "0.015",
            "PAYMENTS_STUCK_AFTER_SECONDS": stuck_after,
            "PAYMENTS_CHUNK_SIZE": "100",
            "PAYMENTS_UNSAFE_NO_IDEMPOTENCY": "1" if unsafe else "0",
        }
        self.log = tempfile.NamedTemporaryFile(prefix="kill-worker-", suffix=".log", dir=log_dir, delete=False)
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "union_portal", "worker", "--pool=solo",
             "-Q", f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.CELERY_PAYMENTS_SWEEP_QUEUE}", "--loglevel=WARNING", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-n", f"kill-{os.getpid()}-{time.monotonic_ns()}@%h"],
            cwd=settings.BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()

    def tail(self) -> str:
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()[-3000:]


def in_the_window(batch_id: int) -> int:
    """Items the bank has booked while the portal still holds them as sent."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM payments_paymentitem i JOIN payments_simulatedbanktransfer t"
            " ON t.memo = i.id::text WHERE i.batch_id = %s AND i.status = 'sent'", [batch_id])
        return cursor.fetchone()[0]


def paid_count(batch_id: int) -> int:
    with scopes_disabled():
        return PaymentItem.objects.filter(batch_id=batch_id, status=ItemStatus.PAID).count()


def batch_status(batch_id: int) -> str:
    with scopes_disabled():
        return PaymentBatch.objects.get(pk=batch_id).status


def kill_mid_batch(batch_id: int, worker: Worker, *, after_paid: int, timeout: float = 120) -> int:
    """Wait until ``after_paid`` items are paid and one sits in the dangerous window, SIGKILL."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert worker.proc.poll() is None, worker.tail()
        if paid_count(batch_id) >= after_paid and in_the_window(batch_id):
            worker.kill9()
            return in_the_window(batch_id)
        time.sleep(0.003)
    raise AssertionError("the worker never reached the kill point\n" + worker.tail())


def run_to_completion(batch_id: int, workers: list[Worker], timeout: float = 240) -> str:
    """Restart (two workers now) and play Celery beat (the sweeper, every second) until the
    batch is done. The restarted workers treat every open item as stuck, so the sweeper
    re-queues chunks that a live worker is paying at that very moment: a real race."""
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = batch_status(batch_id)
        if status in (BatchStatus.COMPLETED, BatchStatus.COMPLETED_WITH_FAILURES):
            return status
        sweep_stuck_items.delay()
        time.sleep(1)
    return batch_status(batch_id)


def disburse_and_kill(tree, users, approvers, password, *, n: int, unsafe: bool, log_dir) -> dict:
    from union_portal.celery import app

    app.control.purge()
    bulk_members(tree.haidian, n)
    actor = users["haidian"]
    with scopes_disabled():
        batch = payment_batch_create(organization=tree.haidian, title="压力测试", purpose="award_bonus", actor=actor)
        payment_batch_from_members(batch=batch, members=Member.objects.all(), amount=AMOUNT, actor=actor)
        payment_batch_submit(batch=batch, actor=actor)
        for approver in approvers:
            batch = payment_batch_approve(batch=batch, actor=approver, password=password)
        assert batch.status == BatchStatus.APPROVED
    worker = Worker(unsafe=unsafe, log_dir=log_dir)
    racing = [Worker(unsafe=unsafe, log_dir=log_dir, stuck_after="0") for _ in range(2)]
    worker.start()
    try:
        with scopes_disabled():
            payment_batch_disburse(batch=batch, actor=approvers[0])
        windows = 0
        for _attempt in range(3):  # the kill must land inside the window; retry if it slipped out
            windows = kill_mid_batch(batch.pk, worker, after_paid=n // 3)
            if windows:
                break
            worker.start()
        killed_at = paid_count(batch.pk)
        status = run_to_completion(batch.pk, racing)
    finally:
        for each in [worker, *racing]:
            each.stop()
    return {"batch": batch.pk, "status": status, "windows": windows, "killed_at": killed_at, **ledger_check(batch.pk)}


def ledger_check(batch_id: int) -> dict:
    with scopes_disabled():
        items = PaymentItem.objects.filter(batch_id=batch_id)
        memos = [str(pk) for pk in items.values_list("id", flat=True)]
        ledger = SimulatedBankTransfer.objects.filter(memo__in=memos, outcome="paid")
        per_item = ledger.values("memo").annotate(n=Count("id"))
        return {
            "items": items.count(),
            "paid": items.filter(status=ItemStatus.PAID).count(),
            "paid_sum": items.filter(status=ItemStatus.PAID).aggregate(s=Sum("amount"))["s"],
            "references": items.values("bank_reference").distinct().count(),
            "bank_transfers": ledger.count(),
            "bank_sum": ledger.aggregate(s=Sum("amount"))["s"],
            "bank_references": ledger.values("bank_reference").distinct().count(),
            "paid_twice": sum(1 for row in per_item if row["n"] > 1),
            "never_paid": len(memos) - per_item.count(),
        }


def test_kill9_mid_batch_every_item_is_paid_exactly_once(tree, users, approvers, password, tmp_path):
    n = 3000
    result = disburse_and_kill(tree, users, approvers, password, n=n, unsafe=False, log_dir=tmp_path)
    print("kill test:", result)
    assert result["windows"] >= 1, result  # the kill hit a booked-but-unrecorded item
    assert n // 3 <= result["killed_at"] < n, result  # part-way through
    assert result["status"] == BatchStatus.COMPLETED, result
    expected = AMOUNT * n
    assert (result["items"], result["paid"], result["references"]) == (n, n, n), result
    assert result["paid_sum"] == expected, result
    assert (result["bank_transfers"], result["bank_references"], result["bank_sum"]) == (n, n, expected), result
    assert (result["paid_twice"], result["never_paid"]) == (0, 0), result


def test_kill9_control_without_protections_is_caught(tree, users, approvers, password, tmp_path):
    """The same procedure with the protections off: the checks above must fail."""
    n = 600
    result = disburse_and_kill(tree, users, approvers, password, n=n, unsafe=True, log_dir=tmp_path)
    print("kill test:", result)
    assert result["windows"] >= 1, result
    caught = result["paid_twice"] > 0 or result["never_paid"] > 0 or result["bank_sum"] != AMOUNT * n
    assert caught, f"the control run was not caught: {result}"
