"""Jobs run on a real Celery worker, in the scope of the unit that started them."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from apps.core.enums import JobKind, JobStatus
from apps.core.jobs import job_start
from apps.core.models import Job
from apps.core.scoping import scopes_disabled
from apps.organizations.models import Organization
from tests.conftest import login, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def finished(job_id):
    def check():
        with scopes_disabled():
            job = Job.objects.get(pk=job_id)
        return job if job.is_finished else None
    return check


def test_export_job_runs_on_the_worker_in_the_starters_scope(users, tree, celery_worker):
    client = login(users["haidian"])
    client.get("/organizations/")
    response = client.post("/organizations/export/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    job_id = response["Location"].rstrip("/").split("/")[-1]
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "job-progress.js" in page

    job = wait_for(finished(job_id))
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.done, job.total, job.percent) == (2, 2, 100)
    status = client.get(f"/jobs/{job_id}/status/").json()
    assert status["finished"] and status["has_file"] and status["percent"] == 100

    download = client.get(f"/jobs/{job_id}/download/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("单位编码", "名称")
    assert [r[0] for r in rows[1:]] == ["D-HAIDIAN", "D-HAIDIAN-S01"]  # nothing of 朝阳
    assert rows[2][4] == "D-HAIDIAN"

    # another unit cannot see the job, its progress or its file
    other = login(users["chaoyang"])
    for suffix in ("", "status/", "download/"):
        assert other.get(f"/jobs/{job_id}/{suffix}").status_code == 404


def test_a_failing_job_records_its_error(users, tree, celery_worker, monkeypatch):
    from apps.organizations import tasks

    def broken(job, progress):
        progress(1, 10)
        raise RuntimeError("模拟的导出错误")

    monkeypatch.setattr(tasks, "write_organizations_xlsx", broken)
    job = job_start(kind=JobKind.ORGANIZATION_EXPORT, organization=tree.haidian, actor=users["haidian"],
                    task=tasks.export_organizations)
    job = wait_for(finished(job.pk))
    assert job.status == JobStatus.FAILED
    assert job.error == "模拟的导出错误"
    assert not job.result_file


def test_a_redelivered_message_for_a_finished_job_does_nothing(users, tree, celery_worker):
    from apps.organizations.tasks import export_organizations

    job = job_start(kind=JobKind.ORGANIZATION_EXPORT, organization=tree.haidian, actor=users["haidian"],
                    task=export_organizations)
    job = wait_for(finished(job.pk))
    first_file, finished_at = job.result_file.name, job.finished_at
    export_organizations.delay(job_id=str(job.pk))  # as if the broker delivered it again
    # a second, real job proves the worker has processed the duplicate before it
    second = job_start(kind=JobKind.ORGANIZATION_EXPORT, organization=tree.haidian, actor=users["haidian"],
                       task=export_organizations)
    wait_for(finished(second.pk))
    with scopes_disabled():
        again = Job.objects.get(pk=job.pk)
    assert (again.result_file.name, again.finished_at) == (first_file, finished_at)


def test_the_task_sees_only_the_jobs_unit(users, tree):
    """Run the handler as the worker would, without a worker: scope comes from the job row."""
    from apps.core.jobs import job_run
    from apps.organizations.exports import write_organizations_xlsx

    with scopes_disabled():
        job = Job(kind=JobKind.ORGANIZATION_EXPORT, organization=tree.tsinghua, started_by=users["tsinghua"])
        job.save()
    job_run(str(job.pk), write_organizations_xlsx)
    with scopes_disabled():
        job.refresh_from_db()
        expected = Organization.objects.filter(path__startswith=tree.tsinghua.path).count()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"rows": expected} and expected == 3
