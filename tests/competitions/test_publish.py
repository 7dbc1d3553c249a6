"""Publication: one audited, atomic, once-only step writing awards, certificates and the
talent pool."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.competitions.services import structure
from apps.competitions.services.codes import ALPHABET
from apps.competitions.enums import EditionStatus, EntryKind, InvitationStatus
from apps.competitions.models import (
    Award, Certificate, Edition, PrizeRule, StageResult, TalentPoolEntry, TeamMember,
)
from apps.competitions.services.prizes import edition_publish
from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from tests.competitions.factories import make_edition, make_entry
from tests.competitions.test_judging_support import first_stage, panel, pw, submit  # noqa: F401
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    with scopes_disabled():
        return (Award.objects.count(), Certificate.objects.count(), TalentPoolEntry.objects.count(),
                StageResult.objects.count())


def test_publish_writes_awards_certificates_talent_pool_and_marks_published(pw, users):
    edition = edition_publish(edition=pw.edition, actor=users["municipal"])
    assert edition.status == EditionStatus.PUBLISHED and edition.published_by == users["municipal"]
    assert edition.published_at is not None
    fresh = Edition.objects.get(pk=pw.edition.pk)
    assert fresh.status == EditionStatus.PUBLISHED and fresh.published_by_id == users["municipal"].pk
    with scopes_disabled():
        awards = list(Award.objects.filter(edition=pw.edition).select_related("entry"))
        assert len(awards) == 15
        kinds = sorted((a.kind, a.level, a.name) for a in awards)
        assert kinds.count(("prize", "first", "一等奖")) == 1 and kinds.count(("prize", "second", "论文二等奖")) == 3
        first = Award.objects.get(edition=pw.edition, kind="prize", level="first", group=pw.science)
        assert (first.recipient, first.rank, first.entry_id, first.organization.name) == (
            "理一", 1, pw.entries["理一"].pk, "清华大学工会")
        cert = Certificate.objects.get(award=first)
        assert cert.member_id == pw.entries["理一"].member_id and cert.holder_name == "理一"
        supervisor = Award.objects.get(edition=pw.edition, kind="supervisor", recipient="王导师")
        (sup_cert,) = supervisor.certificates.all()
        assert sup_cert.member_id is None and sup_cert.holder_name == "王导师"
        organisation = Award.objects.get(edition=pw.edition, kind="organisation", recipient="北京大学工会")
        assert organisation.entry_id is None and organisation.group_id is None
        assert [c.holder_name for c in organisation.certificates.all()] == ["北京大学工会"]
        single = Award.objects.get(edition=pw.edition, kind="single")
        assert (single.name, single.recipient) == ("最佳教学设计奖", "理五")
        assert Certificate.objects.count() == 15  # one person per award here
        codes = list(Certificate.objects.values_list("code", flat=True))
        assert len(set(codes)) == 15 and all(len(c) == 12 and set(c) <= set(ALPHABET) for c in codes)
        # the talent pool: first-prize winners of teaching groups only (not the paper track)
        assert list(TalentPoolEntry.objects.values_list("member_id", "award_id", "organization__name")) == [
            (pw.entries["理一"].member_id, first.pk, "清华大学工会")]
        assert StageResult.objects.filter(stage=pw.stage).count() == 14
    log = AuditLog._base_manager.get(action="edition.publish")
    assert log.object_id == str(pw.edition.pk) and log.data["awards"] == 15 and log.data["certificates"] == 15
    assert log.data["totals"]["prize"]["first"] == 1


def test_publishing_twice_is_refused_and_changes_nothing(pw, users):
    edition_publish(edition=pw.edition, actor=users["municipal"])
    before = counts()
    with pytest.raises(ValidationError) as err:
        edition_publish(edition=pw.edition, actor=users["municipal"])
    assert "本届结果已发布" in err.value.messages[0]
    assert counts() == before
    assert AuditLog._base_manager.filter(action="edition.publish").count() == 1


def test_a_failure_leaves_nothing_half_written(pw, users, monkeypatch):
    def broken(**kwargs):
        if kwargs.get("action") == "edition.publish":
            raise RuntimeError("audit store down")
        return original(**kwargs)

    original = structure.audit_record  # the edition's status writer audits the publication
    monkeypatch.setattr(structure, "audit_record", broken)
    with pytest.raises(RuntimeError):
        edition_publish(edition=pw.edition, actor=users["municipal"])
    assert counts() == (0, 0, 0, 0)
    assert Edition.objects.get(pk=pw.edition.pk).status == EditionStatus.JUDGING
    monkeypatch.setattr(structure, "audit_record", original)
    edition_publish(edition=pw.edition, actor=users["municipal"])  # and it can then be published
    assert counts()[0] == 15


def test_only_an_edition_in_judging_is_published(pw, users):
    Edition.objects.filter(pk=pw.edition.pk).update(status=EditionStatus.OPEN)
    with pytest.raises(ValidationError) as err:
        edition_publish(edition=pw.edition, actor=users["municipal"])
    assert "评审中" in err.value.messages[0]
    assert counts() == (0, 0, 0, 0)


def test_only_a_publisher_may_publish(pw, users):
    with pytest.raises(PermissionDenied):
        edition_publish(edition=pw.edition, actor=users["tsinghua"])
    assert counts() == (0, 0, 0, 0)


def test_an_edition_without_results_cannot_be_published(tree, users):
    edition = make_edition(status=EditionStatus.JUDGING)
    make_entry(edition.groups.first(), make_member(tree.tsinghua, name="未评分"))
    with pytest.raises(ValidationError) as err:
        edition_publish(edition=edition, actor=users["municipal"])
    assert "尚无已提交的评分" in err.value.messages[0]
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.JUDGING


def test_team_award_names_the_team_and_certifies_captain_and_accepted_members(tree, users):
    """青管赛: a team of three, one invitee declined: the award goes to the team name, the
    certificates to the captain and the accepted member, both enter the talent pool."""
    edition = make_edition(series="qgs", number=3, groups=(("管理组", "manage"),), entry_kind=EntryKind.TEAM,
                           team_size=3, status=EditionStatus.JUDGING)
    group = edition.groups.get()
    stage = first_stage(edition)
    PrizeRule.objects.create(group=group, level="first", count=1)
    PrizeRule.objects.create(group=group, level="second", count=1)
    captain, accepted, declined = (make_member(tree.tsinghua, name=n) for n in ("队长甲", "队员乙", "队员丙"))
    team = make_entry(group, captain, team_name="清华先锋队")
    other = make_entry(group, make_member(tree.tsinghua, name="队长丁"), team_name="清华二队")
    with scopes_disabled():
        TeamMember.objects.create(entry=team, member=accepted, status=InvitationStatus.ACCEPTED)
        TeamMember.objects.create(entry=team, member=declined, status=InvitationStatus.DECLINED)
    (judge,) = panel(tree, users, stage, group, 1)
    submit(judge, team, stage, 20, 70, 5)
    submit(judge, other, stage, 10, 60, 5)
    edition_publish(edition=edition, actor=users["municipal"])
    with scopes_disabled():
        award = Award.objects.get(entry=team)
        assert (award.recipient, award.level, award.name) == ("清华先锋队", "first", "一等奖")
        assert sorted((c.holder_name, c.member_id) for c in award.certificates.all()) == sorted(
            [("队长甲", captain.pk), ("队员乙", accepted.pk)])
        assert sorted(TalentPoolEntry.objects.values_list("member_id", flat=True)) == sorted([captain.pk, accepted.pk])
        assert Award.objects.get(entry=other).recipient == "清华二队"
        assert Award.objects.get(entry=other).certificates.count() == 1
