"""The municipal union issues the 从教30周年 certificates of confirmed rolls, as a job:

1. every honoree without a code gets one (``verification_code``; written in bulk),
2. one PDF per person, rendered with ONE ``CertificateRenderer`` (the font resolved and
   registered once) and stored uncompressed in a zip (PDF streams are compressed already),
   one folder per university with its roster (Excel) beside the PDFs,
3. each roll moves to 证书已颁发 (``roll_transition``, audited).

Progress is reported every ``PROGRESS_EVERY`` certificates. A failure leaves the rolls
confirmed and the codes kept: issuing again reuses them (the same certificate, the same code).
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.certificates import CertificateRenderer, verification_code
from apps.core.enums import JobKind
from apps.core.jobs import job_run, job_start
from apps.core.models import Job

from .certificates import honoree_filename, honoree_pdf, roster_filename, roster_write
from .enums import RollStatus
from .models import ThirtyYearHonoree, ThirtyYearRoll
from .services import ISSUE_PERMISSION, roll_transition

PROGRESS_EVERY = 25


def certificates_issue(*, rolls, actor, organization, run_now: bool = False) -> Job:
    """Start the job issuing the certificates of ``rolls`` (each must be 单位已确认).
    ``organization``: the unit the job belongs to (the acting one: 北京市教育工会)."""
    if actor is not None and not actor.has_perm(ISSUE_PERMISSION):
        raise PermissionDenied("只有市教育工会可以颁发从教30周年纪念证书。")
    ids = [r.pk for r in rolls]  # read again: what the caller holds may be stale
    rolls = list(ThirtyYearRoll.objects.filter(pk__in=ids).select_related("organization").order_by("organization__path"))
    if not rolls:
        raise ValidationError({"rolls": ["请选择要颁发证书的名单。"]})
    waiting = [r for r in rolls if r.status != RollStatus.CONFIRMED]
    if waiting:
        names = "、".join(f"{r.organization.name}（{r.get_status_display()}）" for r in waiting[:5])
        raise ValidationError({"rolls": [f"以下名单不是“单位已确认”状态，不能颁发：{names}。"]})
    total = sum(r.honoree_count for r in rolls)
    return job_start(kind=JobKind.THIRTY_CERTIFICATES, organization=organization, actor=actor,
                     task=None if run_now else issue_certificates_task,
                     params={"roll_ids": sorted(r.pk for r in rolls), "total": total})


def _assign_codes(honorees: list[ThirtyYearHonoree]) -> None:
    """Codes for those without one, unique city-wide (a rare clash draws again)."""
    now = timezone.now()
    missing = [h for h in honorees if not h.code]
    for attempt in range(5):
        if not missing:
            return
        for h in missing:
            h.code, h.issued_at = verification_code(), now
        try:
            with transaction.atomic():
                ThirtyYearHonoree.objects.bulk_update(missing, ["code", "issued_at"], batch_size=500)
            return
        except IntegrityError:
            if attempt == 4:
                raise
            for h in missing:
                h.code = None


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "", name)[:60] or "单位"


def issue_rolls(job: Job, progress) -> dict:
    """The job's handler (in the scope of the job's unit)."""
    ids = job.params.get("roll_ids") or []
    rolls = list(ThirtyYearRoll.objects.filter(pk__in=ids).select_related("organization")
                 .order_by("organization__path"))
    ready = [r for r in rolls if r.status in (RollStatus.CONFIRMED, RollStatus.ISSUED)]
    if len(ready) != len(ids):
        raise ValidationError("所选名单已不全是“单位已确认”状态，未颁发。")
    honorees = list(ThirtyYearHonoree.objects.filter(roll__in=ready)
                    .select_related("roll__organization", "member").order_by("roll__organization__path", "name", "id"))
    total = len(honorees)
    progress(0, total)
    _assign_codes(honorees)
    by_roll: dict[int, list[ThirtyYearHonoree]] = {}
    for h in honorees:
        by_roll.setdefault(h.roll_id, []).append(h)
    renderer = CertificateRenderer()  # the font once, for every certificate of the run
    done = 0
    with tempfile.TemporaryFile(suffix=".zip") as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
            for roll in ready:
                folder = _safe(roll.organization.name)
                people = by_roll.get(roll.pk, [])
                roster = io.BytesIO()
                roster_write(roster, roll=roll, honorees=people)
                archive.writestr(f"{folder}/{roster_filename(roll=roll)}", roster.getvalue())
                for h in people:
                    h.roll = roll
                    archive.writestr(f"{folder}/{honoree_filename(honoree=h)}", honoree_pdf(honoree=h, renderer=renderer))
                    done += 1
                    if done % PROGRESS_EVERY == 0:
                        progress(done, total)
        handle.seek(0)
        year = ready[0].year if ready else timezone.localdate().year
        name = f"{year}年从教30周年纪念证书-{len(ready)}个单位-{total}人.zip"
        job.result_file.save(name, File(handle), save=False)
    progress(done, total)
    actor = job.started_by
    for roll in ready:
        roll_transition(roll=roll, to=RollStatus.ISSUED, actor=actor)
    return {"certificates": total, "rolls": len(ready)}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def issue_certificates_task(*, job_id: str) -> None:
    job_run(job_id, issue_rolls)


def issued_honoree(code: str) -> ThirtyYearHonoree | None:
    """An issued certificate by code in the acting scope (its member, staff of its unit)."""
    return (ThirtyYearHonoree.objects.select_related("roll__organization", "member")
            .filter(code=code, issued_at__isnull=False).first())


__all__ = ["certificates_issue", "issue_rolls", "issue_certificates_task", "issued_honoree"]
