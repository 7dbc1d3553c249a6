"""What a teacher (acting in a person scope) sees of the booking models: the resources open
to them — every city-wide resource, and the own-staff-only resources of the unions above
their own unit — their slots, and their own bookings."""

from __future__ import annotations

from django.db.models import Q

from apps.accounts.enums import Role
from apps.accounts.models import RoleAssignment
from apps.core.scoping import NOTHING, Scope, scopes_disabled


def teacher_unit_paths(user_id: int) -> list[str]:
    """The paths of the units a user is a teacher in (read before any scope exists)."""
    with scopes_disabled():  # a person's own roles decide what they see: read unscoped
        return list(RoleAssignment.objects.filter(user_id=user_id, role=Role.TEACHER, is_active=True)
                    .values_list("organization__path", flat=True))


def ancestor_paths(path: str, steplen: int = 4) -> list[str]:
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def teacher_resources(prefix: str = ""):
    def rule(current: Scope) -> Q:
        paths = current.memo("service_points.teacher_units", lambda: teacher_unit_paths(current.user_id))
        if not paths:
            return NOTHING
        own = sorted({a for p in paths for a in ancestor_paths(p)})
        return Q(**{f"{prefix}is_open": True}) & (
            Q(**{f"{prefix}audience": "city"}) | Q(**{f"{prefix}organization__path__in": own}))
    return rule
