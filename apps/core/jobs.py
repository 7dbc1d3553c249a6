"""The shared job model's services: create, enqueue after commit, run with scope, progress."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from .audit import audit_record
from .enums import JobKind, JobStatus
from .models import Job
from .scoping import acting_person, scope, scopes_disabled

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def job_start(*, kind: JobKind, organization, actor, task, params: dict[str, Any] | None = None) -> Job:
    """Create a queued job for ``organization`` and enqueue ``task(job_id=…)`` after commit.

    A job started in a person scope (a teacher, a judge) remembers it and runs in it."""
    person, _user_id = acting_person()
    with transaction.atomic():
        job = Job(kind=kind, organization=organization, started_by=actor, params=params or {},
                  person=person or "")
        job.save()
        audit_record(actor=actor, action="job.start", target=job, data={"kind": kind})
        job_id = str(job.id)
        transaction.on_commit(lambda: task.delay(job_id=job_id))
    return job


def _set(job_id, **fields) -> None:
    with scopes_disabled():  # the worker's bookkeeping on its own job row, outside the job's scope
        Job.objects.filter(pk=job_id).update(**fields)


def job_scope(job: Job):
    """The scope a job's handler runs in (see ``job_start``)."""
    if job.person:
        return scope(person=job.person, user_id=job.started_by_id)
    return scope(paths=[job.organization.path])


def job_run(job_id: str, handler: Callable[[Job, Progress], dict[str, Any] | None]) -> None:
    """Run ``handler(job, progress)`` inside the scope its starter acted in: the job's unit
    (staff), or the starter's person scope (a teacher, a judge).

    The handler sees exactly what its starter saw; whatever it returns is the job's
    result. A failure is recorded on the job (never half a result file).
    """
    with scopes_disabled():  # the task gets only an id: its row says which scope to bind
        job = Job.objects.select_related("organization", "started_by").get(pk=job_id)
    if job.is_finished:
        return  # a redelivered message for a finished job: nothing to do
    _set(job.pk, status=JobStatus.RUNNING, started_at=timezone.now(), error="")

    def progress(done: int, total: int) -> None:
        _set(job.pk, done=done, total=total)

    try:
        with job_scope(job):
            result = handler(job, progress) or {}
    except Exception as exc:  # recorded on the job row; the worker stays up
        log.exception("job %s failed", job.pk)
        _set(job.pk, status=JobStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        return
    fields = {"status": JobStatus.SUCCEEDED, "result": result, "finished_at": timezone.now()}
    if job.result_file:
        fields["result_file"] = job.result_file.name
    _set(job.pk, **fields)
