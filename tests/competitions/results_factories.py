"""Published results for the after-the-contest tests: awards, certificates and talent-pool
rows written straight to the ORM (publishing itself is tested with prizes.py)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from apps.competitions.services.codes import certificate_code
from apps.competitions.enums import AwardKind, EditionStatus, InvitationStatus, PrizeLevel
from apps.competitions.models import Award, Certificate, PrizeBonus, TalentPoolEntry, TeamMember
from apps.core.scoping import scopes_disabled
from tests.competitions.factories import make_edition, make_entry

LEVEL_NAMES = {PrizeLevel.FIRST: "一等奖", PrizeLevel.SECOND: "二等奖", PrizeLevel.THIRD: "三等奖"}


def published_edition(**fields):
    fields.setdefault("status", EditionStatus.PUBLISHED)
    edition = make_edition(**fields)
    edition.published_at = timezone.now()
    edition.save(update_fields=["published_at"])
    return edition


def make_award(*, entry=None, edition=None, group=None, kind=AwardKind.PRIZE, level=PrizeLevel.FIRST, name=None,
               recipient=None, organization=None, rank=None, certificate=True, members=None) -> Award:
    """An award; with ``certificate`` one certificate per person (the entrant and accepted
    team members), or one unlinked certificate (supervisor / organisation awards)."""
    with scopes_disabled():
        if entry is not None:
            edition = edition or entry.edition
            group = group or entry.group
            organization = organization or entry.organization
        level = level if kind == AwardKind.PRIZE else ""
        name = name or (LEVEL_NAMES[level] if kind == AwardKind.PRIZE else {
            AwardKind.SINGLE: "最佳教学设计奖", AwardKind.SUPERVISOR: "优秀指导教师奖",
            AwardKind.ORGANISATION: "优秀组织奖"}[kind])
        if recipient is None:
            if kind == AwardKind.SUPERVISOR:
                recipient = entry.supervisor_name
            elif kind == AwardKind.ORGANISATION:
                recipient = organization.name
            else:
                recipient = entry.team_name or entry.member.name
        award = Award.objects.create(edition=edition, group=group, entry=entry, organization=organization, kind=kind,
                                     level=level, name=name, recipient=recipient, rank=rank)
        if certificate:
            if members is not None:
                people = members
            elif kind in (AwardKind.PRIZE, AwardKind.SINGLE):
                people = [entry.member, *[t.member for t in TeamMember.objects.filter(
                    entry=entry, status=InvitationStatus.ACCEPTED).select_related("member")]]
            else:
                people = [None]
            for member in people:
                Certificate.objects.create(award=award, member=member, code=certificate_code(),
                                           holder_name=member.name if member else recipient)
        return award


def make_team_entry(group, captain, mates, **fields):
    entry = make_entry(group, captain, team_name=fields.pop("team_name", f"{captain.name}队"), **fields)
    with scopes_disabled():
        for mate in mates:
            TeamMember.objects.create(entry=entry, member=mate, status=InvitationStatus.ACCEPTED)
    return entry


def make_talent(award) -> TalentPoolEntry:
    with scopes_disabled():
        return TalentPoolEntry.objects.create(member=award.entry.member, organization=award.organization,
                                              edition=award.edition, award=award)


def make_rates(edition, rates=None) -> None:
    rates = rates or {(AwardKind.PRIZE, PrizeLevel.FIRST): "5000.00", (AwardKind.PRIZE, PrizeLevel.SECOND): "3000.00",
                      (AwardKind.PRIZE, PrizeLevel.THIRD): "2000.00", (AwardKind.SINGLE, ""): "1000.00",
                      (AwardKind.SUPERVISOR, ""): "800.00", (AwardKind.ORGANISATION, ""): "10000.00"}
    for (kind, level), amount in rates.items():
        PrizeBonus.objects.create(edition=edition, kind=kind, level=level, amount=Decimal(amount))


def certificate_of(award, member=None) -> Certificate:
    with scopes_disabled():
        qs = Certificate.objects.filter(award=award)
        if member is not None:
            qs = qs.filter(member=member)
        return qs.first()


__all__ = ["certificate_of", "make_award", "make_rates", "make_talent", "make_team_entry",
           "published_edition"]
