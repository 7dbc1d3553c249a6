"""The shared job model's services: create, enqueue after commit, run with scope, progress."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .audit import audit_record
from .enums import JobKind, JobStatus
from .models import Job
from .scoping import acting_person, scope, scopes_disabled

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# The permission that lets its holder see unmasked personal data (a string: core imports no domain app).
REVEAL_PERMISSION = "members.reveal_personal_data"

# The only allowed moves of a job's status; ``job_transition`` is the one writer.
# A failed disbursement job (its splitting failed) is completed by the chunks the sweeper re-queues.
JOB_MOVES: dict[str, frozenset[str]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED}),
    JobStatus.RUNNING: frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED}),
    JobStatus.FAILED: frozenset({JobStatus.SUCCEEDED}),
    JobStatus.SUCCEEDED: frozenset(),
}
_STAMPS = {JobStatus.RUNNING: "started_at", JobStatus.SUCCEEDED: "finished_at", JobStatus.FAILED: "finished_at"}


def job_transition(*, job_id, to: str, **fields) -> bool:
    """Move job ``job_id`` to ``to`` (lock, re-check against ``JOB_MOVES``, write with
    ``fields``, stamp, audit). Already there, or a move the table does not allow (a
    redelivered message for a finished job): nothing changes, returns False."""
    with scopes_disabled(), transaction.atomic():  # workers act on a job by id; the scope is bound after
        job = Job.objects.select_for_update(of=("self",)).select_related("organization").filter(pk=job_id).first()
        if job is None or job.status == to or to not in JOB_MOVES[job.status]:
            return False
        values = {"status": to, _STAMPS[to]: timezone.now(), **fields}
        Job.objects.filter(pk=job.pk).update(**values)
        audit_record(actor=None, action=f"job.{to}", target=job, data={"from": job.status, "kind": job.kind})
    return True


def job_start(*, kind: JobKind, organization, actor, task, params: dict[str, Any] | None = None,
              reveals: bool = False) -> Job:
    """Create a queued job for ``organization`` and enqueue ``task(job_id=…)`` after commit
    (``task=None``: the caller runs the job itself, in process).

    ``reveals``: the result will hold unmasked personal data — only its starter, or someone
    holding the reveal permission, may then see it listed or download it.

    A job started in a person scope (a teacher, a judge) remembers it and runs in it.
    """
    person, _user_id = acting_person()
    with transaction.atomic():
        job = Job(kind=kind, organization=organization, started_by=actor, params=params or {}, reveals=reveals,
                  person=person or "")
        job.save()
        audit_record(actor=actor, action="job.start", target=job, data={"kind": kind, "reveals": reveals})
        job_id = str(job.id)
        if task is not None:
            transaction.on_commit(lambda: task.delay(job_id=job_id))
    return job


def job_progress(*, job_id, **fields) -> None:
    """Progress figures of a job (done, total, result): never its status."""
    if "status" in fields:
        raise ValueError("a job's status changes only through job_transition")
    with scopes_disabled():  # a worker reports on its own job by id
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
    job_transition(job_id=job.pk, to=JobStatus.RUNNING, error="")

    def progress(done: int, total: int) -> None:
        job_progress(job_id=job.pk, done=done, total=total)

    try:
        with job_scope(job):
            result = handler(job, progress) or {}
    except Exception as exc:  # recorded on the job row; the worker stays up
        log.exception("job %s failed", job.pk)
        job_transition(job_id=job.pk, to=JobStatus.FAILED, error=str(exc)[:2000])
        return
    fields = {"result": result}
    if job.result_file:
        fields["result_file"] = job.result_file.name
    job_transition(job_id=job.pk, to=JobStatus.SUCCEEDED, **fields)


# --- who may see a job and its result ---------------------------------------------------------


def jobs_visible(*, user, queryset: QuerySet | None = None) -> QuerySet:
    """The jobs (already scoped to the acting unit) ``user`` may see: a job whose result holds
    unmasked personal data only for its starter or a holder of the reveal permission."""
    queryset = Job.objects.all() if queryset is None else queryset
    if user.has_perm(REVEAL_PERMISSION):
        return queryset
    return queryset.filter(Q(reveals=False) | Q(started_by_id=user.pk))


def job_download_record(*, job: Job, actor) -> None:
    """Every download of a job's result is audited (one entry per download)."""
    audit_record(actor=actor, action="job.download", target=job,
                 data={"kind": job.kind, "reveals": job.reveals, "file": job.result_file.name.rsplit("/", 1)[-1]})
