"""Reads for mutual aid: a person's claims (the approver's "other aid" and a member's page)."""

from __future__ import annotations

from apps.core.scoping import scopes_disabled

from .enums import LIVE_CLAIM
from .models import Claim


def claims_of_person(*, id_hashes, year: int | None = None) -> list[dict]:
    """Claims of one person (by ID hash, across units and transfers), newest first."""
    with scopes_disabled():  # a person's own aid, or the approver's view of it, spans units
        claims = (Claim._base_manager.filter(member__id_hash__in=list(id_hashes), status__in=LIVE_CLAIM)
                  .select_related("plan", "organization").order_by("-event_date", "-id"))
        if year is not None:
            claims = claims.filter(year=year)
        return [{"source": "mutual_aid", "id": c.pk, "kind": c.plan.name, "amount": str(c.amount),
                 "date": c.event_date, "status": c.get_status_display(), "unit": c.organization.name}
                for c in claims]
