"""The Celery job importing a large platform order list (started by the admin's confirm
step or the API above ``SYNC_MAX_ROWS`` rows)."""

from __future__ import annotations

from celery import shared_task

from apps.core.enums import JobKind
from apps.core.importing import uploads
from apps.core.jobs import job_run, job_start

from .importing import import_orders_file

SYNC_MAX_ROWS = 3000  # bigger files are imported by a job with a progress bar


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_orders_job(*, job_id: str) -> None:
    job_run(job_id, run_order_import)


def run_order_import(job, progress) -> dict:
    """Runs in the scope of the starter's unit; the report is the job's result."""
    params = job.params
    try:
        with uploads.open_stored(params["upload"]) as handle:
            report = import_orders_file(handle, actor=job.started_by, progress=progress)
    finally:
        uploads.delete(params["upload"])  # imported or refused, the upload is never used again
    return {**report.as_dict(), "filename": params.get("filename", "")}


def start_import_job(*, name: str, filename: str, rows: int, organization, actor):
    """A queued job for the stored upload ``name`` (already claimed)."""
    return job_start(kind=JobKind.PETITION_IMPORT, organization=organization, actor=actor, task=import_orders_job,
                     params={"upload": name, "filename": filename, "rows": rows})
