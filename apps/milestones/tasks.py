"""Celery tasks of the milestones app (Celery autodiscovers this module)."""

from __future__ import annotations

from celery import shared_task

from .issuing import issue_certificates_task  # noqa: F401 - registers the issuing job's task
from .milestones import milestones_run


@shared_task(ignore_result=True)
def milestones_monthly(*, year: int | None = None, month: int | None = None) -> dict:
    """Beat, on the 1st of each month: the month's milestone messages into the outbox."""
    return milestones_run(year=year, month=month)
