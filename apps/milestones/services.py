"""Writes of 从教30周年: build a university's roll of a year, the unit confirms it (one status
writer, ``roll_transition``); the municipal union issues the certificates (``issuing.py``, a job)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import in_scope
from apps.organizations.enums import OrgKind

from .enums import RollStatus
from .models import ThirtyYearHonoree, ThirtyYearRoll
from .selectors import thirty_eligible, thirty_universities

CONFIRM_PERMISSION = "milestones.change_thirtyyearroll"
ISSUE_PERMISSION = "milestones.issue_thirtyyearroll"

# The only allowed moves of a roll; ``roll_transition`` is the one writer.
ROLL_MOVES: dict[str, frozenset[str]] = {
    RollStatus.DRAFT: frozenset({RollStatus.CONFIRMED}),
    RollStatus.CONFIRMED: frozenset({RollStatus.DRAFT, RollStatus.ISSUED}),
    RollStatus.ISSUED: frozenset(),
}
MOVE_ERRORS = {
    RollStatus.CONFIRMED: "只有待确认的名单可以确认。",
    RollStatus.DRAFT: "只有已确认且未颁发证书的名单可以退回修改。",
    RollStatus.ISSUED: "只有单位已确认的名单可以颁发证书。",
}


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": ["年度应为四位数字。"]}) from None
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": [f"年度应在 2000 至 {timezone.localdate().year + 1} 之间。"]})
    return year


@transaction.atomic
def roll_build(*, organization, year, actor=None) -> ThirtyYearRoll:
    """Create or refresh the university's roll of ``year`` from the registry (only while it
    awaits the unit's confirmation): members who reach 30 years of teaching are added, those
    who no longer do (a corrected date, a transfer) are removed."""
    year = _check_year(year)
    if organization.kind != OrgKind.UNIVERSITY:
        raise ValidationError({"organization": ["从教30周年名单按高校编制，请选择高等学校工会。"]})
    if not in_scope(organization.path):
        raise ValidationError({"organization": ["该单位不在您的管理范围内。"]})
    roll, _ = ThirtyYearRoll.objects.get_or_create(organization=organization, year=year)
    roll = ThirtyYearRoll.objects.select_for_update(of=("self",)).get(pk=roll.pk)
    if roll.status != RollStatus.DRAFT:
        raise ValidationError({"year": ["该年度名单已确认，不能重新生成；如需修改请先退回。"]})
    eligible = {m.pk: m for m in thirty_eligible(organization=organization, year=year).only(
        "id", "name", "teaching_since")}
    existing = set(roll.honorees.values_list("member_id", flat=True))
    gone = existing - set(eligible)
    if gone:
        roll.honorees.filter(member_id__in=gone).delete()
    ThirtyYearHonoree.objects.bulk_create(
        [ThirtyYearHonoree(roll=roll, member=m, name=m.name, teaching_since=m.teaching_since)
         for pk, m in eligible.items() if pk not in existing], batch_size=1000)
    ThirtyYearRoll.objects.filter(pk=roll.pk).update(honoree_count=len(eligible))
    roll.honoree_count = len(eligible)
    audit_record(actor=actor, action="milestones.roll_build", target=roll,
                 data={"year": year, "honorees": len(eligible), "added": len(set(eligible) - existing),
                       "removed": len(gone)})
    return roll


def rolls_build_year(*, year, actor=None) -> list[ThirtyYearRoll]:
    """Every university of the acting scope: its roll of ``year`` (a confirmed one is kept)."""
    year = _check_year(year)
    rolls = []
    for organization in thirty_universities():
        existing = ThirtyYearRoll.objects.filter(organization=organization, year=year).first()
        if existing is not None and existing.status != RollStatus.DRAFT:
            rolls.append(existing)
            continue
        rolls.append(roll_build(organization=organization, year=year, actor=actor))
    return rolls


def roll_transition(*, roll: ThirtyYearRoll, to: str, actor=None) -> ThirtyYearRoll:
    """Move ``roll`` to ``to`` (row lock, re-check against ``ROLL_MOVES``, stamp, audit).
    Already there: nothing changes (a double submit acts once)."""
    with transaction.atomic():
        locked = ThirtyYearRoll.objects.select_for_update(of=("self",)).select_related("organization").get(pk=roll.pk)
        if locked.status == to:
            return locked
        if to not in ROLL_MOVES[locked.status]:
            raise ValidationError({"status": [MOVE_ERRORS.get(to, "不能执行此操作。")]})
        now = timezone.now()
        fields = {"status": to}
        if to == RollStatus.CONFIRMED:
            fields.update(confirmed_by=actor if getattr(actor, "pk", None) else None, confirmed_at=now)
        elif to == RollStatus.ISSUED:
            fields["issued_at"] = now
        elif to == RollStatus.DRAFT:
            fields.update(confirmed_by=None, confirmed_at=None)
        ThirtyYearRoll.objects.filter(pk=locked.pk).update(**fields)
        audit_record(actor=actor, action=f"milestones.roll_{to}", target=locked,
                     data={"from": locked.status, "to": to, "year": locked.year})
    locked.refresh_from_db()
    return locked


def roll_confirm(*, roll: ThirtyYearRoll, actor) -> ThirtyYearRoll:
    """The unit confirms its roll (单位确认)."""
    if actor is not None and not actor.has_perm(CONFIRM_PERMISSION):
        raise PermissionDenied("您没有确认名单的权限。")
    return roll_transition(roll=roll, to=RollStatus.CONFIRMED, actor=actor)


def roll_reopen(*, roll: ThirtyYearRoll, actor) -> ThirtyYearRoll:
    """Back to 待确认 (to rebuild after correcting dates), before the certificates are issued."""
    if actor is not None and not actor.has_perm(CONFIRM_PERMISSION):
        raise PermissionDenied("您没有修改名单的权限。")
    return roll_transition(roll=roll, to=RollStatus.DRAFT, actor=actor)
