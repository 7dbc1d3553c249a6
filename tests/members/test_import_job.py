"""A big file is imported by a Celery job (real worker); the job page shows the report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage

from apps.core.enums import JobKind, JobStatus
from apps.core.models import Job
from apps.core.scoping import scopes_disabled
from apps.members import admin_import
from apps.members.models import Member
from apps.members.services import ALREADY_ELSEWHERE
from tests.conftest import login, wait_for
from tests.factories.members import make_member
from tests.members.sheets import member_rows, xlsx_bytes
from tests.members.test_import_admin import URL, confirm, upload

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def finished(job_id):
    def check():
        with scopes_disabled():
            job = Job.objects.get(pk=job_id)
        return job if job.is_finished else None
    return check


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(admin_import, "SYNC_MAX_ROWS", 3)  # our own config: "big" means > 3 rows here


def start_job(client, tree, rows) -> str:
    preview = upload(client, tree.haidian, xlsx_bytes(rows))
    assert preview.context["async"] and "确认后将在后台导入" in preview.content.decode()
    response = confirm(client, preview.context["token"])
    assert response.status_code == 302 and "/jobs/" in response["Location"], response
    return response["Location"].rstrip("/").split("/")[-1]


def test_a_big_file_runs_as_a_job_and_its_report_is_the_result(tree, users, small_threshold, celery_worker):
    client = login(users["haidian"])
    job_id = start_job(client, tree, member_rows(5))
    job = wait_for(finished(job_id))
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.kind == JobKind.MEMBER_IMPORT and job.organization == tree.haidian
    assert (job.done, job.total, job.percent) == (5, 5, 100)
    assert job.result["created"] == 5 and job.result["ok"] and job.result["error_count"] == 0
    with scopes_disabled():
        assert Member.objects.filter(organization=tree.haidian).count() == 5
    assert not default_storage.exists(job.params["upload"])
    page = client.get(f"/jobs/{job_id}/").content.decode()
    assert 'id="job-report"' in page and "已新增 5 条" in page
    assert login(users["chaoyang"]).get(f"/jobs/{job_id}/").status_code == 404
    assert confirm(client, "0" * 32).status_code == 302  # nothing more is imported
    with scopes_disabled():
        assert Member.objects.count() == 5


def test_a_job_whose_rows_turned_bad_writes_nothing_and_reports_them(tree, users, small_threshold,
                                                                    celery_worker):
    client = login(users["haidian"])
    rows = member_rows(5, base=dt.date(1984, 4, 4))
    preview = upload(client, tree.haidian, xlsx_bytes(rows))
    make_member(tree.chaoyang, name="朝阳老师", id_number=rows[3]["身份证号"])  # registered meanwhile
    response = confirm(client, preview.context["token"])
    job_id = response["Location"].rstrip("/").split("/")[-1]
    job = wait_for(finished(job_id))
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["ok"] is False and job.result["created"] == 0
    assert job.result["errors"] == [{"row": 5, "column": "身份证号", "message": ALREADY_ELSEWHERE}]
    with scopes_disabled():
        assert Member.objects.count() == 1
    page = client.get(f"/jobs/{job_id}/").content.decode()
    assert "第 5 行" in page and ALREADY_ELSEWHERE in page and "未写入任何数据" in page
    assert client.get(URL).status_code == 200
