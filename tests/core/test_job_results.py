"""Job results inside a unit: a result holding unmasked personal data is listed to and
downloadable by its starter, or someone holding the reveal permission, only; every download
of any job result is audited. Walked for every role."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from apps.accounts.enums import Role
from apps.core.enums import JobKind, JobStatus
from apps.core.jobs import job_start, job_transition
from apps.core.models import AuditLog, Job
from apps.core.scoping import scopes_disabled
from tests.conftest import login
from tests.factories.orgs import make_user

pytestmark = pytest.mark.django_db


def finished_job(*, unit, actor, reveals: bool, content: bytes) -> Job:
    with scopes_disabled():
        job = job_start(kind=JobKind.MEMBER_EXPORT, organization=unit, actor=actor, task=None,
                        params={"reveal": reveals}, reveals=reveals)
        job.result_file.save(f"{'full' if reveals else 'masked'}.xlsx", ContentFile(content), save=False)
        job_transition(job_id=job.pk, to=JobStatus.RUNNING)
        job_transition(job_id=job.pk, to=JobStatus.SUCCEEDED, result_file=job.result_file.name)
        return Job.objects.get(pk=job.pk)


@pytest.fixture
def jobs(tree, users):
    starter = users["haidian"]
    return {
        "full": finished_job(unit=tree.haidian, actor=starter, reveals=True, content=b"FULL-110101199001011234"),
        "masked": finished_job(unit=tree.haidian, actor=starter, reveals=False, content=b"MASKED-110***********234"),
    }


def downloads() -> list[tuple[str, str]]:
    with scopes_disabled():
        return list(AuditLog.objects.filter(action="job.download").order_by("id")
                    .values_list("actor_username", "object_id"))


def sees(client, job) -> dict[str, bool]:
    """What a client gets of a job: listed, page, status, download."""
    listing = client.get("/jobs/")
    return {
        "listed": listing.status_code == 200 and str(job.pk) in listing.content.decode(),
        "page": client.get(f"/jobs/{job.pk}/").status_code == 200,
        "status": client.get(f"/jobs/{job.pk}/status/").status_code == 200,
        "download": client.get(f"/jobs/{job.pk}/download/").status_code == 200,
    }


ALL = {"listed": True, "page": True, "status": True, "download": True}
NOTHING = {"listed": False, "page": False, "status": False, "download": False}


def test_each_role_sees_what_it_may_of_a_revealing_and_a_masked_result(jobs, tree, users):
    roles = {
        # the starter (unit admin, holds the reveal permission)
        "starter": (users["haidian"], ALL, ALL),
        # another unit admin of the same unit: holds the reveal permission itself
        "unit_admin": (make_user("t_haidian_admin2", tree.haidian, Role.UNIT_ADMIN), ALL, ALL),
        # the municipal admin (its scope covers 海淀; holds the reveal permission)
        "municipal": (users["municipal"], ALL, ALL),
        # same unit, core.view_job, no reveal permission: the masked result only
        "clerk": (users["haidian_clerk"], NOTHING, ALL),
        "payment_approver": (make_user("t_haidian_approver", tree.haidian, Role.PAYMENT_APPROVER), NOTHING, ALL),
        # no job permission at all
        "teacher": (make_user("t_haidian_teacher", tree.haidian, Role.TEACHER), NOTHING, NOTHING),
        "judge": (users["judge"], NOTHING, NOTHING),
        # another unit: the fence (404), whatever the permission
        "other_unit_admin": (users["chaoyang"], NOTHING, NOTHING),
    }
    for role, (user, full, masked) in roles.items():
        client = login(user)
        assert sees(client, jobs["full"]) == full, role
        assert sees(client, jobs["masked"]) == masked, role
    # every download is audited, masked or not, by whom
    expected = [(user.username, str(jobs[kind].pk)) for user, full, masked in roles.values()
                for kind, allowed in (("full", full), ("masked", masked)) if allowed["download"]]
    assert downloads() == expected


def test_the_revealing_file_itself_never_reaches_a_clerk(jobs, users):
    clerk = login(users["haidian_clerk"])
    response = clerk.get(f"/jobs/{jobs['full'].pk}/download/")
    assert response.status_code == 404 and b"110101199001011234" not in response.content
    body = clerk.get("/jobs/").content.decode()
    assert f"/jobs/{jobs['full'].pk}/" not in body and f"/jobs/{jobs['masked'].pk}/" in body
    # nor through the admin's job list
    admin_list = clerk.get("/admin/core/job/")
    assert admin_list.status_code in (200, 403)
    assert str(jobs["full"].pk) not in admin_list.content.decode()


def test_a_download_is_audited_with_the_job_and_marked_when_it_reveals(jobs, users):
    client = login(users["haidian"])
    response = client.get(f"/jobs/{jobs['full'].pk}/download/")
    assert b"".join(response.streaming_content) == b"FULL-110101199001011234"
    assert response["Cache-Control"] == "no-store"
    with scopes_disabled():
        entry = AuditLog.objects.get(action="job.download")
    assert entry.actor == users["haidian"] and entry.object_id == str(jobs["full"].pk)
    assert entry.data["reveals"] is True and entry.data["kind"] == JobKind.MEMBER_EXPORT


def test_job_status_moves_only_through_its_table(jobs, tree, users):
    job = jobs["masked"]
    assert job_transition(job_id=job.pk, to=JobStatus.RUNNING) is False  # finished: never back
    assert job_transition(job_id=job.pk, to=JobStatus.SUCCEEDED) is False  # already there: a no-op
    with scopes_disabled():
        assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED
        moves = list(AuditLog.objects.filter(action__in=("job.running", "job.succeeded"), object_id=str(job.pk))
                     .values_list("action", flat=True))
    assert sorted(moves) == ["job.running", "job.succeeded"]
