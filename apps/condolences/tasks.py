"""Celery task: generate a large campaign as a job (progress on the job's page)."""

from __future__ import annotations

from celery import shared_task

from apps.core.jobs import job_run

from .campaigns import campaign_generate, campaign_transition
from .enums import CampaignStatus
from .models import Campaign


@shared_task(name="apps.condolences.tasks.generate_campaign", acks_late=True)
def generate_campaign(*, job_id: str) -> None:
    job_run(job_id, generate_handler)


def generate_handler(job, progress) -> dict:
    campaign = Campaign.objects.get(pk=job.params["campaign"])
    try:
        done = campaign_generate(campaign=campaign, actor=job.started_by, progress=progress)
    except Exception:
        campaign_transition(campaign=campaign, to=CampaignStatus.DRAFT, actor=job.started_by,
                            data={"reason": "生成失败"}, job=None)
        raise
    return {"campaign": done.pk, "count": done.summary.get("count"), "sum": done.summary.get("sum"),
            "batch": done.batch_id}
