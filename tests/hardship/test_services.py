"""Hardship files, applications by tiers, the duplicate-aid rules and the love fund."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.hardship.enums import ApplicationStatus, FileStatus
from apps.hardship.models import FundEntry, HardshipFile, LoveFund
from apps.hardship.selectors import other_aid
from apps.hardship.services import application_transition, file_open, file_review, file_transition
from apps.members.services import member_transfer
from apps.payments.enums import BatchPurpose, BatchStatus
from apps.payments.models import PaymentBatch
from tests.factories.members import make_member
from tests.factories.orgs import make_user
from tests.hardship.factories import make_application, make_file, make_fund

pytestmark = pytest.mark.django_db


def _act(user):
    from apps.accounts.models import RoleAssignment

    with scopes_disabled():
        unit = RoleAssignment.objects.filter(user=user).select_related("organization").first().organization
    return scope(paths=[unit.path])


def test_one_open_file_per_person_and_review_closes_it(tree, users):
    member = make_member(tree.haidian, name="王困难")
    file = make_file(member)
    with pytest.raises(ValidationError) as exc:
        make_file(member)
    assert "已有在档" in str(exc.value.message_dict["member"])
    with scopes_disabled():
        file_review(file=file, level="general", household_size=3, household_income="90000",
                    still_in_hardship=False, note="已脱困", actor=users["municipal"])
        file.refresh_from_db()
        assert file.reviews.count() == 2
    assert file.status == FileStatus.CLOSED and file.close_reason == "已脱困"
    with scopes_disabled():
        file_transition(file=file, to=FileStatus.OPEN, actor=users["municipal"])
        assert HardshipFile.objects.get(pk=file.pk).status == FileStatus.OPEN


def test_bad_input_is_refused_beside_the_field_and_changes_nothing(tree, users):
    member = make_member(tree.haidian)
    with scopes_disabled(), pytest.raises(ValidationError) as exc:
        file_open(member=member, level="rich", causes="", household_size=0, household_income="-1")
    assert set(exc.value.message_dict) == {"level", "causes", "household_size", "household_income"}
    with scopes_disabled():
        assert not HardshipFile.objects.exists()


def test_tiers_small_amount_final_at_unit_large_goes_to_municipal(tree, users, settings):
    settings.HARDSHIP_MUNICIPAL_ABOVE = "3000.00"
    fund = make_fund(tree)
    small = make_application(make_member(tree.haidian, name="甲"), amount="1000")
    large = make_application(make_member(tree.haidian, name="乙"), amount="5000")
    haidian = users["haidian"]
    with _act(haidian):
        small = application_transition(application=small, action="unit_approve", actor=haidian)
        large = application_transition(application=large, action="unit_approve", actor=haidian)
        assert small.status == ApplicationStatus.APPROVED
        assert large.status == ApplicationStatus.UNIT_APPROVED
        with pytest.raises(Exception) as exc:  # the unit may not take the municipal step
            application_transition(application=large, action="municipal_approve", actor=haidian)
        assert "权限" in str(exc.value)
    with _act(users["municipal"]):
        large = application_transition(application=large, action="municipal_approve", actor=users["municipal"])
        again = application_transition(application=large, action="municipal_approve", actor=users["municipal"])
    assert again.status == ApplicationStatus.APPROVED
    fund.refresh_from_db()
    assert fund.balance == Decimal("4000.00") and fund.grants_total == Decimal("6000.00")
    with scopes_disabled():
        assert FundEntry.objects.filter(kind="grant").count() == 2  # the repeated approval took nothing


def test_same_kind_twice_in_a_period_across_a_transfer_is_refused(tree, users):
    make_fund(tree)
    member = make_member(tree.haidian, name="丙")
    make_application(member, kind="medical", amount="1000", applied_on=dt.date(2026, 2, 1))
    with scopes_disabled():
        moved = member_transfer(member=member, to_organization=tree.chaoyang, actor=None)
    moved_member = moved
    with pytest.raises(ValidationError) as exc:
        make_application(moved_member, kind="medical", amount="500", applied_on=dt.date(2026, 8, 1))
    assert "同一类型每期只能帮扶一次" in exc.value.message_dict["kind"][0]
    # another kind is fine, and the approver sees the first one
    other = make_application(moved_member, kind="education", amount="500", applied_on=dt.date(2026, 8, 1))
    shown = other_aid(application=other)
    assert [r["kind"] for r in shown] == ["医疗救助"] and shown[0]["unit"] == tree.haidian.name


def test_yearly_cap_is_refused_with_what_is_left(tree, settings):
    settings.HARDSHIP_YEARLY_CAP = "5000.00"
    make_fund(tree)
    member = make_member(tree.haidian, name="丁")
    make_application(member, kind="living", amount="3000", applied_on=dt.date(2026, 1, 5))
    with pytest.raises(ValidationError) as exc:
        make_application(member, kind="medical", amount="2500", applied_on=dt.date(2026, 4, 5))
    assert "本次最多 2000.00 元" in exc.value.message_dict["amount"][0]
    make_application(member, kind="medical", amount="2000", applied_on=dt.date(2026, 4, 5))


def test_a_grant_above_the_balance_is_refused_in_chinese_and_changes_nothing(tree, users):
    fund = make_fund(tree, balance="1000.00")
    application = make_application(make_member(tree.haidian, name="戊"), amount="1500")
    with _act(users["haidian"]), pytest.raises(ValidationError) as exc:
        application_transition(application=application, action="unit_approve", actor=users["haidian"])
    assert "余额不足" in exc.value.message_dict["amount"][0]
    application.refresh_from_db()
    fund.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and fund.balance == Decimal("1000.00")


def test_the_database_refuses_a_negative_balance(tree):
    fund = make_fund(tree, balance="10.00")
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        LoveFund.objects.filter(pk=fund.pk).update(balance=Decimal("-0.01"))


def test_pay_makes_one_submitted_batch_whose_source_is_the_application(tree, users):
    make_fund(tree)
    application = make_application(make_member(tree.haidian, name="己"), amount="800")
    clerk = make_user("t_hd_admin2", tree.haidian)
    with _act(users["haidian"]):
        application = application_transition(application=application, action="unit_approve", actor=users["haidian"])
        application = application_transition(application=application, action="pay", actor=clerk)
        again = application_transition(application=application, action="pay", actor=clerk)
    with scopes_disabled():
        batch = PaymentBatch.objects.get(pk=application.batch_id)
    assert again.batch_id == batch.pk
    assert batch.purpose == BatchPurpose.HARDSHIP_GRANT and batch.status == BatchStatus.SUBMITTED
    assert batch.source_id == str(application.pk) and batch.total_amount == Decimal("800.00")
    assert batch.created_by == clerk


def test_every_move_is_audited(tree, users):
    make_fund(tree)
    application = make_application(make_member(tree.haidian, name="庚"), amount="800")
    with _act(users["haidian"]):
        application_transition(application=application, action="reject", actor=users["haidian"], reason="材料不全")
    with scopes_disabled():
        assert AuditLog.objects.filter(action="hardship.reject", object_id=str(application.pk)).exists()


def test_a_double_submit_acts_once_and_a_clerk_cannot_approve(tree, users):
    make_fund(tree)
    member = make_member(tree.haidian, name="辛")
    first = make_application(member, kind="living", amount="800")
    again = make_application(member, kind="living", amount="800")
    assert again.pk == first.pk
    with _act(users["haidian_clerk"]), pytest.raises(PermissionDenied):
        application_transition(application=first, action="unit_approve", actor=users["haidian_clerk"])
    first.refresh_from_db()
    assert first.status == ApplicationStatus.SUBMITTED


def test_the_work_queue_counts_what_waits_in_the_subtree(tree, users):
    from apps.hardship.work_queue import welfare_aid_queue

    make_fund(tree)
    make_application(make_member(tree.haidian, name="壬"), amount="800")
    make_application(make_member(tree.chaoyang, name="癸"), amount="800")
    with _act(users["haidian"]):
        items = {i.label: i.count for i in welfare_aid_queue(users["haidian"])}
    assert items["待单位审核的帮扶申请"] == 1 and "待市级审批的帮扶申请" not in items
    with _act(users["municipal"]):
        items = {i.label: i.count for i in welfare_aid_queue(users["municipal"])}
    assert items["待单位审核的帮扶申请"] == 2 and items["待市级审批的帮扶申请"] == 0
