"""1,800 从教30周年 certificate PDFs as a job, against rendering one PDF 1,800 times in a loop.

In a fresh bench database (PostgreSQL when DATABASE_URL points at it): the organisation tree
and demo users, ``--people`` (1,800) teachers reaching 30 years of teaching in 2025 spread
over 41 universities (``apps/milestones/demo.py``'s generator), the 41 rolls built and
confirmed. Then:

* loop (the baseline, same run) — ``honoree_pdf(honoree=…)`` for ONE honoree, called
  ``--people`` times, each call as the one-off download does it (its own renderer);
* job — ``certificates_issue`` over the 41 rolls, run by ONE real Celery worker process
  (``--pool=solo``; ``--in-process`` runs the same handler here instead), timed from the
  call until the job reads 已完成: codes for everyone, a PDF per person and a roster per
  university in the result zip, each roll moved to 证书已颁发.

Figures: ``certificates``, ``certificates_s``, ``certificates_per_s``, ``loop_s``,
``loop_per_s`` and ``job_vs_loop`` (the job's certificates per second over the loop's, the
issue's target: ≥ 1.0). The last line is one JSON object.

    python .ci/testenv.py .venv/bin/python bench/welfare_certificates.py [--people 1800] [--in-process]
"""

from __future__ import annotations

import argparse
import math
import time
import zipfile

from harness import bench_database, dedicated_test_name, report

TARGET_RATIO = 1.0
JOB_TIMEOUT = 1800


def build(people: int):
    from apps.accounts.models import User
    from apps.core.demo import seeders
    from apps.core.scoping import scopes_disabled
    from apps.milestones import demo
    from apps.milestones.enums import RollStatus
    from apps.milestones.models import ThirtyYearRoll
    from apps.milestones.services import roll_confirm, rolls_build_year
    from apps.organizations.models import Organization

    for seeder in seeders():
        if seeder.name in ("organizations", "accounts"):
            seeder.seed({})
    demo.PER_UNIVERSITY = math.ceil(people / demo.UNIVERSITIES)
    with scopes_disabled():  # the bench fills the whole city
        demo.seed_teachers()
        for roll in rolls_build_year(year=demo.YEAR):
            if roll.honoree_count and roll.status == RollStatus.DRAFT:
                roll_confirm(roll=roll, actor=None)
        rolls = list(ThirtyYearRoll.objects.filter(status=RollStatus.CONFIRMED).select_related("organization"))
        root = Organization.objects.get(depth=1)
    return rolls, root, User.objects.get(username="admin")


def loop(people: int) -> tuple[float, int]:
    """One honoree's PDF, ``people`` times, as the download view renders it."""
    from django.utils import timezone

    from apps.core.certificates import verification_code
    from apps.core.scoping import scopes_disabled
    from apps.milestones.certificates import honoree_pdf
    from apps.milestones.models import ThirtyYearHonoree

    with scopes_disabled():  # the bench's own rows
        honoree = ThirtyYearHonoree.objects.select_related("roll__organization").order_by("id").first()
    honoree.code, honoree.issued_at = verification_code(), timezone.now()  # not saved: the job assigns codes
    size = 0
    start = time.perf_counter()
    for _ in range(people):
        size = len(honoree_pdf(honoree=honoree))
    return time.perf_counter() - start, size


def run_job(rolls, root, admin, *, in_process: bool):
    from apps.core.enums import JobStatus
    from apps.core.jobs import job_run
    from apps.core.models import Job
    from apps.core.scoping import scope, scopes_disabled
    from apps.milestones.issuing import certificates_issue, issue_rolls

    worker = None
    if not in_process:
        from payments import Worker  # the payments bench's real worker process

        worker = Worker()
        worker.start()
        worker.wait_ready()
    try:
        start = time.perf_counter()
        with scope(paths=[root.path]):
            job = certificates_issue(rolls=rolls, actor=admin, organization=root, run_now=in_process)
        if in_process:
            job_run(str(job.pk), issue_rolls)
        deadline = start + JOB_TIMEOUT
        while True:
            with scopes_disabled():  # the bench's own job
                job = Job.objects.get(pk=job.pk)
            if job.is_finished or time.perf_counter() > deadline:
                break
            if worker is not None:
                worker.check_alive()
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
    finally:
        if worker is not None:
            worker.stop()
    if job.status != JobStatus.SUCCEEDED:
        raise SystemExit(f"the job did not succeed: {job.status} {job.error}")
    return job, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1800)
    parser.add_argument("--in-process", action="store_true", help="run the job's handler here, not in a worker")
    args = parser.parse_args()
    dedicated_test_name("welfare_certs")
    with bench_database() as vendor:
        rolls, root, admin = build(args.people)
        certificates = sum(r.honoree_count for r in rolls)
        loop_s, pdf_bytes = loop(certificates)
        job, job_s = run_job(rolls, root, admin, in_process=args.in_process)
        with job.result_file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            pdfs = sum(name.endswith(".pdf") for name in archive.namelist())
            rosters = sum(name.endswith(".xlsx") for name in archive.namelist())
        assert pdfs == certificates == job.result["certificates"], (pdfs, certificates, job.result)
        per_s, loop_per_s = certificates / job_s, certificates / loop_s
        figures = {
            "database": vendor,
            "runner": "in-process" if args.in_process else "celery worker (solo)",
            "universities": len(rolls),
            "rosters": rosters,
            "certificates": certificates,
            "certificates_s": round(job_s, 2),
            "certificates_per_s": round(per_s, 1),
            "loop_s": round(loop_s, 2),
            "loop_per_s": round(loop_per_s, 1),
            "job_vs_loop": round(per_s / loop_per_s, 3),
            "pdf_bytes": pdf_bytes,
            "job_vs_loop_ok": per_s / loop_per_s >= TARGET_RATIO,
        }
    report(figures)


if __name__ == "__main__":
    main()
