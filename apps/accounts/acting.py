"""Which role and unit a user is acting for, and the scope that follows from it.

The middleware (pages, admin), the API views and Celery tasks all go through
``bind``: one path from a user to the subtree they may see.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from apps.core.scoping import Scope, scopes_disabled

from .enums import PERSON_ROLES
from .models import RoleAssignment

SESSION_KEY = "acting_role_id"


def scope_for(user, assignment: RoleAssignment | None) -> Scope:
    """The scope of ``user`` acting in ``assignment``: a person scope for a teacher or a
    judge, the unit's subtree for staff roles, nothing without a role (a superuser without
    any role assignment sees everything, as Django's superuser does)."""
    if assignment is not None:
        person = PERSON_ROLES.get(assignment.role)
        if person is not None:
            return Scope(paths=(), person=person, user_id=user.pk)
        return Scope(paths=(assignment.organization.path,))
    if user.is_superuser:
        return Scope(paths=(), disabled=True)
    return Scope(paths=())


def assignments_for(user) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    with scopes_disabled():  # one's own roles are read before any scope exists: they make it
        return list(
            RoleAssignment.objects.filter(user=user, is_active=True, organization__is_active=True)
            .select_related("organization")
            .order_by("id")
        )


def bind(user, *, session=None) -> Scope:
    """Attach ``user.acting`` (a RoleAssignment or None) and return the user's scope."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return Scope(paths=())
    choices = assignments_for(user)
    wanted = session.get(SESSION_KEY) if session is not None else None
    acting = next((a for a in choices if a.pk == wanted), choices[0] if choices else None)
    user.acting = acting
    user.acting_choices = choices
    return scope_for(user, acting)


def acting_role(user) -> str | None:
    if not hasattr(user, "acting"):
        bind(user)
    acting = getattr(user, "acting", None)
    return acting.role if acting else None


def acting_organization(user):
    if not hasattr(user, "acting"):
        bind(user)
    acting = getattr(user, "acting", None)
    return acting.organization if acting else None
