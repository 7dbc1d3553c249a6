"""Disbursement on a real Celery worker: progress, one job per batch, failures, re-issue."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.core.enums import JobStatus
from apps.core.models import Job
from apps.core.scoping import scopes_disabled
from apps.payments.enums import BatchStatus, ItemStatus
from apps.payments.models import PaymentBatch, PaymentItem, SimulatedBankTransfer
from apps.payments.services import (
    payment_batch_approve,
    payment_batch_disburse,
    payment_batch_reissue_failed,
    payment_batch_submit,
)
from apps.payments.tasks import sweep_stuck_items
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def ready(make_batch, approver, password, n=5, **kw):
    batch = make_batch(n, **kw)
    with scopes_disabled():
        payment_batch_submit(batch=batch, actor=batch.created_by)
        return payment_batch_approve(batch=batch, actor=approver, password=password)


def finished(batch):
    def check():
        with scopes_disabled():
            row = PaymentBatch.objects.get(pk=batch.pk)
        return row if row.status in (BatchStatus.COMPLETED, BatchStatus.COMPLETED_WITH_FAILURES) else None
    return check


def test_disburse_pays_every_item_once_and_reports_progress(make_batch, approvers, password, celery_worker, settings):
    settings.PAYMENTS_CHUNK_SIZE = 2
    batch = ready(make_batch, approvers[0], password, n=5)
    with scopes_disabled():
        job = payment_batch_disburse(batch=batch, actor=approvers[0])
    done = wait_for(finished(batch), timeout=60)
    assert done.status == BatchStatus.COMPLETED
    with scopes_disabled():
        job = Job.objects.get(pk=job.pk)
        assert list(PaymentItem.objects.filter(batch=batch).order_by().values_list("status", flat=True).distinct()) == ["paid"]
    assert (job.status, job.done, job.total, job.percent) == (JobStatus.SUCCEEDED, 5, 5, 100)
    assert job.result["paid"] == 5 and job.result["failed"] == 0 and job.result["paid_sum"] == "500.00"
    assert SimulatedBankTransfer.objects.count() == 5


def test_disburse_twice_starts_one_job_and_pays_once(make_batch, approvers, password, celery_worker):
    batch = ready(make_batch, approvers[0], password, n=4)
    with scopes_disabled():
        first = payment_batch_disburse(batch=batch, actor=approvers[0])
        second = payment_batch_disburse(batch=batch, actor=approvers[0])
    assert first.pk == second.pk
    wait_for(finished(batch), timeout=60)
    with scopes_disabled():
        assert Job.objects.filter(params__batch=batch.pk).count() == 1
        references = set(PaymentItem.objects.filter(batch=batch).values_list("bank_reference", flat=True))
    ledger = list(SimulatedBankTransfer.objects.values_list("bank_reference", flat=True))
    assert sorted(ledger) == sorted(references) and len(ledger) == 4


def test_disburse_a_draft_is_refused(make_batch, users):
    batch = make_batch(1)
    with scopes_disabled(), pytest.raises(ValidationError, match="不能发放"):
        payment_batch_disburse(batch=batch, actor=users["haidian"])


def test_failed_accounts_fail_their_items_and_are_reissued(make_batch, approvers, password, celery_worker,
                                                           settings):
    settings.PAYMENTS_SIMBANK_FAIL_ACCOUNTS = ["6222020200100000001"]
    batch = ready(make_batch, approvers[0], password, n=3, accounts={1: "6222020200100000001"})
    with scopes_disabled():
        payment_batch_disburse(batch=batch, actor=approvers[0])
    done = wait_for(finished(batch), timeout=60)
    assert done.status == BatchStatus.COMPLETED_WITH_FAILURES
    with scopes_disabled():
        failed = PaymentItem.objects.get(batch=batch, status=ItemStatus.FAILED)
        assert failed.failure_reason == "账户状态异常（模拟）"
        again = payment_batch_reissue_failed(batch=batch, actor=batch.created_by)
        assert (again.status, again.item_count, again.total_amount) == (BatchStatus.DRAFT, 1, Decimal("100.00"))
        assert again.reissue_of_id == batch.pk
        item = PaymentItem.objects.get(batch=again)
        assert (item.member_id, item.reissue_of_id) == (failed.member_id, failed.pk)
        assert item.bank_reference != failed.bank_reference
        with pytest.raises(ValidationError, match="没有需要补发"):
            payment_batch_reissue_failed(batch=batch, actor=batch.created_by)


def test_sweeper_requeues_a_stalled_batch(make_batch, approvers, password, celery_worker, settings):
    """A batch that is disbursing but whose chunks were lost (no job ran) is picked up."""
    settings.PAYMENTS_STUCK_AFTER_SECONDS = 0
    batch = ready(make_batch, approvers[0], password, n=3)
    with scopes_disabled():
        PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DISBURSING)
        PaymentItem.objects.filter(batch=batch).update(status=ItemStatus.SENT)  # killed after the claim
    assert sweep_stuck_items() == 1
    assert wait_for(finished(batch), timeout=60).status == BatchStatus.COMPLETED
    assert SimulatedBankTransfer.objects.count() == 3


def test_the_sweeper_runs_on_its_own_queue_which_every_worker_consumes(settings):
    """A backlog of chunks on the default queue cannot delay recovery: the sweeper is routed
    to its own queue, and a worker started without -Q (the test worker, docker-compose's)
    consumes both (runportal and the kill test name both with -Q)."""
    from union_portal.celery import app

    sweep, default = settings.CELERY_PAYMENTS_SWEEP_QUEUE, settings.CELERY_TASK_DEFAULT_QUEUE
    assert sweep != default
    assert app.amqp.router.route({}, "apps.payments.tasks.sweep_stuck_items")["queue"].name == sweep
    assert app.amqp.router.route({}, "apps.payments.tasks.disburse_chunk")["queue"].name == default
    assert {sweep, default} <= set(app.amqp.queues)
    assert settings.CELERY_BEAT_SCHEDULE["payments-sweep-stuck-items"]["options"]["queue"] == sweep


def test_a_sweep_sent_through_the_broker_is_run_by_the_worker(make_batch, approvers, password, celery_worker,
                                                              settings):
    settings.PAYMENTS_STUCK_AFTER_SECONDS = 0
    batch = ready(make_batch, approvers[0], password, n=2)
    with scopes_disabled():
        PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DISBURSING)
    sweep_stuck_items.delay()  # on the sweeper's queue: the worker must consume it
    assert wait_for(finished(batch), timeout=60).status == BatchStatus.COMPLETED
    assert SimulatedBankTransfer.objects.count() == 2
