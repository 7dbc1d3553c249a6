"""Core's own work-queue item: background jobs still queued or running in the acting subtree."""

from __future__ import annotations

from django.urls import reverse

from .enums import JobStatus
from .models import Job
from .work_queue import QueueItem


def jobs_queue(user) -> list[QueueItem]:
    if not user.has_perm("core.view_job"):
        return []
    running = Job.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).count()  # scoped
    return [QueueItem("进行中的后台任务", running, reverse("jobs:list"), "导入、导出与发放的进度", "后台任务")]
