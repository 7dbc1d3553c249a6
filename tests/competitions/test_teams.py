"""Team entries: the captain registers and invites colleagues of the same union, who accept
or decline; a unit approves a team only once it is complete."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.competitions.services import teams
from apps.competitions.enums import EntryKind, EntryStatus, InvitationStatus
from apps.competitions.services.registration import entry_approve, entry_register
from apps.competitions.selectors import invitations_for
from apps.competitions.services.teams import team_invite, team_respond
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from tests.competitions.factories import make_edition, make_quota, make_teacher
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db


def mine(user):
    """The user's invitations as their invitations page reads them: in their person scope."""
    with scope(person="teacher", user_id=user.pk):
        return invitations_for(member=user.teacher.member)


def team_group():
    edition = make_edition(series="qgs", number=3, requires_lesson_plan=False, requires_course_title=False,
                           entry_kind=EntryKind.TEAM, team_size=3, groups=(("管理组", "mgmt"),))
    return edition.groups.get()


def person(org, name):
    member = make_member(org, name=name)
    return member, make_teacher(member)


def test_captain_invites_two_colleagues_who_accept_and_the_team_is_approved(tree, users):
    group = team_group()
    make_quota(group, tree.tsinghua, 1)
    _c, captain = person(tree.tsinghua, "队长")
    (m1, u1), (m2, u2) = person(tree.tsinghua, "队员甲"), person(tree.tsinghua, "队员乙")
    with pytest.raises(ValidationError) as exc:
        entry_register(user=captain, group=group)
    assert exc.value.message_dict == {"team_name": ["请填写团队名称。"]}
    entry, _ = entry_register(user=captain, group=group, team_name="清华先锋队")
    first = team_invite(entry=entry, user=captain, id_number=m1.id_number, name="队员甲")
    assert team_invite(entry=entry, user=captain, id_number=m1.id_number, name="队员甲").pk == first.pk  # idempotent
    team_invite(entry=entry, user=captain, id_number=m2.id_number, name="队员乙")
    with scope(paths=[tree.tsinghua.path]), pytest.raises(ValidationError) as exc:
        entry_approve(entry=entry, actor=users["tsinghua"])
    assert "团队成员尚未全部确认（已确认 0/2 人）" in exc.value.messages[0]
    [invitation] = mine(u1)
    team_respond(invitation=invitation, user=u1, accept=True)
    team_respond(invitation=invitation, user=u1, accept=True)  # answering twice changes nothing
    team_respond(invitation=mine(u2)[0], user=u2, accept=True)
    with scope(paths=[tree.tsinghua.path]):
        approved = entry_approve(entry=entry, actor=users["tsinghua"])
    assert approved.status == EntryStatus.APPROVED
    with scopes_disabled():
        actions = sorted(AuditLog.objects.filter(action__startswith="team.").values_list("action", flat=True))
    assert actions == ["team.accept", "team.accept", "team.invite", "team.invite"]


def test_invitations_are_limited_to_the_team_size_and_the_same_union(tree):
    group = team_group()
    _c, captain = person(tree.tsinghua, "队长")
    entry, _ = entry_register(user=captain, group=group, team_name="队")
    members = [person(tree.tsinghua, f"队员{i}")[0] for i in range(3)]
    outsider = make_member(tree.haidian, name="海淀教师")
    with pytest.raises(ValidationError) as exc:
        team_invite(entry=entry, user=captain, id_number=outsider.id_number, name="海淀教师")
    assert exc.value.messages == [teams.OTHER_UNIT]
    with pytest.raises(ValidationError) as exc:
        team_invite(entry=entry, user=captain, id_number=members[0].id_number, name="别人的名字")
    assert exc.value.messages == ["姓名与身份证号不匹配或不是在册会员。"]
    for m in members[:2]:
        team_invite(entry=entry, user=captain, id_number=m.id_number, name=m.name)
    with pytest.raises(ValidationError) as exc:
        team_invite(entry=entry, user=captain, id_number=members[2].id_number, name=members[2].name)
    assert exc.value.messages == [teams.TEAM_FULL]


def test_a_declined_place_can_be_offered_again_and_a_member_joins_one_team(tree):
    group = team_group()
    _a, cap_a = person(tree.tsinghua, "队长甲")
    _b, cap_b = person(tree.tsinghua, "队长乙")
    mate, mate_user = person(tree.tsinghua, "队员")
    team_a, _ = entry_register(user=cap_a, group=group, team_name="甲队")
    team_b, _ = entry_register(user=cap_b, group=group, team_name="乙队")
    invitation = team_invite(entry=team_a, user=cap_a, id_number=mate.id_number, name="队员")
    with pytest.raises(ValidationError) as exc:  # a pending invitation elsewhere: taken
        team_invite(entry=team_b, user=cap_b, id_number=mate.id_number, name="队员")
    assert exc.value.messages == [teams.TAKEN]
    team_respond(invitation=invitation, user=mate_user, accept=False)
    offered = team_invite(entry=team_b, user=cap_b, id_number=mate.id_number, name="队员")
    team_respond(invitation=offered, user=mate_user, accept=True)
    with pytest.raises(ValidationError):  # now a member of 乙队: cannot register alone either
        entry_register(user=mate_user, group=group, team_name="自己的队")
    with pytest.raises(ValidationError) as exc:
        team_invite(entry=team_a, user=cap_a, id_number=mate.id_number, name="队员")
    assert exc.value.messages == [teams.TAKEN]
    with scopes_disabled():
        assert invitation.__class__.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED


def test_only_the_captain_invites_and_only_the_invitee_answers(tree):
    group = team_group()
    _c, captain = person(tree.tsinghua, "队长")
    mate, _mate_user = person(tree.tsinghua, "队员")
    _o, other = person(tree.tsinghua, "旁人")
    entry, _ = entry_register(user=captain, group=group, team_name="队")
    with pytest.raises(PermissionDenied):
        team_invite(entry=entry, user=other, id_number=mate.id_number, name="队员")
    invitation = team_invite(entry=entry, user=captain, id_number=mate.id_number, name="队员")
    with pytest.raises(PermissionDenied):
        team_respond(invitation=invitation, user=other, accept=True)
    assert mine(other) == []
