"""The demo's batches are paid as real ones are: submitted by their creator, approved by the
demo payment approvers (``approver1``, and ``approver2`` when the sum needs a second one),
then disbursed through the engine — the same job and chunk code the workers run, here in
process (``payment_batch_disburse_now``), so ``seed_demo`` needs no worker (SQLite too).

Nothing here writes a status: every move is a service call. A batch already completed is
left alone, so re-running ``seed_demo`` changes nothing. For the demo only.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import connection

from apps.accounts.models import User
from apps.core.scoping import scopes_disabled

from .disbursement import disburse_chunk, payment_batch_disburse_now
from .enums import BatchStatus
from .models import PaymentBatch
from .services import payment_batch_approve, payment_batch_submit

APPROVERS = ("approver1", "approver2")
EVERY_ID = 2**63 - 1
DONE = (BatchStatus.COMPLETED, BatchStatus.COMPLETED_WITH_FAILURES, BatchStatus.CANCELLED)


def pay_demo_batches(*, batch_ids: Iterable[int]) -> int:
    """Submit, approve and pay each batch of ``batch_ids`` that is not finished yet; returns
    how many were paid now. Call it outside any transaction: the bank is outside the portal."""
    with scopes_disabled():  # the demo seed acts city-wide, as the seed's other services do
        open_batches = list(PaymentBatch.objects.filter(pk__in=list(batch_ids)).exclude(status__in=DONE)
                            .select_related("created_by").order_by("pk"))
    if not open_batches:
        return 0  # nothing to pay (no roll yet, or paid by an earlier run)
    if connection.in_atomic_block:
        raise RuntimeError("pay_demo_batches runs outside any transaction (the bank is outside the portal)")
    paid = 0
    with scopes_disabled():  # the demo seed acts city-wide, as the seed's other services do
        approvers = [User.objects.get(username=name) for name in APPROVERS]
        for batch in open_batches:
            if batch.status == BatchStatus.DRAFT:
                batch = payment_batch_submit(batch=batch, actor=batch.created_by)
            for approver in approvers:
                if batch.status != BatchStatus.SUBMITTED:
                    break
                # The seed signs for the demo approvers: their presence is taken as a log-in just now
                # (checking the demo password again would only cost a second of hashing per approval).
                batch = payment_batch_approve(batch=batch, actor=approver, logged_in_at=time.time())
            if batch.status == BatchStatus.APPROVED:
                payment_batch_disburse_now(batch=batch, actor=approvers[0])
                paid += 1
            elif batch.status == BatchStatus.DISBURSING:  # an interrupted seed: pay what is still open
                disburse_chunk(batch_id=batch.pk, first_id=0, last_id=EVERY_ID)
                paid += 1
    return paid
