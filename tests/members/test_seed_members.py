"""seed_demo's members: realistic, valid, encrypted, idempotent and deterministic."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from stdnum.cn import ric

from apps.competitions.models import TeacherAccount
from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from apps.members.demo import DEMO_PER_UNIT, DEMO_UNITS, add_years
from apps.members.enums import EmploymentType, Gender, MemberStatus
from apps.members.models import Member, MemberStatusChange, age_on
from apps.members.validation import normalize_mobile
from apps.organizations.enums import GRASSROOTS_KINDS, OrgKind
from apps.organizations.models import Organization

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    with scopes_disabled():
        return (Member.objects.count(), MemberStatusChange.objects.count(),
                AuditLog.objects.filter(action="member.seed").count())


def test_plain_seed_demo_gives_each_demo_unit_a_small_set_once():
    out = seed()
    assert f"会员：共 {DEMO_PER_UNIT * 3} 人（本次新增 {DEMO_PER_UNIT * 3} 人）" in out
    with scopes_disabled():
        for code in DEMO_UNITS:
            assert Member.objects.filter(organization__code=code).count() == DEMO_PER_UNIT, code
    first = counts()
    out = seed()
    assert counts() == first  # idempotent: nothing added, no second audit entry
    assert f"会员：共 {DEMO_PER_UNIT * 3} 人（本次新增 0 人）" in out


def test_seed_members_tops_the_city_up_to_n_realistic_members():
    out = seed(members=300)
    assert "会员：共 300 人（本次新增 300 人）" in out
    today = timezone.localdate()
    with scopes_disabled():
        members = list(Member.objects.select_related("organization", "branch"))
        assert len(members) == 300
        assert len({m.id_hash for m in members}) == 300
        assert len({m.id_number for m in members}) == 300
        for code in DEMO_UNITS:  # the demo set is part of the 300
            assert Member.objects.filter(organization__code=code).count() >= DEMO_PER_UNIT, code
        units_with_branches = set(
            Organization.objects.filter(kind=OrgKind.BRANCH).values_list("path", flat=True)
        )
        for m in members:
            assert ric.is_valid(m.id_number), m.id_number
            assert m.birth_date == ric.get_birth_date(m.id_number)
            assert m.gender == (Gender.MALE if int(m.id_number[16]) % 2 else Gender.FEMALE)
            assert 2 <= len(m.name) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in m.name), m.name
            age = age_on(m.birth_date, today)
            if m.employment_type == EmploymentType.RETIRED:
                assert 55 <= age <= 75
            else:
                assert 22 <= age <= 65
            assert m.organization.kind in GRASSROOTS_KINDS
            assert m.status == MemberStatus.ACTIVE
            assert add_years(m.birth_date, 18) < m.joined_on <= today
            if m.teaching_since is not None:
                assert add_years(m.birth_date, 21) < m.teaching_since <= today
            if m.phone:
                assert normalize_mobile(m.phone) == m.phone and len(m.phone) == 11
            if m.bank_account:
                assert m.bank_account.isdigit() and 16 <= len(m.bank_account) <= 19
                assert m.bank_name
            has_branches = any(p.startswith(m.organization.path) for p in units_with_branches)
            if has_branches:
                assert m.branch is not None and m.branch.path.startswith(m.organization.path)
                assert m.branch.kind == OrgKind.BRANCH
            else:
                assert m.branch is None
        assert sum(m.gender == Gender.FEMALE for m in members) > 90
        assert sum(m.employment_type == EmploymentType.PERMANENT for m in members) > 150
        assert sum(bool(m.phone) for m in members) > 270
        kinds = {m.organization.kind for m in members}
        assert {OrgKind.UNIVERSITY, OrgKind.DISTRICT} <= kinds
        university = sum(m.organization.kind == OrgKind.UNIVERSITY for m in members)
        assert university > 150  # universities are the largest unions
        changes = MemberStatusChange.objects.filter(to_status=MemberStatus.ACTIVE, reason="登记入会")
        assert changes.count() == 300
        entry = AuditLog.objects.get(action="member.seed")
        assert entry.data == {"created": 300}
        assert entry.organization_path == Organization.objects.get(code="BJEU").path

    # Personal data is ciphertext in the database.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, id_number, phone, bank_account FROM members_member")
        raw = {row[0]: row[1:] for row in cursor.fetchall()}
    for m in members:
        stored_id, stored_phone, stored_account = raw[m.pk]
        assert stored_id != m.id_number and m.id_number not in stored_id and stored_id.startswith("gAAAA")
        if m.phone:
            assert m.phone not in stored_phone
        if m.bank_account:
            assert m.bank_account not in stored_account

    first = counts()
    out = seed(members=300)  # idempotent
    assert counts() == first
    assert "会员：共 300 人（本次新增 0 人）" in out
    seed(members=100)  # never deletes
    assert counts() == first
    seed()
    assert counts() == first


def _delete_activities_demo() -> None:
    from apps.activities.models import Activity, Application, Club, ClubMembership, CostRecord, Participation

    for model in (Participation, CostRecord, Application, ClubMembership, Activity, Club):
        model._base_manager.all().delete()
def _delete_condolences_demo() -> None:
    from apps.condolences.models import Campaign, Distribution, Grant, Occasion
    from apps.payments.models import PaymentBatch, PaymentItem

    batches = [b for b in Campaign._base_manager.values_list("batch_id", flat=True) if b]
    batches += [b for b in Grant._base_manager.values_list("batch_id", flat=True).distinct() if b]
    for model in (Grant, Occasion, Distribution, Campaign):
        model._base_manager.all().delete()
    PaymentItem.objects.filter(batch_id__in=batches).delete()  # generated, never approved (seeded in a transaction)
    PaymentBatch.objects.filter(pk__in=batches).delete()


def _delete_welfare_aid() -> None:
    from apps.hardship.models import AidApplication, FundEntry, HardshipFile
    from apps.mutual_aid.models import Claim, Enrolment
    from apps.payments.models import PaymentBatch, PaymentItem

    batches = list(AidApplication.objects.exclude(batch=None).values_list("batch_id", flat=True))
    batches += list(Claim.objects.exclude(batch=None).values_list("batch_id", flat=True))
    for model in (FundEntry, AidApplication, HardshipFile, Claim, Enrolment):
        model._base_manager.all().delete()
    PaymentItem.objects.filter(batch_id__in=batches).delete()  # submitted, never approved (seeded in a transaction)
    PaymentBatch.objects.filter(pk__in=batches).delete()


def test_seed_members_is_deterministic_and_tops_up():
    seed(members=120)
    with scopes_disabled():
        first = list(Member.objects.order_by("id").values_list("name", "id_number", "organization__code",
                                                                 "joined_on", "phone"))
        TeacherAccount._base_manager.all().delete()  # the competitions demo links teacher1 to a member
        _delete_activities_demo()  # the activities demo's applications and participations name members
        MemberStatusChange.objects.all().delete()
        _delete_welfare_aid()  # the mutual-aid and hardship demos' rows point at members
        _delete_condolences_demo()  # so do the condolences demo's grants and occasions
        Member.objects.all().delete()
    seed(members=120)
    with scopes_disabled():
        again = list(Member.objects.order_by("id").values_list("name", "id_number", "organization__code",
                                                                 "joined_on", "phone"))
    assert again == first
    seed(members=150)  # a top-up adds only the difference, with new people
    with scopes_disabled():
        assert Member.objects.count() == 150
        assert Member.objects.values("id_hash").distinct().count() == 150
