"""Disbursement on Celery: thin tasks over ``disbursement`` (the protocol is described there).

The sweeper runs on its own queue (``CELERY_PAYMENTS_SWEEP_QUEUE``, routed in settings), so a
backlog of chunks on the default queue never delays recovery.
"""

from __future__ import annotations

from celery import shared_task

from . import disbursement

# Well below the broker's visibility timeout (settings: 3600 s), so a message is never
# handed to a second worker while the first may still be running it.
CHUNK_LIMITS = {"time_limit": 10 * 60, "soft_time_limit": 9 * 60}
TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, **CHUNK_LIMITS}


@shared_task(**TASK_OPTIONS)
def disburse_batch(*, job_id: str) -> None:
    """The job: split the batch's open items into id ranges, one chunk task each."""
    disbursement.disburse_job(job_id=job_id, enqueue=disburse_chunk.delay)


@shared_task(**TASK_OPTIONS)
def disburse_chunk(*, batch_id: int, first_id: int, last_id: int) -> None:
    disbursement.disburse_chunk(batch_id=batch_id, first_id=first_id, last_id=last_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def sweep_stuck_items() -> int:
    """Celery beat: re-queue the chunks of stalled disbursing batches (``disbursement.sweep_stuck``)."""
    return disbursement.sweep_stuck(enqueue=disburse_chunk.delay)
