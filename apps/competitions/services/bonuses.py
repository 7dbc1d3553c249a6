"""Prize bonuses: what an edition's published awards pay (``PrizeBonus`` rates × awards) and
the one payments batch that pays them.

Who is paid, per person:

* a band prize or single-item award of an individual entry (teaching or paper track): the
  entrant (``entry.member``);
* an award of a team entry: every person of the team — the captain and each colleague who
  accepted (``TeamMember`` with status accepted);
* a best-supervisor award: the supervisor, only when linked to a member (its certificate
  names a member); otherwise it is skipped and listed;
* an organisation award goes to a unit, not a person: skipped and listed.

A person with several awards gets one payment item with the sum (the payments engine allows
one item per member and batch). Members no longer active are skipped and listed. The batch
is built only through the payments services (``payment_batch_create`` +
``payment_batch_add_items``), paid by the municipal union, once per edition:
``edition.bonus_batch`` is set under a row lock and a second run is refused (unless the first
batch was cancelled).
"""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.audit import audit_record
from apps.core.scoping import scopes_disabled
from apps.members.enums import MemberStatus
from apps.organizations.models import Organization

from ..enums import AwardKind, EditionStatus, InvitationStatus, PrizeLevel
from ..models import Award, Certificate, Edition, PrizeBonus, TeamMember

ALREADY = "本届奖金已生成发放批次，不能重复生成。"
NOT_PUBLISHED = "本届比赛结果尚未发布，不能生成奖金发放批次。"
NO_RATES = "本届尚未设置奖金标准。"
NOBODY = "没有可发放奖金的获奖人员，未生成批次。"
ZERO = Decimal("0.00")

_KIND_LABELS = dict(AwardKind.choices)
_LEVEL_LABELS = dict(PrizeLevel.choices)


def _rates(edition: Edition) -> dict[tuple[str, str], Decimal]:
    return {(b.kind, b.level or ""): b.amount for b in PrizeBonus.objects.filter(edition=edition)}


def _label(kind: str, level: str) -> str:
    return f"{_KIND_LABELS.get(kind, kind)}{'·' + str(_LEVEL_LABELS[level]) if level in _LEVEL_LABELS else ''}"


def _payees(edition: Edition) -> tuple[list[tuple], list[dict]]:
    """``(award, member, amount)`` per paid person and award, and the skipped awards."""
    rates = _rates(edition)
    paid: list[tuple] = []
    skipped: list[dict] = []
    with scopes_disabled():  # an edition's bonus batch pays every unit's winners (the keeper's action)
        awards = list(Award.objects.filter(edition=edition)
                      .select_related("entry__member__organization", "group", "organization")
                      .order_by("kind", "group_id", "rank", "id"))
        team_ids = {a.entry_id for a in awards if a.entry_id}  # individual entries have no team members
        teams: dict[int, list] = {}
        for tm in (TeamMember.objects.filter(entry_id__in=team_ids, status=InvitationStatus.ACCEPTED)
                   .select_related("member__organization").order_by("id")):
            teams.setdefault(tm.entry_id, []).append(tm.member)
        linked: dict[int, object] = {}
        for cert in (Certificate.objects.filter(award__edition=edition, award__kind=AwardKind.SUPERVISOR,
                                                member__isnull=False)
                     .select_related("member__organization").order_by("id")):
            linked.setdefault(cert.award_id, cert.member)

    for award in awards:
        amount = rates.get((award.kind, award.level or ""))
        if amount is None:
            continue  # no bonus for this kind/level
        if award.kind == AwardKind.ORGANISATION:
            skipped.append(_skip(award, "单位奖项不发个人奖金"))
            continue
        if award.kind == AwardKind.SUPERVISOR:
            member = linked.get(award.pk)
            if member is None:
                skipped.append(_skip(award, "指导教师未关联会员，无法发放"))
                continue
            people = [member]
        elif award.entry_id is None:
            skipped.append(_skip(award, "奖项未关联参赛报名"))
            continue
        else:
            people = [award.entry.member, *teams.get(award.entry_id, [])]
        for member in people:
            if member.status != MemberStatus.ACTIVE:
                skipped.append(_skip(award, f"{member.name} 会籍状态为「{member.get_status_display()}」，不发放"))
                continue
            paid.append((award, member, amount))
    return paid, skipped


def _skip(award: Award, reason: str) -> dict:
    return {"award": award.pk, "recipient": award.recipient, "name": award.name, "kind": award.kind,
            "level": award.level, "reason": reason}


def bonus_preview(*, edition: Edition) -> dict:
    """Count and sum per kind/level (one row per paid person and award), the per-person
    totals the batch would hold, and the awards skipped with the reason. Writes nothing."""
    paid, skipped = _payees(edition)
    rows: OrderedDict[tuple, dict] = OrderedDict()
    persons: OrderedDict[int, dict] = OrderedDict()
    for award, member, amount in paid:
        key = (award.kind, award.level or "")
        row = rows.setdefault(key, {"kind": award.kind, "level": award.level or "", "label": _label(*key),
                                    "amount": amount, "count": 0, "sum": ZERO})
        row["count"] += 1
        row["sum"] += amount
        person = persons.setdefault(member.pk, {"member": member, "name": member.name,
                                                "unit": member.organization.name, "amount": ZERO, "awards": []})
        person["amount"] += amount
        person["awards"].append(award.name)
    return {
        "edition": edition.pk,
        "already_generated": bool(edition.bonus_batch_id),
        "rows": list(rows.values()),
        "count": len(paid),
        "people": len(persons),
        "sum": sum((p["amount"] for p in persons.values()), ZERO),
        "persons": list(persons.values()),
        "skipped": skipped,
    }


def _municipal_root() -> Organization:
    root = Organization._base_manager.filter(depth=1).order_by("path").first()
    if root is None:
        raise ValidationError("找不到市级工会（发放单位）。")
    return root


def bonus_batch_create(*, edition: Edition, actor):
    """Build the edition's bonus batch (a draft of the municipal union) through the payments
    services, set ``edition.bonus_batch`` and audit — in one transaction, under a lock on the
    edition row. A second run is refused with ``ALREADY``."""
    from apps.payments.enums import BatchPurpose, BatchStatus
    from apps.payments.services import payment_batch_add_items, payment_batch_create

    with transaction.atomic():
        locked = Edition.objects.select_for_update(of=("self",)).select_related("bonus_batch").get(pk=edition.pk)
        if locked.bonus_batch_id and locked.bonus_batch.status != BatchStatus.CANCELLED:
            raise ValidationError(ALREADY)
        if locked.status != EditionStatus.PUBLISHED:
            raise ValidationError(NOT_PUBLISHED)
        if not _rates(locked):
            raise ValidationError(NO_RATES)
        preview = bonus_preview(edition=locked)
        if not preview["persons"]:
            raise ValidationError(NOBODY)
        batch = payment_batch_create(organization=_municipal_root(), title=f"{locked.name}奖金",
                                     purpose=BatchPurpose.AWARD_BONUS, actor=actor, source=locked)
        payment_batch_add_items(batch=batch, entries=[(p["member"], p["amount"]) for p in preview["persons"]],
                                actor=actor)
        previous = locked.bonus_batch_id
        locked.bonus_batch = batch
        locked.save(update_fields=["bonus_batch"])
        audit_record(actor=actor, action="competition.bonus_batch_create", target=locked,
                     organization=batch.organization,
                     data={"batch": batch.pk, "people": preview["people"], "count": preview["count"],
                           "sum": str(preview["sum"]), "skipped": len(preview["skipped"]),
                           "replaces_cancelled": previous})
    edition.bonus_batch = batch
    return batch
