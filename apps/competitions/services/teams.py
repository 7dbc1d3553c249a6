"""Team entries (青管赛: teams of 3): the captain registers the entry (``entry_register``
on a team group), invites colleagues of the same grassroots union by ID number + name, and
each invitee accepts or declines. A unit approves a team only once it is complete
(``registration.entry_team_problem``)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import scopes_disabled
from apps.members.models import Member

from ..enums import EntryKind, EntryStatus, InvitationStatus
from ..models import Entry, TeamMember
from ..selectors import member_live_entry
from .eligibility import member_eligibility_problems
from .registration import CLOSED_CHANGE, NOT_YOURS, as_teacher, member_by_identity, teacher_member

NOT_A_TEAM = "本组为个人赛，不能邀请队员。"
TEAM_FULL = "团队人数已满。"
OTHER_UNIT = "只能邀请本单位（同一基层工会）的教师。"
TAKEN = "该教师已报名本届比赛或已加入其他团队。"
SELF = "不能邀请自己。"
NOT_INVITABLE = "报名已审核或已撤回，不能再邀请队员。"
ENTRY_GONE = "该团队的报名已撤回或未通过审核。"
ALREADY_ANSWERED = "您已答复过该邀请。"

# The only moves of an invitation's status; ``invitation_transition`` is its one writer.
INVITATION_MOVES: dict[str, frozenset[str]] = {
    InvitationStatus.INVITED: frozenset({InvitationStatus.ACCEPTED, InvitationStatus.DECLINED}),
    InvitationStatus.DECLINED: frozenset({InvitationStatus.INVITED}),  # invited again after declining
    InvitationStatus.ACCEPTED: frozenset(),
}


def invitation_transition(*, invitation: TeamMember, to: str) -> TeamMember:
    """Move a team invitation (its row is locked by the caller, who has checked the rules and
    writes the audit entry with the action's own name). Already there: nothing changes."""
    if invitation.status == to:
        return invitation
    if to not in INVITATION_MOVES[invitation.status]:
        raise ValidationError(ALREADY_ANSWERED)
    invitation.status = to
    invitation.responded_at = None if to == InvitationStatus.INVITED else timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


def _lock_member(member: Member) -> None:
    """Serialise invitations and answers concerning one person."""
    with scopes_disabled():  # the invitee's row is locked whoever invites (they are not the captain's)
        list(Member.objects.select_for_update(of=("self",)).filter(pk=member.pk).values_list("pk"))


@transaction.atomic
def team_invite(*, entry: Entry, user, id_number: str, name: str, now: dt.datetime | None = None) -> TeamMember:
    """The captain invites a colleague. The colleague must be an active member of the same
    grassroots union, eligible for the edition, and not in another live entry or team of
    it. Inviting someone already invited changes nothing; a declined colleague may be
    invited again."""
    now = now or timezone.now()
    captain = teacher_member(user=user)
    with as_teacher(user):
        entry = Entry.objects.select_for_update(of=("self",)).select_related("edition", "group").filter(
            pk=entry.pk).first()
    if entry is None or entry.member_id != captain.pk:
        raise PermissionDenied(NOT_YOURS)
    if entry.group.entry_kind != EntryKind.TEAM:
        raise ValidationError(NOT_A_TEAM)
    if not entry.edition.registration_is_open(now):
        raise ValidationError(CLOSED_CHANGE)
    if entry.status != EntryStatus.SUBMITTED:
        raise ValidationError(NOT_INVITABLE)
    invitee = member_by_identity(id_number=id_number, name=name)
    if invitee.pk == captain.pk:
        raise ValidationError(SELF)
    if invitee.organization.grassroots_path() != entry.organization.grassroots_path():
        raise ValidationError(OTHER_UNIT)
    _lock_member(invitee)
    with as_teacher(user):  # the captain's own team (member_live_entry looks at the invitee city-wide)
        current = TeamMember.objects.filter(entry=entry, member=invitee).first()
        if current is not None and current.status in (InvitationStatus.INVITED, InvitationStatus.ACCEPTED):
            return current
        problems = member_eligibility_problems(member=invitee, edition=entry.edition)
        if problems:
            raise ValidationError(problems)
        if member_live_entry(member=invitee, edition=entry.edition, exclude_entry=entry) is not None:
            raise ValidationError(TAKEN)
        taken_places = TeamMember.objects.filter(
            entry=entry, status__in=(InvitationStatus.INVITED, InvitationStatus.ACCEPTED)).count()
        if taken_places >= entry.group.team_size - 1:
            raise ValidationError(TEAM_FULL)
        if current is not None:  # declined before: invited again
            current = TeamMember.objects.select_for_update(of=("self",)).get(pk=current.pk)
            invitation = invitation_transition(invitation=current, to=InvitationStatus.INVITED)
        else:
            try:
                with transaction.atomic():
                    invitation = TeamMember.objects.create(entry=entry, member=invitee)
            except IntegrityError:
                return TeamMember.objects.get(entry=entry, member=invitee)
    audit_record(actor=user, action="team.invite", target=entry, data={"member": invitee.pk})
    return invitation


@transaction.atomic
def team_respond(*, invitation: TeamMember, user, accept: bool, now: dt.datetime | None = None) -> TeamMember:
    """The invitee accepts or declines (answering the same way twice changes nothing)."""
    now = now or timezone.now()
    member = teacher_member(user=user)
    with as_teacher(user):
        invitation = (TeamMember.objects.select_for_update(of=("self",))
                      .select_related("entry__edition", "entry__group").filter(pk=invitation.pk).first())
    if invitation is None or invitation.member_id != member.pk:
        raise PermissionDenied("这不是给您的邀请。")
    wanted = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    if invitation.status == wanted:
        return invitation
    if invitation.status != InvitationStatus.INVITED:
        raise ValidationError(ALREADY_ANSWERED)
    entry = invitation.entry
    if not entry.edition.registration_is_open(now):
        raise ValidationError(CLOSED_CHANGE)
    if entry.status != EntryStatus.SUBMITTED:
        raise ValidationError(ENTRY_GONE)
    if accept:
        _lock_member(member)
        with as_teacher(user):
            own = Entry.objects.filter(edition=entry.edition, member=member,
                                       status__in=(EntryStatus.SUBMITTED, EntryStatus.APPROVED)).exists()
            joined = TeamMember.objects.filter(member=member, entry__edition=entry.edition,
                                               status=InvitationStatus.ACCEPTED,
                                               entry__status__in=(EntryStatus.SUBMITTED, EntryStatus.APPROVED)
                                               ).exclude(pk=invitation.pk).exists()
        if own or joined:
            raise ValidationError(TAKEN.replace("该教师", "您"))
        problems = member_eligibility_problems(member=member, edition=entry.edition)
        if problems:
            raise ValidationError(problems)
    invitation = invitation_transition(invitation=invitation, to=wanted)
    audit_record(actor=user, action="team.accept" if accept else "team.decline", target=entry,
                 data={"member": member.pk})
    return invitation
