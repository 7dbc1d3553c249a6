from __future__ import annotations

from django.db import transaction

from apps.core.audit import audit_record
from apps.core.scoping import in_scope, scopes_disabled

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


@transaction.atomic
def role_assign(*, user: User, organization, role: str, actor=None) -> RoleAssignment:
    """Let ``user`` act for ``organization`` in ``role`` (idempotent, audited)."""
    if actor is not None and not in_scope(organization.path):
        raise PermissionError("organization outside the actor's scope")
    with scopes_disabled():
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
