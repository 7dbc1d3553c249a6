"""The demo competitions reproduce the work report's 2025 figures, once."""

from __future__ import annotations

import pytest

from apps.accounts.demo import seed_users
from apps.competitions.demo import seed_competitions
from apps.competitions.services.eligibility import groups_eligible
from apps.competitions.enums import EditionStatus
from apps.competitions.models import (
    Award, Certificate, Edition, Entry, JudgeAssignment, TalentPoolEntry, TeacherAccount, TeamMember, UnitQuota,
)
from apps.competitions.services.yearbook import yearbook_rows, yearbook_totals
from apps.core.scoping import scopes_disabled
from apps.members.demo import seed_members
from apps.members.models import Member
from apps.organizations.demo import seed_organizations

pytestmark = pytest.mark.django_db(transaction=False)


def _counts() -> dict:
    with scopes_disabled():
        return {model.__name__: model._base_manager.count() for model in (
            Member, Edition, Entry, Award, Certificate, TeamMember, TalentPoolEntry, TeacherAccount, UnitQuota,
            JudgeAssignment)}


@pytest.fixture
def demo(db):
    seed_organizations()
    seed_users()
    seed_members(3000)  # what `make run` seeds: enough young university members for the 2025 editions
    return seed_competitions()


def test_seed_competitions_reproduces_the_2025_report(demo):
    totals = yearbook_totals(year=2025)
    assert totals["individual_prizes"] == 300
    assert (totals["teams"], totals["team_people"]) == (68, 204)
    assert totals["supervisors"] == 179
    assert totals["papers"] == 128
    assert totals["organisations"] >= 1
    qjs = [r for r in yearbook_rows() if r["year"] == 2025 and r["series"] == "青教赛" and r["is_total"]]
    assert len(qjs) == 1 and qjs[0]["entries"] == 4 * 80 + 150 and qjs[0]["units"] > 10
    assert (qjs[0]["first"], qjs[0]["single"]) == (4 * 15 + 20, 12)


def test_seed_competitions_is_idempotent(demo):
    before = _counts()
    assert seed_competitions()["created"] == 0
    assert _counts() == before
    assert before["Edition"] == 4


def test_seed_competitions_people_are_young_unique_and_of_the_entry_unit(demo):
    with scopes_disabled():
        entries = list(Entry.objects.select_related("member", "edition"))
        assert all(e.member.organization_id == e.organization_id for e in entries)
        assert all(e.member.age <= 40 for e in entries)
        people = [e.member_id for e in entries if e.edition.number == 14]
        assert len(people) == len(set(people))
        for tm in TeamMember.objects.select_related("entry", "member"):
            assert tm.member.organization_id == tm.entry.organization_id
        hashes = list(Member.objects.filter(status="active").values_list("id_hash", flat=True))
        assert len(hashes) == len(set(hashes))
        # the talent pool holds the 60 teaching first prizes of 青教赛 2025
        assert TalentPoolEntry.objects.count() == 60


def test_seed_competitions_prepares_the_demo_journey(demo):
    with scopes_disabled():
        account = TeacherAccount._base_manager.select_related("member__organization", "user").get(user__username="teacher1")
        assert account.member.name == "张晓明" and account.member.organization.code == "U-THU"
        assert account.member.age <= 40
        edition = Edition.objects.get(series__code="qjs", number=15)
        assert edition.status == EditionStatus.OPEN and edition.registration_is_open()
        science = edition.groups.get(name="理科")
        assert UnitQuota.objects.get(group=science, organization__code="U-THU").quota == 1
        judges = JudgeAssignment._base_manager.filter(group=science).order_by("judge__username")
        assert [(j.judge.username, j.organization.code) for j in judges] == [("judge1", "U-PKU"), ("judge2", "U-BNU")]
        jjb = Edition.objects.get(series__code="jjb", number=5)
        assert jjb.registration_is_open()
        # 京教杯 is for primary and secondary teachers (district unions); 青教赛 for universities
        assert {u.kind for u in jjb.participating_units.all()} == {"district"}
        assert {u.kind for u in edition.participating_units.all()} == {"university"}
        assert {g.edition.series.code for g in groups_eligible(member=account.member)} == {"qjs"}
        assert [g.name for g in jjb.groups.all()] == ["中学英语", "中学语文", "小学语文"]
        assert [s.name for s in jjb.stages.all()] == ["区级初赛", "市级复赛", "市级决赛"]
