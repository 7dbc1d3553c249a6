"""Reads for hardship aid: the other aid a person got this year (shown to the approver), a
member's own aid (``my_aid``, for the page 我的慰问与帮扶), files due for their yearly review."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.core.scoping import scope, scopes_disabled
from apps.members.models import Member
from apps.mutual_aid.selectors import claims_of_person

from .enums import LIVE_APPLICATION, FileStatus
from .models import AidApplication, HardshipFile


def _applications(id_hashes, year: int | None, exclude_pk: int | None = None) -> list[dict]:
    with scopes_disabled():  # one person's aid across units and transfers
        rows = (AidApplication._base_manager.filter(id_hash__in=list(id_hashes), status__in=LIVE_APPLICATION)
                .select_related("organization").order_by("-applied_on", "-id"))
        if year is not None:
            rows = rows.filter(applied_on__year=year)
        if exclude_pk:
            rows = rows.exclude(pk=exclude_pk)
        return [{"source": "hardship", "id": a.pk, "kind": a.get_kind_display(), "amount": str(a.amount),
                 "date": a.applied_on, "status": a.get_status_display(), "unit": a.organization.name}
                for a in rows]


def other_aid(*, application: AidApplication) -> list[dict]:
    """What the applicant got (or is getting) this year besides this application: hardship aid
    and mutual-aid claims, in any unit."""
    year = application.applied_on.year
    rows = _applications([application.id_hash], year, exclude_pk=application.pk)
    rows += claims_of_person(id_hashes=[application.id_hash], year=year)
    return sorted(rows, key=lambda r: r["date"], reverse=True)


def my_aid(*, user) -> list[dict]:
    """What the member linked to ``user`` received: hardship aid and mutual-aid claims (all
    years, newest first). The member is found through the person scope's own rule (a teacher
    sees their own member record), so nobody else's aid can come back."""
    with scope(person="teacher", user_id=user.pk):
        hashes = set(Member.objects.values_list("id_hash", flat=True))
    if not hashes:
        return []
    rows = _applications(hashes, None) + claims_of_person(id_hashes=hashes)
    return sorted(rows, key=lambda r: r["date"], reverse=True)


def files_due_for_review(*, on: dt.date | None = None):
    """Open files whose yearly review is due (in the acting scope)."""
    on = on or timezone.localdate()
    return HardshipFile.objects.filter(status=FileStatus.OPEN, next_review_on__lte=on)


def aid_section(person_hash: str, member) -> dict:
    """Hardship aid and mutual-aid claims as a section of "我的慰问与帮扶" (by the ID's keyed hash,
    so aid from before a transfer shows too)."""
    rows = sorted(_applications({person_hash}, None) + claims_of_person(id_hashes={person_hash}),
                  key=lambda r: r["date"], reverse=True)
    items = [{"title": ("互助保障：" if r["source"] == "mutual_aid" else "困难帮扶：") + r["kind"],
              "kind": r["status"], "date": r["date"], "detail": r["unit"], "amount": r["amount"]} for r in rows]
    return {"title": "帮扶与互助保障", "empty": "暂无帮扶或互助保障记录。", "items": items}
