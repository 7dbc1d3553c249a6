"""An entry's status: the one function that changes it (``entry_transition``) and its moves.

::

    已报名，待单位审核 (submitted) → 单位已审核通过 (approved) | 单位未通过 (rejected) | 已撤回 (withdrawn)
    单位已审核通过 (approved)      → 单位未通过 (the unit takes it back) | 已撤回
    单位未通过 (rejected)          → 单位已审核通过 (the unit changes its mind)
    已撤回 (withdrawn)             → 已报名 (the teacher registers again: the entry is re-activated)

The services of ``registration.py`` (``entry_approve``, ``entry_reject``, ``entry_withdraw`` and
re-activation in ``entry_register``) state their own rules (the deadline, the quota, the team)
in a ``guard`` that runs under the row lock, after the move is found allowed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import scopes_disabled

from ..enums import EntryStatus
from ..models import Entry

ENTRY_MOVES: dict[str, frozenset[str]] = {
    EntryStatus.SUBMITTED: frozenset({EntryStatus.APPROVED, EntryStatus.REJECTED, EntryStatus.WITHDRAWN}),
    EntryStatus.APPROVED: frozenset({EntryStatus.REJECTED, EntryStatus.WITHDRAWN}),
    EntryStatus.REJECTED: frozenset({EntryStatus.APPROVED}),
    EntryStatus.WITHDRAWN: frozenset({EntryStatus.SUBMITTED}),
}
ENTRY_ACTIONS = {EntryStatus.APPROVED: "entry.approve", EntryStatus.REJECTED: "entry.reject",
                 EntryStatus.WITHDRAWN: "entry.withdraw", EntryStatus.SUBMITTED: "entry.reactivate"}
NOT_REVIEWABLE = "已撤回的报名不能审核。"
REJECTED_BEFORE = "您本届的报名未通过单位审核，如有疑问请联系本单位工会。"


def _refusal(before: str, to: str) -> str:
    if before == EntryStatus.WITHDRAWN and to in (EntryStatus.APPROVED, EntryStatus.REJECTED):
        return NOT_REVIEWABLE
    if before == EntryStatus.REJECTED and to == EntryStatus.WITHDRAWN:
        return REJECTED_BEFORE
    return f"“{EntryStatus(before).label}”的报名不能改为“{EntryStatus(to).label}”。"


def entry_lock(*, entry: Entry) -> Entry:
    """The entry's row, locked (only its own row) for the rest of the transaction."""
    with scopes_disabled():  # callers have found the entry through their own fence (scope, owner)
        return (Entry.objects.select_for_update(of=("self",))
                .select_related("edition", "group", "organization").get(pk=entry.pk))


@transaction.atomic
def entry_transition(*, entry: Entry, to: str, actor, guard: Callable[[Entry], dict | None] | None = None,
                     reason: str = "") -> Entry:
    """Move ``entry`` to ``to``: lock its row, return it unchanged when it already has that
    status (a double submit), refuse a move the table does not hold, run ``guard(locked)``
    (the caller's rules, re-checked under the lock; it raises to refuse, may set other fields
    of the row, and returns extra audit data), then save and audit (``entry.approve`` …).
    A unit's decision records who decided, when and why."""
    locked = entry_lock(entry=entry)
    if locked.status == to:
        return locked
    before = locked.status
    if to not in ENTRY_MOVES.get(before, frozenset()):
        raise ValidationError(_refusal(before, to))
    data = (guard(locked) if guard is not None else None) or {}
    locked.status = to
    if to in (EntryStatus.APPROVED, EntryStatus.REJECTED):
        locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.decided_at = timezone.now()
        locked.decision_reason = reason if to == EntryStatus.REJECTED else ""
    elif to == EntryStatus.SUBMITTED:
        locked.decided_by, locked.decided_at, locked.decision_reason = None, None, ""
    locked.save()  # save() goes through the base manager: no scope needed for the row locked above
    audit_record(actor=actor, action=ENTRY_ACTIONS[to], target=locked, data={"from": before, **data})
    return locked
