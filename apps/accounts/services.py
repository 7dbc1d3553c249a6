from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from apps.core.audit import audit_record
from apps.core.scoping import get_scope, in_scope, scopes_disabled

from .enums import STAFF_ROLES
from .models import RoleAssignment, User


@transaction.atomic
def user_ensure(*, username: str, full_name: str = "", password: str | None = None) -> User:
    """Create the user if missing (idempotent); the password is only set on creation."""
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


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

    ``actor`` must hold ``organization`` in their scope; ``system=True`` marks a grant the
    system makes itself (demo seeding, a teacher linking their own member record)."""
    _check_assigner(organization=organization, actor=actor, system=system)
    with scopes_disabled():  # idempotence and the staff flag look at all of the user's roles
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, organization=organization, role=role, defaults={"is_active": True}
        )
        staff = RoleAssignment.objects.filter(user=user, is_active=True, role__in=STAFF_ROLES).exists()
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    if created:
        audit_record(actor=actor, action="role.assign", target=assignment, organization=organization,
                     data={"user": user.username, "role": role})
    return assignment
