"""The member registry: validation, derived fields, encryption at rest, one active
membership per person, status moves, transfers and key rotation — through the services."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings

from apps.core import crypto
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.members.enums import MemberStatus
from apps.members.models import Member, MemberStatusChange
from apps.members.services import (
    ALREADY_ELSEWHERE,
    ALREADY_HERE,
    member_change_status,
    member_create,
    member_transfer,
)
from apps.members.validation import normalize_id_number, normalize_mobile
from tests.factories.members import make_member, new_id_number

GOOD_ID = "11010519491231002X"  # the GB 11643 example: check character X


class TestValidation:
    def test_good_id_with_lower_case_x_is_normalised(self):
        assert normalize_id_number("11010519491231002x") == GOOD_ID

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("110105194912310021", "校验位错误"),
            ("11010519491231002", "应为 18 位"),
            ("1101051949123100AX", "格式错误"),
            ("110105194902300020", "出生日期"),  # 30 February, valid check digit
            ("", "不能为空"),
        ],
    )
    def test_bad_ids_get_a_chinese_message(self, value, message):
        with pytest.raises(ValidationError) as exc:
            normalize_id_number(value)
        assert message in exc.value.messages[0]

    @pytest.mark.parametrize("value", ["13800138000", "+86 138 0013 8000", "138-0013-8000"])
    def test_mobiles(self, value):
        assert normalize_mobile(value) == "13800138000"

    @pytest.mark.parametrize("value", ["1380013800", "010-62785001", "12345678901", "+1 202 555 0100"])
    def test_bad_phones(self, value):
        with pytest.raises(ValidationError) as exc:
            normalize_mobile(value)
        assert "手机号" in exc.value.messages[0]


@pytest.mark.django_db
class TestRegistry:
    def test_derived_fields_come_from_the_id(self, tree):
        member = make_member(tree.haidian, id_number="11010519491231002x", teaching_since=dt.date(1970, 9, 1))
        assert member.id_number == GOOD_ID
        assert member.birth_date == dt.date(1949, 12, 31)
        assert member.gender == "F"  # 17th digit 2: even
        assert member.age >= 76 and member.is_young is False
        assert member.years_teaching >= 56
        young = make_member(tree.haidian, id_number=new_id_number(birth=dt.date.today().replace(year=dt.date.today().year - 30)))
        assert young.is_young and young.gender == "M"

    def test_personal_data_is_ciphertext_in_the_database(self, tree):
        member = make_member(tree.haidian, id_number=GOOD_ID, phone="13912345678", bank_account="6222020200112233445")
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number, phone, bank_account, id_hash FROM members_member WHERE id = %s",
                           [member.pk])
            row = cursor.fetchone()
        raw = " ".join(row)
        for secret in (GOOD_ID, "13912345678", "6222020200112233445", "1949123"):
            assert secret not in raw
        assert row[0].startswith("gAAAA")  # a Fernet token
        assert row[3] == crypto.lookup_hash(GOOD_ID) and len(row[3]) == 64
        with scopes_disabled():
            assert Member.objects.get(pk=member.pk).id_number == GOOD_ID

    def test_masked_by_default(self, tree):
        member = make_member(tree.haidian, id_number=GOOD_ID, phone="13800138000", bank_account="6222020200112233445")
        assert member.id_number_masked == "110105********002X"
        assert member.phone_masked == "138****8000"
        assert member.bank_account_masked == "622202*********3445"
        assert GOOD_ID not in str(member)

    def test_one_active_membership_city_wide(self, tree):
        person = new_id_number()
        make_member(tree.haidian, id_number=person)
        with pytest.raises(ValidationError) as exc:
            make_member(tree.chaoyang, id_number=person)
        assert exc.value.message_dict["id_number"] == [ALREADY_ELSEWHERE]
        assert "海淀" not in ALREADY_ELSEWHERE  # the error never names the holder
        with pytest.raises(ValidationError) as exc:
            make_member(tree.haidian, id_number=person)
        assert exc.value.message_dict["id_number"] == [ALREADY_HERE]

    def test_unit_outside_scope_and_non_grassroots_refused(self, tree):
        with scope(paths=[tree.haidian.path]), pytest.raises(ValidationError) as exc:
            member_create(organization=tree.chaoyang, name="甲", id_number=new_id_number(), employment_type="permanent")
        assert "管理范围" in str(exc.value)
        with pytest.raises(ValidationError) as exc:
            make_member(tree.haidian_school)
        assert "基层工会" in str(exc.value)
        with pytest.raises(ValidationError) as exc:
            make_member(tree.haidian, branch=tree.chaoyang_school)
        assert "分工会不属于" in str(exc.value)

    def test_status_moves_are_recorded_and_checked(self, tree, users):
        member = make_member(tree.haidian)
        with scope(paths=[tree.haidian.path]):
            member_change_status(member=member, to_status=MemberStatus.RETIRED, actor=users["haidian"], reason="到龄")
            with pytest.raises(ValidationError) as exc:
                member_change_status(member=member, to_status=MemberStatus.TRANSFERRED)
            assert "不能从“退休”变为“转出”" in exc.value.messages[0]
            history = list(MemberStatusChange.objects.filter(member=member).values_list("from_status", "to_status"))
        assert history == [("", "active"), ("active", "retired")]
        with scopes_disabled():
            assert AuditLog.objects.filter(action="member.status", object_id=str(member.pk)).count() == 1

    def test_transfer_out_and_in(self, tree, users):
        member = make_member(tree.haidian, name="调动老师")
        with scope(paths=[tree.haidian.path]):
            target = member_transfer(member=member, to_organization=tree.chaoyang, actor=users["haidian"])
        with scopes_disabled():
            member.refresh_from_db()
            target = Member.objects.get(pk=target.pk)
            assert member.status == MemberStatus.TRANSFERRED
            assert target.organization == tree.chaoyang and target.status == MemberStatus.ACTIVE
            assert target.id_number == member.id_number and target.bank_account == member.bank_account
            actions = set(AuditLog.objects.filter(action__startswith="member.transfer").values_list("action", flat=True))
        assert actions == {"member.transfer_out", "member.transfer_in"}
        with scope(paths=[tree.haidian.path]), pytest.raises(ValidationError):
            member_transfer(member=member, to_organization=tree.tsinghua)  # already transferred


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_registration_of_one_person_admits_one(tree):
    """Two units register the same ID at the same moment: PostgreSQL's partial unique
    index lets exactly one in; the other gets the 'already a member' error."""
    person = new_id_number()
    barrier = threading.Barrier(2)
    outcomes = []

    def register(unit):
        try:
            barrier.wait()
            make_member(unit, id_number=person)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.message_dict["id_number"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(unit,)) for unit in (tree.haidian, tree.chaoyang)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["ok", ALREADY_ELSEWHERE]) or sorted(outcomes) == sorted(["ok", ALREADY_HERE])
    with scopes_disabled():
        assert Member.objects.filter(id_hash=crypto.lookup_hash(person), status="active").count() == 1


@pytest.mark.django_db
def test_key_rotation_reencrypts_and_rehashes(tree):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEY=old):
        member = make_member(tree.haidian, id_number=GOOD_ID, phone="13800138000")
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number, id_hash FROM members_member WHERE id = %s", [member.pk])
            before_cipher, before_hash = cursor.fetchone()
    with override_settings(FIELD_ENCRYPTION_KEY=f"{new},{old}"):
        call_command("rotate_encryption_key")
    with override_settings(FIELD_ENCRYPTION_KEY=new):  # the old key is gone: everything still reads
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number, id_hash FROM members_member WHERE id = %s", [member.pk])
            after_cipher, after_hash = cursor.fetchone()
        assert after_cipher != before_cipher and after_hash != before_hash
        with scopes_disabled():
            fresh = Member.objects.get(pk=member.pk)
            assert (fresh.id_number, fresh.phone) == (GOOD_ID, "13800138000")
            assert Member.objects.filter(id_hash=crypto.lookup_hash(GOOD_ID)).exists()
            assert AuditLog.objects.filter(action="crypto.rotate").exists()
    with override_settings(FIELD_ENCRYPTION_KEY=old), scopes_disabled(), pytest.raises(ValueError):
        Member.objects.get(pk=member.pk)  # the old key alone can no longer read it
