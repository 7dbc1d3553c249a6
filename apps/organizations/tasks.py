from celery import shared_task

from apps.core.jobs import job_run

from .exports import write_organizations_xlsx


@shared_task(acks_late=True, reject_on_worker_lost=True)
def export_organizations(*, job_id: str) -> None:
    job_run(job_id, write_organizations_xlsx)
