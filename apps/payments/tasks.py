"""Disbursement on Celery, exactly once per item.

The protocol, per chunk of items (``pay_items``; ``pay_item`` is the one-item case):
1. claim: in a short transaction, ``SELECT … FOR UPDATE SKIP LOCKED`` the chunk's items
   that are still pending or sent, and mark the pending ones sent in one UPDATE
   (committed before the bank is called);
2. call the gateway OUTSIDE any transaction, keyed by each item's own bank reference —
   the bank executes a reference at most once and repeats the first outcome (the
   simulated bank books the whole chunk in one statement);
3. settle: lock the items again and record paid/failed only for those still sent
   (``payment_items_settle``).
A worker killed anywhere leaves an item pending or sent; whoever runs it next (the
redelivered chunk, the sweeper, a duplicate request) repeats steps 1–3 with the same
reference, so the payee is paid once. Tasks carry ids and id ranges, never lists.

Scopes: the job and chunk tasks look up the batch's unit unscoped (ids only), then run
everything inside that unit's scope, as ``job_run`` does.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.core.enums import JobStatus
from apps.core.models import Job
from apps.core.scoping import scope, scopes_disabled

from .enums import OPEN_ITEM_STATUSES, BatchStatus, ItemStatus
from .gateway import BankFileGateway, Gateway, Transfer, get_gateway
from .models import PaymentBatch, PaymentItem
from .services import payment_batch_finish_if_done, payment_batch_progress, payment_items_settle

log = logging.getLogger(__name__)

# Well below the broker's visibility timeout (settings: 3600 s), so a message is never
# handed to a second worker while the first may still be running it.
CHUNK_LIMITS = {"time_limit": 10 * 60, "soft_time_limit": 9 * 60}
TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, **CHUNK_LIMITS}
# Items claimed, sent to the bank and settled together (a chunk bigger than this is paid
# in several rounds, with progress reported after each).
PAY_ROUND = 500
# A worker reports a batch's progress (an aggregate over all its items) at most this often,
# seconds; the chunk that leaves nothing open always reports (it completes the batch).
REPORT_EVERY = 1.0
_last_report: dict[int, float] = {}


def _unit_path(batch_id: int) -> str | None:
    with scopes_disabled():  # the beat sweeper finds a batch's unit to bind its scope
        return PaymentBatch.objects.filter(pk=batch_id).values_list("organization__path", flat=True).first()


def _set_job(job_id, **fields) -> None:
    if job_id:
        with scopes_disabled():  # the worker's bookkeeping on its own job row
            Job.objects.filter(pk=job_id).update(**fields)


def id_ranges(queryset, size: int):
    """(first_id, last_id) per ``size`` rows of ``queryset``, streamed (no id list is kept)."""
    first = last = None
    count = 0
    for pk in queryset.order_by("id").values_list("id", flat=True).iterator(chunk_size=2000):
        if first is None:
            first = pk
        last = pk
        count += 1
        if count == size:
            yield first, last
            first, count = None, 0
    if first is not None:
        yield first, last


def report(batch: PaymentBatch) -> dict:
    """Progress on the job row (done/total, and paid/failed/sum in ``result``); completes
    the batch and the job when nothing is open any more."""
    progress = payment_batch_progress(batch)
    finished = payment_batch_finish_if_done(batch=batch)
    fields = {"done": progress["done"], "total": progress["total"], "result": progress}
    if finished is not None and finished.status != BatchStatus.DISBURSING:
        fields.update(status=JobStatus.SUCCEEDED, finished_at=timezone.now())
    _set_job(batch.job_id, **fields)
    return progress


@shared_task(**TASK_OPTIONS)
def disburse_batch(*, job_id: str) -> None:
    """The job: split the batch's open items into id ranges, one chunk task each."""
    with scopes_disabled():  # the task gets only an id: its row says which scope to bind
        job = Job.objects.select_related("organization").get(pk=job_id)
    if job.is_finished:
        return
    _set_job(job.pk, status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        with scope(paths=[job.organization.path]):
            batch = PaymentBatch.objects.get(pk=job.params["batch"])
            open_items = PaymentItem.objects.filter(batch=batch, status__in=OPEN_ITEM_STATUSES)
            for first, last in id_ranges(open_items, settings.PAYMENTS_CHUNK_SIZE):
                disburse_chunk.delay(batch_id=batch.pk, first_id=first, last_id=last)
            report(batch)
    except Exception as exc:
        log.exception("disbursement job %s failed", job_id)
        _set_job(job.pk, status=JobStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())


@shared_task(**TASK_OPTIONS)
def disburse_chunk(*, batch_id: int, first_id: int, last_id: int) -> None:
    path = _unit_path(batch_id)
    if path is None:
        return
    with scope(paths=[path]):
        batch = PaymentBatch.objects.get(pk=batch_id)
        if batch.status != BatchStatus.DISBURSING:
            return
        gateway = get_gateway()
        ids = list(PaymentItem.objects.filter(batch_id=batch_id, id__gte=first_id, id__lte=last_id,
                                              status__in=OPEN_ITEM_STATUSES)
                   .order_by("id").values_list("id", flat=True))  # at most one chunk
        if settings.PAYMENTS_UNSAFE_NO_IDEMPOTENCY:
            for n, item_id in enumerate(ids, start=1):
                _pay_item_unsafe(item_id=item_id, gateway=gateway)
                if n % 50 == 0:
                    report(batch)
            report(batch)
            return
        if not ids:
            report(batch)  # a redelivered chunk: the batch may only need completing
            return
        for start in range(0, len(ids), PAY_ROUND):
            pay_items(item_ids=ids[start:start + PAY_ROUND], gateway=gateway)
            _report_now_and_then(batch)


def _report_now_and_then(batch: PaymentBatch) -> None:
    """``report`` if this worker has not reported the batch for REPORT_EVERY seconds, or when
    nothing of the batch is open any more (whoever settles last completes it)."""
    now = time.monotonic()
    if now - _last_report.get(batch.pk, 0.0) < REPORT_EVERY and PaymentItem.objects.filter(
            batch_id=batch.pk, status__in=OPEN_ITEM_STATUSES).exists():
        return
    report(batch)
    _last_report[batch.pk] = time.monotonic()


def pay_item(*, item_id: int, gateway: Gateway) -> None:
    if settings.PAYMENTS_UNSAFE_NO_IDEMPOTENCY:
        return _pay_item_unsafe(item_id=item_id, gateway=gateway)
    pay_items(item_ids=[item_id], gateway=gateway)


def pay_items(*, item_ids: list[int], gateway: Gateway) -> int:
    """Claim, send and settle the open items among ``item_ids`` (steps 1–3 above), a chunk
    at a time. Items locked by another worker right now are skipped (it has them).
    Returns how many items were settled."""
    if not item_ids:
        return 0
    with transaction.atomic():
        claimed = list(PaymentItem.objects.select_for_update(skip_locked=True, of=("self",))
                       .filter(pk__in=item_ids, status__in=OPEN_ITEM_STATUSES).order_by("id")
                       .values_list("id", "status", "bank_reference", "bank_account", "bank_name", "amount"))
        if not claimed:
            return 0  # settled already, or another worker is on them right now
        pending = [row[0] for row in claimed if row[1] == ItemStatus.PENDING]
        if pending:
            now = timezone.now()
            PaymentItem._base_manager.filter(pk__in=pending, status=ItemStatus.PENDING).update(
                status=ItemStatus.SENT, sent_at=now, updated_at=now)
    transfers = [Transfer(reference=reference, account=account, bank_name=bank_name, amount=amount,
                          memo=str(item_id))
                 for item_id, _status, reference, account, bank_name, amount in claimed]
    results = gateway.transfer_many(transfers)
    answers = {}
    for item_id, _status, reference, *_rest in claimed:
        result = results.get(reference)
        if result is not None:
            answers[item_id] = (result.outcome, result.reason)
    return payment_items_settle(results=answers)


def _pay_item_unsafe(*, item_id: int, gateway: Gateway) -> None:
    """TEST-ONLY (PAYMENTS_UNSAFE_NO_IDEMPOTENCY): no lock, no state check, a new reference
    per attempt — what the kill test's control run must catch as a double payment."""
    item = PaymentItem.objects.get(pk=item_id)
    PaymentItem.objects.filter(pk=item_id).update(status=ItemStatus.SENT, sent_at=timezone.now(),
                                                  updated_at=timezone.now())
    result = gateway.transfer(reference=uuid.uuid4(), account=item.bank_account, bank_name=item.bank_name,
                              amount=item.amount, memo=str(item.pk))
    if result is not None:
        PaymentItem.objects.filter(pk=item_id).update(
            status=ItemStatus.PAID if result.outcome == ItemStatus.PAID else ItemStatus.FAILED,
            failure_reason=result.reason, settled_at=timezone.now(), updated_at=timezone.now())


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def sweep_stuck_items() -> int:
    """Celery beat: re-queue the open items of every disbursing batch that has made no
    progress for PAYMENTS_STUCK_AFTER_SECONDS (a lost chunk, a killed worker). Racing a
    live worker is harmless: the item protocol pays each reference once."""
    cutoff = timezone.now() - timedelta(seconds=settings.PAYMENTS_STUCK_AFTER_SECONDS)
    requeued = 0
    with scopes_disabled():  # the beat sweeper looks at every unit's disbursing batches
        batch_ids = list(PaymentBatch.objects.filter(status=BatchStatus.DISBURSING).values_list("pk", flat=True))
    for batch_id in batch_ids:
        path = _unit_path(batch_id)
        with scope(paths=[path]):
            batch = PaymentBatch.objects.get(pk=batch_id)
            open_items = PaymentItem.objects.filter(batch=batch, status__in=OPEN_ITEM_STATUSES)
            if not open_items.exists():
                report(batch)
                continue
            if isinstance(get_gateway(), BankFileGateway):  # sent items wait for the return file
                open_items = open_items.filter(status=ItemStatus.PENDING)
            moved = PaymentItem.objects.filter(batch=batch).aggregate(m=Max("updated_at"))["m"]
            last = max(filter(None, [moved, batch.disbursed_at]))
            if last > cutoff:
                continue  # still moving: a worker has it
            for first, last_id in id_ranges(open_items, settings.PAYMENTS_CHUNK_SIZE):
                disburse_chunk.delay(batch_id=batch.pk, first_id=first, last_id=last_id)
                requeued += 1
            log.warning("payments: batch %s stalled, %s chunk(s) re-queued", batch_id, requeued)
    return requeued
