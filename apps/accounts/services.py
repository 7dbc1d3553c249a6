"""Users and role assignments: created, granted, revoked and deactivated only here, each audited.

Who may grant what (``GRANTABLE``): the municipal administrator any role anywhere (the
municipal-admin role itself only at the municipal union); a unit administrator, inside its own
subtree, the roles up to its own — unit administrator, clerk, judge, teacher — never the
municipal-admin role and never payment approver (which holds approvals a unit admin does not), nor a
legal-aid lawyer (the municipal legal-aid centre's pool: granted only at the municipal union).
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from knox.models import AuthToken

from apps.core.audit import audit_record
from apps.core.scoping import get_scope, in_scope, scopes_disabled

from .acting import acting_role
from .enums import STAFF_ROLES, Role
from .models import RoleAssignment, User

GRANTABLE: dict[str, frozenset[str]] = {
    Role.MUNICIPAL_ADMIN: frozenset(Role.values),
    Role.UNIT_ADMIN: frozenset({Role.UNIT_ADMIN, Role.UNIT_CLERK, Role.JUDGE, Role.TEACHER}),
}


def grantable_roles(actor) -> list[str]:
    """The roles ``actor`` (in their acting role) may grant, in the order of ``Role``."""
    allowed = GRANTABLE.get(acting_role(actor) or "", frozenset())
    return [r for r in Role.values if r in allowed]


def _check_may_grant(*, actor, organization, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": ["角色无效。"]})
    if role not in grantable_roles(actor):
        raise PermissionDenied(f"您不能授予或撤销「{Role(role).label}」角色。")
    if not in_scope(organization.path):
        raise PermissionDenied("该单位不在您的管理范围内。")
    if role == Role.MUNICIPAL_ADMIN and organization.depth != 1:
        raise ValidationError({"role": ["市级管理员只能在市教育工会授予。"]})
    if role == Role.LAWYER and organization.depth != 1:
        raise ValidationError({"role": ["援助律师只能在市教育工会（法律援助中心）授予。"]})


def _check_may_manage(*, actor, user: User) -> None:
    """``actor`` may act on ``user`` only when every active role of the user is one the actor
    could grant, inside the actor's subtree (a user shared with another unit is the city's)."""
    if user.pk == actor.pk:
        raise PermissionDenied("不能对自己的账号执行此操作。")
    with scopes_disabled():  # all of the user's roles, to check each against the actor's scope
        roles = list(RoleAssignment.objects.filter(user=user, is_active=True).select_related("organization"))
    allowed = grantable_roles(actor)
    for assignment in roles:
        if assignment.role not in allowed or not in_scope(assignment.organization.path):
            raise PermissionDenied("该用户在您的管理范围以外还有角色，请联系上级工会管理员处理。")


def _sync_staff(user: User) -> None:
    with scopes_disabled():  # the user's own roles, whatever unit they are in
        staff = RoleAssignment.objects.filter(user=user, is_active=True, role__in=STAFF_ROLES).exists()
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def user_ensure(*, username: str, full_name: str = "", password: str | None = None) -> User:
    """Create the user if missing (idempotent; seeding and tests); the password is only set on creation."""
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def user_check_new(*, actor, username: str, full_name: str, password: str, organization, role: str) -> None:
    """Every rule of ``user_create`` that needs no write (forms call it to show errors beside fields)."""
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = ["请填写用户名。"]
    else:
        try:
            User.username_validator(username)
        except ValidationError as exc:
            errors["username"] = exc.messages
        if User.objects.filter(username__iexact=username).exists():
            errors["username"] = ["该用户名已被使用。"]
    try:
        validate_password(password, user=User(username=username, full_name=full_name))
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    _check_may_grant(actor=actor, organization=organization, role=role)


@transaction.atomic
def user_create(*, actor, username: str, full_name: str, password: str, organization, role: str) -> User:
    """A new log-in acting for ``organization`` in ``role`` (password checked by Django's validators)."""
    user_check_new(actor=actor, username=username, full_name=full_name, password=password,
                   organization=organization, role=role)
    user = User(username=username.strip(), full_name=full_name.strip())
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action="user.create", target=user, organization=organization,
                 data={"user": user.username})
    role_assign(user=user, organization=organization, role=role, actor=actor)
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, actor) -> User:
    _check_may_manage(actor=actor, user=user)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    locked = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    locked.set_password(password)
    locked.save(update_fields=["password"])
    audit_record(actor=actor, action="user.set_password", target=locked, data={"user": locked.username})
    return locked


@transaction.atomic
def user_deactivate(*, user: User, actor) -> User:
    """The user can no longer log in; their API tokens are deleted. Idempotent."""
    _check_may_manage(actor=actor, user=user)
    locked = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    if not locked.is_active:
        return locked
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    AuthToken.objects.filter(user=locked).delete()
    audit_record(actor=actor, action="user.deactivate", target=locked, data={"user": locked.username})
    return locked


OUTSIDE = "该单位不在您的管理范围内。"


def _check_assigner(*, organization, actor, system: bool) -> None:
    """Who may grant a role at ``organization``: an actor whose scope holds it. Without an
    actor the caller must say it is the system (seeding, a teacher's self-service sign-up)
    with ``system=True``, or run inside ``scopes_disabled()`` with its reason; anything else
    is refused, never waved through."""
    if system:
        return
    if actor is None:
        current = get_scope()
        if current is not None and current.disabled:
            return  # the caller disabled scoping explicitly, with its reason on that line
        raise PermissionDenied("分配角色须有操作人（系统操作请注明 system=True）。")
    if not in_scope(organization.path):  # ScopeError outside any scope: fail closed
        raise PermissionDenied(OUTSIDE)


@transaction.atomic
def role_assign(*, user: User, organization, role: str, actor: User | None = None,
                system: bool = False) -> RoleAssignment:
    """Let ``user`` act for ``organization`` in ``role`` (idempotent, audited).

    With an actor, the grant must be within the actor's subtree and among the roles they may
    grant (``GRANTABLE``); ``system=True`` marks a grant the system makes itself (demo seeding,
    a teacher linking their own member record)."""
    _check_assigner(organization=organization, actor=actor, system=system)
    if actor is not None:
        _check_may_grant(actor=actor, organization=organization, role=role)
    with scopes_disabled():  # idempotence and the staff flag look at all of the user's roles
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, organization=organization, role=role, defaults={"is_active": True}
        )
        if not created:
            assignment = RoleAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    reactivated = False
    if not created and not assignment.is_active:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
        reactivated = True
    _sync_staff(user)
    if created or reactivated:
        audit_record(actor=actor, action="role.assign", target=assignment, organization=organization,
                     data={"user": user.username, "role": role})
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor) -> RoleAssignment:
    """End an assignment (kept, inactive, for the record). Idempotent, audited."""
    _check_may_grant(actor=actor, organization=assignment.organization, role=assignment.role)
    if assignment.user_id == actor.pk:
        raise PermissionDenied("不能撤销自己的角色。")
    with scopes_disabled():  # locked by pk; the scope check is above
        locked = RoleAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    if not locked.is_active:
        return locked
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    _sync_staff(locked.user)
    audit_record(actor=actor, action="role.revoke", target=locked, organization=locked.organization,
                 data={"user": locked.user.username, "role": locked.role})
    return locked
