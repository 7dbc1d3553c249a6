"""User and role management in the admin: the municipal admin creates users and grants any
role anywhere; a unit admin manages its own subtree's users with roles up to its own; every
change goes through apps/accounts/services.py and is audited; another unit's user is a 404."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from apps.accounts.enums import Role
from apps.accounts.models import RoleAssignment, User
from apps.accounts.services import role_assign, role_revoke, user_create, user_deactivate
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from tests.factories.orgs import make_user

GOOD = "Quiet-River-2026"


def client_for(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")
    return client


def post(client, url, data):
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def add_user(client, tree_unit, role, username="t_new", password=GOOD, password2=None):
    return post(client, "/admin/accounts/user/add/", {
        "username": username, "full_name": "新用户", "organization": tree_unit.pk, "role": role,
        "password": password, "password2": password2 or password})


def actions(username):
    with scopes_disabled():
        return list(AuditLog.objects.filter(data__user=username).order_by("id").values_list("action", flat=True))


def test_municipal_admin_creates_a_user_with_any_role_anywhere(users, tree):
    response = add_user(client_for(users["municipal"]), tree.chaoyang_school, Role.PAYMENT_APPROVER)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="t_new")
    assert user.check_password(GOOD) and user.is_staff and user.is_active
    with scopes_disabled():
        assert [(a.organization, a.role) for a in RoleAssignment.objects.filter(user=user)] == [
            (tree.chaoyang_school, Role.PAYMENT_APPROVER)]
    assert actions("t_new") == ["user.create", "role.assign"]


def test_weak_password_is_refused_beside_the_field_and_nothing_is_created(users, tree):
    response = add_user(client_for(users["municipal"]), tree.haidian, Role.UNIT_CLERK, password="12345678")
    body = response.content.decode()
    assert response.status_code == 200
    assert "这个密码太常见了" in body or "这个密码全部为数字" in body
    assert not User.objects.filter(username="t_new").exists()
    mismatch = add_user(client_for(users["municipal"]), tree.haidian, Role.UNIT_CLERK, password2="Other-River-2026")
    assert "两次输入的密码不一致" in mismatch.content.decode()
    assert not User.objects.filter(username="t_new").exists()


def test_unit_admin_creates_users_in_its_subtree_with_roles_up_to_its_own(users, tree):
    haidian = client_for(users["haidian"])
    page = haidian.get("/admin/accounts/user/add/").content.decode()
    assert "市级管理员" not in page and "支付审批人" not in page and tree.chaoyang.name not in page
    assert add_user(haidian, tree.haidian_school, Role.UNIT_CLERK).status_code == 302
    assert actions("t_new") == ["user.create", "role.assign"]

    for unit, role in ((tree.chaoyang, Role.UNIT_CLERK), (tree.haidian, Role.MUNICIPAL_ADMIN),
                       (tree.haidian, Role.PAYMENT_APPROVER)):
        response = add_user(haidian, unit, role, username="t_refused")
        assert response.status_code == 200 and "errorlist" in response.content.decode(), (unit, role)
    assert not User.objects.filter(username="t_refused").exists()


def test_unit_admin_grants_and_revokes_roles_in_its_subtree_only(users, tree):
    clerk = users["haidian_clerk"]
    haidian = client_for(users["haidian"])
    response = post(haidian, "/admin/accounts/roleassignment/add/",
                    {"user": clerk.pk, "organization": tree.haidian_school.pk, "role": Role.JUDGE})
    assert response.status_code == 302
    with scopes_disabled():
        grant = RoleAssignment.objects.get(user=clerk, role=Role.JUDGE)
    assert grant.organization == tree.haidian_school and grant.is_active
    # the user list of 朝阳 is not offered; 朝阳's grants and users are 404
    page = haidian.get("/admin/accounts/roleassignment/add/").content.decode()
    assert users["chaoyang"].username not in page and tree.chaoyang.name not in page
    with scopes_disabled():
        foreign = RoleAssignment.objects.get(user=users["chaoyang"])
    assert haidian.get(f"/admin/accounts/roleassignment/{foreign.pk}/revoke/").status_code == 404
    assert haidian.get(f"/admin/accounts/user/{users['chaoyang'].pk}/change/").status_code == 404

    assert post(haidian, f"/admin/accounts/roleassignment/{grant.pk}/revoke/", {}).status_code == 302
    with scopes_disabled():
        assert not RoleAssignment.objects.get(pk=grant.pk).is_active
    assert actions(clerk.username)[-2:] == ["role.assign", "role.revoke"]
    # a second revoke changes nothing
    assert post(haidian, f"/admin/accounts/roleassignment/{grant.pk}/revoke/", {}).status_code == 302
    assert actions(clerk.username)[-1] == "role.revoke" and actions(clerk.username).count("role.revoke") == 1


def test_deactivate_is_audited_and_refused_with_a_reason_for_a_shared_user(users, tree):
    clerk = users["haidian_clerk"]
    haidian = client_for(users["haidian"])
    page = haidian.get(f"/admin/accounts/user/{clerk.pk}/change/").content.decode()
    assert "停用账号" in page and 'name="_save"' not in page  # read-only page: no 保存 buttons
    assert post(haidian, f"/admin/accounts/user/{clerk.pk}/deactivate/", {}).status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_active and actions(clerk.username)[-1] == "user.deactivate"

    shared = make_user("t_shared", tree.haidian_school, Role.UNIT_CLERK)
    with scopes_disabled():
        role_assign(user=shared, organization=tree.chaoyang_school, role=Role.UNIT_CLERK)
    response = post(haidian, f"/admin/accounts/user/{shared.pk}/deactivate/", {})
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.is_active
    follow = haidian.get(response["Location"]).content.decode()
    assert "该用户在您的管理范围以外还有角色" in follow


def test_set_password_uses_django_validators(users):
    clerk = users["haidian_clerk"]
    haidian = client_for(users["haidian"])
    weak = post(haidian, f"/admin/accounts/user/{clerk.pk}/set-password/", {"password": "abc", "password2": "abc"})
    assert weak.status_code == 200 and "密码太短" in weak.content.decode()
    ok = post(haidian, f"/admin/accounts/user/{clerk.pk}/set-password/", {"password": GOOD, "password2": GOOD})
    assert ok.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(GOOD) and actions(clerk.username)[-1] == "user.set_password"


def test_services_fence_the_unit_admin(users, tree):
    actor = users["haidian"]
    with scope(paths=[tree.haidian.path]):
        with pytest.raises(PermissionDenied):
            role_assign(user=users["haidian_clerk"], organization=tree.haidian, role=Role.MUNICIPAL_ADMIN,
                        actor=actor)
        with pytest.raises(PermissionDenied):
            role_assign(user=users["haidian_clerk"], organization=tree.chaoyang, role=Role.UNIT_CLERK, actor=actor)
        with pytest.raises(PermissionDenied):
            user_create(actor=actor, username="t_x", full_name="x", password=GOOD, organization=tree.chaoyang,
                        role=Role.TEACHER)
        with pytest.raises(PermissionDenied):
            user_deactivate(user=actor, actor=actor)
        with scopes_disabled():
            own = RoleAssignment.objects.get(user=actor)
        with pytest.raises(PermissionDenied):
            role_revoke(assignment=own, actor=actor)
    assert not User.objects.filter(username="t_x").exists()


def test_municipal_admin_role_only_at_the_municipal_union(users, tree):
    from django.core.exceptions import ValidationError

    with scope(paths=[tree.root.path]):
        with pytest.raises(ValidationError):
            role_assign(user=users["haidian_clerk"], organization=tree.haidian, role=Role.MUNICIPAL_ADMIN,
                        actor=users["municipal"])
