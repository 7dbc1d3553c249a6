"""Disbursement, exactly once per item: the job that splits a batch into chunks, the chunk
that claims, books and settles its items, and the sweeper's recovery. Celery's tasks
(``tasks.py``) only call these; ``payment_batch_disburse_now`` runs the same code in
process (the demo, commands), without a worker.

The protocol, per chunk of items (``pay_items``; ``pay_item`` is the one-item case):
1. claim: in a short transaction, ``SELECT … FOR UPDATE SKIP LOCKED`` the chunk's items
   that are still pending or sent, and move the pending ones to sent
   (``payment_items_transition``, committed before the bank is called);
2. call the gateway OUTSIDE any transaction, keyed by each item's own bank reference —
   the bank executes a reference at most once and repeats the first outcome (the
   simulated bank books the whole chunk in one statement);
3. settle: move the items still sent to paid/failed (``payment_items_settle``).
A worker killed anywhere leaves an item pending or sent; whoever runs it next (the
redelivered chunk, the sweeper, a duplicate request) repeats steps 1–3 with the same
reference, so the payee is paid once. Tasks carry ids and id ranges, never lists.

Scopes: the job and chunk look up the batch's unit unscoped (ids only), then run
everything inside that unit's scope, as ``job_run`` does.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.core.enums import JobStatus
from apps.core.jobs import job_progress, job_transition
from apps.core.models import Job
from apps.core.scoping import scope, scopes_disabled

from .enums import OPEN_ITEM_STATUSES, BatchStatus, ItemStatus
from .gateway import BankFileGateway, Gateway, Transfer, get_gateway
from .models import PaymentBatch, PaymentItem
from .services import (
    payment_batch_disburse,
    payment_batch_finish_if_done,
    payment_batch_progress,
    payment_items_transition,
)

log = logging.getLogger(__name__)

# Items claimed, sent to the bank and settled together (a chunk bigger than this is paid
# in several rounds, with progress reported after each).
PAY_ROUND = 500
# A worker reports a batch's progress (an aggregate over all its items) at most this often,
# seconds; the chunk that leaves nothing open always reports (it completes the batch).
REPORT_EVERY = 1.0
_last_report: dict[int, float] = {}

# enqueue(batch_id=…, first_id=…, last_id=…): hand one chunk to whoever pays it.
EnqueueChunk = Callable[..., object]


def _unit_path(batch_id: int) -> str | None:
    with scopes_disabled():  # ids only: the chunk then runs inside this unit's scope
        return PaymentBatch.objects.filter(pk=batch_id).values_list("organization__path", flat=True).first()


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
    with transaction.atomic():  # the batch and its job complete together (no reader sees one without the other)
        finished = payment_batch_finish_if_done(batch=batch)
        if batch.job_id:
            job_progress(job_id=batch.job_id, done=progress["done"], total=progress["total"], result=progress)
            if finished is not None and finished.status != BatchStatus.DISBURSING:
                job_transition(job_id=batch.job_id, to=JobStatus.SUCCEEDED)
    return progress


def disburse_job(*, job_id: str, enqueue: EnqueueChunk) -> None:
    """The job: split the batch's open items into id ranges, ``enqueue`` one chunk each."""
    with scopes_disabled():  # the job by id; its unit's scope is bound below
        job = Job.objects.select_related("organization").get(pk=job_id)
    if job.is_finished:
        return
    job_transition(job_id=job.pk, to=JobStatus.RUNNING)
    try:
        with scope(paths=[job.organization.path]):
            batch = PaymentBatch.objects.get(pk=job.params["batch"])
            open_items = PaymentItem.objects.filter(batch=batch, status__in=OPEN_ITEM_STATUSES)
            for first, last in id_ranges(open_items, settings.PAYMENTS_CHUNK_SIZE):
                enqueue(batch_id=batch.pk, first_id=first, last_id=last)
            report(batch)
    except Exception as exc:  # recorded on the job row; the worker stays up
        log.exception("disbursement job %s failed", job_id)
        job_transition(job_id=job.pk, to=JobStatus.FAILED, error=str(exc)[:2000])


def disburse_chunk(*, batch_id: int, first_id: int, last_id: int) -> None:
    """Pay the open items of ``batch_id`` with ids in [first_id, last_id] (at most one chunk)."""
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
                   .order_by("id").values_list("id", flat=True))
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
        payment_items_transition(item_ids=pending, from_statuses=[ItemStatus.PENDING], to=ItemStatus.SENT)
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


def payment_items_settle(*, results: dict[int, tuple[str, str]]) -> int:
    """Record the bank's answers for many sent items at once: ``{item_id: (outcome, reason)}``.

    One transaction: one ``payment_items_transition`` per outcome (and failure reason), each
    locking its items in id order (concurrent settles never deadlock). An item settled
    already, or not sent, is left alone (a second answer is ignored). Returns how many
    items were settled."""
    if not results:
        return 0
    groups: dict[tuple[str, str], list[int]] = {}
    for item_id, (outcome, reason) in sorted(results.items()):
        key = (ItemStatus.PAID, "") if outcome == ItemStatus.PAID else (ItemStatus.FAILED, (reason or "")[:200])
        groups.setdefault(key, []).append(item_id)
    settled = 0
    with transaction.atomic():
        for (status, reason), ids in sorted(groups.items()):
            settled += payment_items_transition(item_ids=ids, from_statuses=[ItemStatus.SENT], to=status,
                                                reason=reason)
    return settled


def _pay_item_unsafe(*, item_id: int, gateway: Gateway) -> None:
    """TEST-ONLY (PAYMENTS_UNSAFE_NO_IDEMPOTENCY): no claim, no skip, a new reference per
    attempt — what the kill test's control run must catch as a double payment."""
    item = PaymentItem.objects.get(pk=item_id)
    payment_items_transition(item_ids=[item_id], from_statuses=[ItemStatus.PENDING], to=ItemStatus.SENT)
    result = gateway.transfer(reference=uuid.uuid4(), account=item.bank_account, bank_name=item.bank_name,
                              amount=item.amount, memo=str(item.pk))
    if result is not None:
        to = ItemStatus.PAID if result.outcome == ItemStatus.PAID else ItemStatus.FAILED
        payment_items_transition(item_ids=[item_id], from_statuses=[ItemStatus.SENT], to=to, reason=result.reason)


def sweep_stuck(*, enqueue: EnqueueChunk) -> int:
    """Re-queue the open items of every disbursing batch that has made no progress for
    PAYMENTS_STUCK_AFTER_SECONDS (a lost chunk, a killed worker). Racing a live worker is
    harmless: the item protocol pays each reference once. Returns the chunks re-queued."""
    cutoff = timezone.now() - timedelta(seconds=settings.PAYMENTS_STUCK_AFTER_SECONDS)
    requeued = 0
    with scopes_disabled():  # ids of every unit's disbursing batches; each is handled in its unit's scope
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
                enqueue(batch_id=batch.pk, first_id=first, last_id=last_id)
                requeued += 1
            log.warning("payments: batch %s stalled, %s chunk(s) re-queued", batch_id, requeued)
    return requeued


def payment_batch_disburse_now(*, batch: PaymentBatch, actor) -> Job:
    """Pay an approved batch in this process, through the same job and chunk code the
    workers run (the demo seed, commands; SQLite too). Call it outside any transaction:
    the bank is outside the portal. Paying a batch already paid changes nothing."""
    job = payment_batch_disburse(batch=batch, actor=actor, enqueue=False)
    disburse_job(job_id=str(job.pk), enqueue=disburse_chunk)
    return Job.objects.get(pk=job.pk)
