"""Disbursement on Celery, exactly once per item.

The protocol, per item (``pay_item``):
1. claim: in a short transaction, ``SELECT … FOR UPDATE SKIP LOCKED`` the item if it is
   still pending or sent, and mark it sent (committed before the bank is called);
2. call the gateway OUTSIDE any transaction, keyed by the item's own bank reference —
   the bank executes a reference at most once and repeats the first outcome;
3. settle: lock the item again and record paid/failed only if it is still open.
A worker killed anywhere leaves the item pending or sent; whoever runs it next (the
redelivered chunk, the sweeper, a duplicate request) repeats steps 1–3 with the same
reference, so the payee is paid once. Tasks carry ids and id ranges, never lists.

Scopes: the job and chunk tasks look up the batch's unit unscoped (ids only), then run
everything inside that unit's scope, as ``job_run`` does.
"""

from __future__ import annotations

import logging
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
from .gateway import BankFileGateway, Gateway, get_gateway
from .models import PaymentBatch, PaymentItem
from .services import payment_batch_finish_if_done, payment_batch_progress, payment_item_settle

log = logging.getLogger(__name__)

# Well below the broker's visibility timeout (settings: 3600 s), so a message is never
# handed to a second worker while the first may still be running it.
CHUNK_LIMITS = {"time_limit": 10 * 60, "soft_time_limit": 9 * 60}
TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, **CHUNK_LIMITS}


def _unit_path(batch_id: int) -> str | None:
    with scopes_disabled():
        return PaymentBatch.objects.filter(pk=batch_id).values_list("organization__path", flat=True).first()


def _set_job(job_id, **fields) -> None:
    if job_id:
        with scopes_disabled():
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
    with scopes_disabled():
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
        for n, item_id in enumerate(ids, start=1):
            pay_item(item_id=item_id, gateway=gateway)
            if n % 50 == 0:
                report(batch)
        report(batch)


def pay_item(*, item_id: int, gateway: Gateway) -> None:
    if settings.PAYMENTS_UNSAFE_NO_IDEMPOTENCY:
        return _pay_item_unsafe(item_id=item_id, gateway=gateway)
    with transaction.atomic():
        item = (PaymentItem.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=item_id, status__in=OPEN_ITEM_STATUSES).first())
        if item is None:
            return  # settled already, or another worker is on it right now
        if item.status == ItemStatus.PENDING:
            item.status = ItemStatus.SENT
            item.sent_at = timezone.now()
            item.save(update_fields=["status", "sent_at", "updated_at"])
    result = gateway.transfer(reference=item.bank_reference, account=item.bank_account,
                              bank_name=item.bank_name, amount=item.amount, memo=str(item.pk))
    if result is not None:
        payment_item_settle(item_id=item.pk, outcome=result.outcome, reason=result.reason)


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
    with scopes_disabled():
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
