"""The Celery job importing a large member file (started from the admin's confirm step)."""

from __future__ import annotations

from celery import shared_task

from apps.core.jobs import job_run
from apps.organizations.models import Organization

from apps.core.importing import uploads

from .importing import import_members_file


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_members_job(*, job_id: str) -> None:
    job_run(job_id, run_member_import)


def run_member_import(job, progress) -> dict:
    """Runs in the scope of the job's unit (the starter's); the report is the job's result."""
    params = job.params
    organization = Organization.objects.get(pk=params["organization"])  # scoped: outside → DoesNotExist
    try:
        with uploads.open_stored(params["upload"]) as handle:
            report = import_members_file(handle, organization=organization, actor=job.started_by,
                                         progress=progress)
    finally:
        uploads.delete(params["upload"])  # imported or refused, the upload is never used again
    return {**report.as_dict(), "filename": params.get("filename", ""), "organization": organization.name}
