"""Person scopes (apps/core/scoping.py): teachers and judges act in their own records, bound
where requests and tasks start; role_assign never skips its scope check silently."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from knox.models import AuthToken
from rest_framework.test import APIClient

from apps.accounts.acting import bind
from apps.accounts.enums import Role
from apps.accounts.models import RoleAssignment
from apps.accounts.services import role_assign, user_ensure
from apps.core.enums import JobKind
from apps.core.jobs import job_run, job_scope
from apps.core.models import Job
from apps.core.scoping import ScopeError, get_scope, scope, scopes_disabled
from apps.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_teacher_and_judge_roles_bind_a_person_scope(users):
    teacher = bind(users["teacher"])
    assert (teacher.person, teacher.user_id, teacher.paths) == ("teacher", users["teacher"].pk, ())
    judge = bind(users["judge"])
    assert (judge.person, judge.user_id, judge.paths) == ("judge", users["judge"].pk, ())
    staff = bind(users["haidian"])
    assert staff.person is None and staff.paths == (users["haidian"].acting.organization.path,)


def test_a_person_sees_their_own_roles_and_no_unit(users, tree):
    with scope(person="teacher", user_id=users["teacher"].pk):
        assert set(RoleAssignment.objects.values_list("user__username", flat=True)) == {"t_teacher"}
        assert not Organization.objects.exists()  # no rule for a teacher: nothing (fail closed)
    with scope(person="judge", user_id=users["judge"].pk):
        assert set(RoleAssignment.objects.values_list("user__username", flat=True)) == {"t_judge"}
    with scope(paths=[tree.tsinghua.path]):  # the control: the unit sees its teacher's role
        assert "t_teacher" in set(RoleAssignment.objects.values_list("user__username", flat=True))


def test_a_person_scope_needs_the_person():
    with pytest.raises(ValueError):
        with scope(person="teacher"):
            pass


def test_pages_bind_the_person_scope(users, rf):
    """The middleware every page and admin request passes binds the acting role's scope."""
    from django.contrib.sessions.backends.db import SessionStore

    from apps.accounts.middleware import ActingScopeMiddleware

    seen = []
    middleware = ActingScopeMiddleware(lambda request: seen.append(get_scope()))
    for key in ("teacher", "judge", "haidian"):
        request = rf.get("/")
        request.user, request.session = users[key], SessionStore()
        middleware(request)
    assert [(s.person, s.user_id) for s in seen[:2]] == [("teacher", users["teacher"].pk),
                                                        ("judge", users["judge"].pk)]
    assert seen[2].person is None and seen[2].paths
    assert get_scope() is None  # unbound after the request


def test_api_binds_the_person_scope_for_token_users(users):
    _instance, token = AuthToken.objects.create(user=users["teacher"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["role"] == Role.TEACHER
    # a unit's records are not a teacher's: the members list is refused or empty, never the unit's
    members = client.get("/api/v1/members/")
    assert members.status_code in (403, 404) or members.json()["count"] == 0


def test_a_job_started_in_a_person_scope_runs_in_it(users, tree):
    teacher = users["teacher"]
    with scope(person="teacher", user_id=teacher.pk):
        job = Job.objects.create(kind=JobKind.choices[0][0], organization=tree.tsinghua, started_by=teacher,
                                 person="teacher")
    seen = {}

    def handler(job, progress):
        seen["scope"] = get_scope()
        seen["roles"] = set(RoleAssignment.objects.values_list("user__username", flat=True))
        seen["units"] = Organization.objects.count()

    job_run(str(job.pk), handler)
    assert (seen["scope"].person, seen["scope"].user_id) == ("teacher", teacher.pk)
    assert seen["roles"] == {"t_teacher"} and seen["units"] == 0
    with scopes_disabled():
        staff_job = Job.objects.create(kind=JobKind.choices[0][0], organization=tree.tsinghua,
                                       started_by=users["tsinghua"])
    with job_scope(staff_job):  # the control: a staff job runs in its unit's subtree
        assert Organization.objects.count() == 3


def test_job_start_records_the_person_scope(users, tree):
    from apps.core.jobs import job_start

    class Task:
        @staticmethod
        def delay(**kwargs):
            pass

    with scope(person="judge", user_id=users["judge"].pk):
        job = job_start(kind=JobKind.choices[0][0], organization=tree.haidian, actor=users["judge"], task=Task)
    assert job.person == "judge"
    with scope(paths=[tree.haidian.path]):
        job = job_start(kind=JobKind.choices[0][0], organization=tree.haidian, actor=users["haidian"], task=Task)
    assert job.person == ""


# --- role_assign -------------------------------------------------------------------------------


def test_role_assign_without_an_actor_is_refused_unless_the_system_says_so(tree):
    user = user_ensure(username="newbie")
    with scope(paths=[tree.root.path]):
        with pytest.raises(PermissionDenied):
            role_assign(user=user, organization=tree.haidian, role=Role.UNIT_CLERK)
    with pytest.raises(PermissionDenied):  # outside any scope, too
        role_assign(user=user, organization=tree.haidian, role=Role.UNIT_CLERK)
    with scopes_disabled():
        assert not RoleAssignment.objects.filter(user=user).exists()
    assignment = role_assign(user=user, organization=tree.haidian, role=Role.UNIT_CLERK, system=True)
    with scopes_disabled():
        assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_role_assign_checks_the_actors_scope(users, tree):
    user = user_ensure(username="newbie2")
    actor = users["haidian"]
    with scope(paths=[tree.haidian.path]):
        with pytest.raises(PermissionDenied):
            role_assign(user=user, organization=tree.chaoyang, role=Role.UNIT_CLERK, actor=actor)
        role_assign(user=user, organization=tree.haidian_school, role=Role.UNIT_CLERK, actor=actor)
    with pytest.raises(ScopeError):  # an actor outside any scope: fail closed
        role_assign(user=user, organization=tree.haidian, role=Role.UNIT_CLERK, actor=actor)
    with scope(person="teacher", user_id=users["teacher"].pk):  # a person holds no unit
        with pytest.raises(PermissionDenied):
            role_assign(user=user, organization=tree.tsinghua, role=Role.TEACHER, actor=users["teacher"])
    with scopes_disabled():
        assert list(RoleAssignment.objects.filter(user=user).values_list("organization__code", flat=True)) == [
            "D-HAIDIAN-S01"]
