"""The audit trail: one function writes it, every state change calls it."""

from __future__ import annotations

import contextvars
from typing import Any

from django.db import models

from .models import AuditLog

_NUL = "\x00"


def _clean(value: Any) -> Any:
    """PostgreSQL stores no NUL character (text or jsonb): drop it from whatever is logged,
    so a request that carries one can never turn into a 500 while being audited."""
    if isinstance(value, str):
        return value.replace(_NUL, "")
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value

# Set by the request middleware so services need not pass the request around.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_ip", default=None)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    organization=None,
    data: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one entry. Call it inside the transaction that makes the change."""
    if organization is None and target is not None:
        organization = getattr(target, "organization", None)
        if organization is None and target.__class__.__name__ == "Organization":
            organization = target
    actor = actor if getattr(actor, "is_authenticated", False) else None
    if organization is None and actor is not None:
        acting = getattr(actor, "acting", None)
        organization = acting.organization if acting else None
    entry = AuditLog(
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        organization_path=getattr(organization, "path", "") or "",
        action=action,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=_clean(str(target)[:200]) if target is not None else "",
        ip_address=current_ip.get(),
        data=_clean(data or {}),
    )
    entry.save()  # inserts need no scope: the trail is written whatever is being viewed
    return entry
