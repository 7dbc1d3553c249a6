"""Big member exports run on a real Celery worker, in the starter's scope, with the same
filters; the file is downloaded from the job page and is as safe as a direct export."""

from __future__ import annotations

import pytest

from apps.core.enums import JobStatus
from apps.core.models import Job
from apps.core.scoping import scopes_disabled
from tests.conftest import login, wait_for
from tests.members.test_export import (
    PAYLOADS,
    assert_masked,
    assert_payloads_exact,
    by_name,
    csrf_token,
    export_audits,
    xlsx_bytes,
)
from tests.members.test_export import payload_members as payload_members  # noqa: F401 - fixtures
from tests.members.test_export import people as people  # noqa: F401

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def finished(job_id):
    def check():
        with scopes_disabled():
            job = Job.objects.get(pk=job_id)
        return job if job.is_finished else None
    return check


def download(client, job_id) -> bytes:
    job = wait_for(finished(job_id))
    assert job.status == JobStatus.SUCCEEDED, job.error
    page = client.get(f"/jobs/{job_id}/")
    assert page.status_code == 200 and f"/jobs/{job_id}/download/" in page.content.decode()
    response = client.get(f"/jobs/{job_id}/download/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return xlsx_bytes(response)


def test_big_api_export_runs_as_a_job_with_the_filters_and_reveal(
        people, payload_members, users, settings, celery_worker):  # noqa: F811
    settings.MEMBER_EXPORT_SYNC_LIMIT = 2
    client = login(users["haidian"])
    client.get("/")
    response = client.post("/api/v1/members/export/reveal/?status=active", data={"reason": "核对"},
                           content_type="application/json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 202, response.content[:300]
    job_id = response.json()["job"]
    assert response.json()["url"] == f"/jobs/{job_id}/"
    data = download(client, job_id)
    rows = by_name(data)
    assert "赵老师" not in rows and "朝阳会员" not in rows  # filtered (retired) and scoped (朝阳)
    assert len(rows) == 2 + len(PAYLOADS)
    assert rows["李青"]["身份证号"] == people["young_woman"].id_number
    assert_payloads_exact(data, payload_members)
    with scopes_disabled():
        job = Job.objects.get(pk=job_id)
    assert job.result == {"rows": len(rows), "reveal": True}
    assert (job.done, job.total) == (len(rows), len(rows))
    [entry] = export_audits()
    assert entry.data["reveal"] is True and entry.data["via"] == "job:api" and entry.actor == users["haidian"]
    # another unit cannot open or download it
    other = login(users["chaoyang"])
    assert other.get(f"/jobs/{job_id}/").status_code == 404
    assert other.get(f"/jobs/{job_id}/download/").status_code == 404


def test_big_admin_exports_run_as_jobs_masked_and_filtered(
        people, payload_members, users, settings, celery_worker):  # noqa: F811
    settings.MEMBER_EXPORT_SYNC_LIMIT = 0
    client = login(users["haidian"])
    # the list action, after its confirmation
    response = client.post("/admin/members/member/export-members/?employment_type__exact=permanent",
                           {"csrfmiddlewaretoken": csrf_token(client)})
    assert response.status_code == 302, response.content[:300]
    data = download(client, response["Location"].rstrip("/").split("/")[-1])
    rows = by_name(data)
    assert "王老师" not in rows and "朝阳会员" not in rows and {"李青", "赵老师"} <= set(rows)
    assert_masked(data, [people["young_woman"], people["retired"]])
    assert_payloads_exact(data, payload_members)
    # the classic action on every row of the filtered changelist ("select all")
    response = client.post("/admin/members/member/?status__exact=retired",
                           {"csrfmiddlewaretoken": csrf_token(client), "action": "export_selected",
                            "index": "0", "select_across": "1", "_selected_action": [people["retired"].pk]})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/"), response.content[:300]
    data = download(client, response["Location"].rstrip("/").split("/")[-1])
    assert list(by_name(data)) == ["赵老师"]
    assert_masked(data, [people["retired"]])
    assert [e.data["via"] for e in export_audits()] == ["job:admin", "job:admin"]
    assert not any(e.data["reveal"] for e in export_audits())
