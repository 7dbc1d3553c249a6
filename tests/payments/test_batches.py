"""Batches: the state machine, the four eyes, the database's own guards, files."""

from __future__ import annotations

import io
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from apps.core.models import AuditLog
from apps.members.enums import EmploymentType
from apps.members.models import Member
from apps.payments.enums import BATCH_MOVES, BatchStatus, ItemStatus
from apps.payments.gateway import read_return_file, write_transfer_csv, write_transfer_xlsx
from apps.payments.models import PaymentApproval, PaymentBatch, PaymentItem
from apps.payments.services import (
    payment_batch_add_items,
    payment_batch_approve,
    payment_batch_cancel,
    payment_batch_create,
    payment_batch_from_members,
    payment_batch_import_return_file,
    payment_batch_submit,
    payment_batch_transition,
)
from tests.factories.members import make_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unscoped")]

on_postgresql = pytest.mark.postgresql  # the trigger exists on PostgreSQL only


def approved(batch, approvers, password):
    payment_batch_submit(batch=batch, actor=batch.created_by)
    for approver in approvers:
        batch = payment_batch_approve(batch=batch, actor=approver, password=password)
    return batch


def test_batch_moves_every_illegal_move_is_refused_and_changes_nothing(make_batch):
    batch = make_batch(1)
    for start in BatchStatus:
        for to in BatchStatus:
            if to == start or to in BATCH_MOVES[start]:
                continue
            PaymentBatch.objects.filter(pk=batch.pk).update(status=start)
            logs = AuditLog.objects.count()
            with pytest.raises(ValidationError) as err:
                payment_batch_transition(batch=batch, to=to, actor=batch.created_by)
            assert f"批次状态为「{start.label}」，不能" in err.value.messages[0], (start, to)
            assert PaymentBatch.objects.get(pk=batch.pk).status == start
            assert AuditLog.objects.count() == logs


def test_batch_repeated_move_is_a_no_op(make_batch):
    batch = make_batch(1)
    payment_batch_submit(batch=batch, actor=batch.created_by)
    logs = AuditLog.objects.filter(action="payment_batch.submitted").count()
    assert payment_batch_submit(batch=batch, actor=batch.created_by).status == BatchStatus.SUBMITTED
    assert AuditLog.objects.filter(action="payment_batch.submitted").count() == logs == 1


def test_batch_submit_empty_is_refused(tree, users):
    batch = payment_batch_create(organization=tree.haidian, title="空批次", purpose="other", actor=users["haidian"])
    with pytest.raises(ValidationError, match="没有明细"):
        payment_batch_submit(batch=batch, actor=users["haidian"])
    assert PaymentBatch.objects.get(pk=batch.pk).status == BatchStatus.DRAFT


def test_batch_cancel_from_draft_and_submitted_only(make_batch, approvers, password):
    draft, submitted = make_batch(1), make_batch(1)
    payment_batch_submit(batch=submitted, actor=submitted.created_by)
    assert payment_batch_cancel(batch=draft, actor=draft.created_by).status == BatchStatus.CANCELLED
    assert payment_batch_cancel(batch=submitted, actor=submitted.created_by).status == BatchStatus.CANCELLED
    done = approved(make_batch(1), approvers[:1], password)
    with pytest.raises(ValidationError, match="不能撤销"):
        payment_batch_cancel(batch=done, actor=done.created_by)


def test_maker_checker_creator_cannot_approve_own_batch(tree, users, password):
    creator = users["municipal"]  # holds the approve permission, yet created the batch
    creator.set_password(password)
    creator.save()
    member = make_member(tree.haidian, name="王老师")
    batch = payment_batch_create(organization=tree.haidian, title="奖金", purpose="award_bonus", actor=creator)
    payment_batch_add_items(batch=batch, entries=[(member, "500")], actor=creator)
    payment_batch_submit(batch=batch, actor=creator)
    with pytest.raises(ValidationError, match="不能审批自己创建的批次"):
        payment_batch_approve(batch=batch, actor=creator, password=password)
    assert PaymentBatch.objects.get(pk=batch.pk).status == BatchStatus.SUBMITTED
    assert PaymentApproval.objects.count() == 0


def test_maker_checker_unit_admin_may_not_approve(make_batch, users):
    batch = make_batch(1)
    payment_batch_submit(batch=batch, actor=batch.created_by)
    with pytest.raises(PermissionDenied, match="没有审批"):
        payment_batch_approve(batch=batch, actor=users["chaoyang"], logged_in_at=time.time())


def test_maker_checker_wrong_password_or_stale_login_is_refused(make_batch, approvers):
    batch = make_batch(1)
    payment_batch_submit(batch=batch, actor=batch.created_by)
    with pytest.raises(PermissionDenied, match="重新输入密码"):
        payment_batch_approve(batch=batch, actor=approvers[0], password="wrong-password")
    with pytest.raises(PermissionDenied, match="重新输入密码"):
        payment_batch_approve(batch=batch, actor=approvers[0], logged_in_at=time.time() - 301)
    assert PaymentBatch.objects.get(pk=batch.pk).status == BatchStatus.SUBMITTED
    fresh = payment_batch_approve(batch=batch, actor=approvers[0], logged_in_at=time.time() - 60)
    assert fresh.status == BatchStatus.APPROVED


def test_maker_checker_above_threshold_needs_two_distinct_approvers(make_batch, approvers, password, settings):
    settings.PAYMENTS_DUAL_APPROVAL_ABOVE = "250.00"
    batch = make_batch(3, "100.00")  # 300.00 > 250.00
    payment_batch_submit(batch=batch, actor=batch.created_by)
    first = payment_batch_approve(batch=batch, actor=approvers[0], password=password)
    assert first.status == BatchStatus.SUBMITTED
    with pytest.raises(ValidationError, match="另一位审批人"):
        payment_batch_approve(batch=batch, actor=approvers[0], password=password)
    second = payment_batch_approve(batch=batch, actor=approvers[1], password=password)
    assert second.status == BatchStatus.APPROVED
    assert PaymentApproval.objects.filter(batch=batch).count() == 2
    item = PaymentItem.objects.filter(batch=batch).select_related("member").first()
    assert (item.bank_account, item.bank_name) == (item.member.bank_account, item.member.bank_name)
    with connection.cursor() as cursor:  # frozen encrypted, like the member's own
        cursor.execute("SELECT bank_account FROM payments_paymentitem WHERE id = %s", [item.pk])
        assert item.bank_account not in cursor.fetchone()[0]


def test_batch_below_threshold_one_approval_is_enough(make_batch, approvers, password, settings):
    settings.PAYMENTS_DUAL_APPROVAL_ABOVE = "300.00"
    batch = approved(make_batch(3, "100.00"), approvers[:1], password)
    assert batch.status == BatchStatus.APPROVED


def test_items_amount_must_be_positive_with_two_places(make_batch, tree, users):
    batch = make_batch(0)
    member = make_member(tree.haidian, name="李老师")
    for bad in ("0", "-5", "1.005", "abc"):
        with pytest.raises(ValidationError):
            payment_batch_add_items(batch=batch, entries=[(member, bad)], actor=users["haidian"])
    assert PaymentItem.objects.filter(batch=batch).count() == 0
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database says so too
        PaymentItem.objects.create(batch=batch, member=member, amount=Decimal("0.00"))


def test_items_one_per_member_and_unique_bank_reference(make_batch, users):
    batch = make_batch(1)
    item = PaymentItem.objects.get(batch=batch)
    with pytest.raises(ValidationError, match="已在本批次"):
        payment_batch_add_items(batch=batch, entries=[(item.member, "1.00")], actor=users["haidian"])
    other = make_batch(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentItem.objects.filter(batch=other).update(bank_reference=item.bank_reference)
    assert PaymentBatch.objects.get(pk=batch.pk).item_count == 1


def test_items_outside_the_paying_unit_are_refused(make_batch, tree, users):
    batch = make_batch(0)
    stranger = make_member(tree.chaoyang, name="朝阳老师")
    with pytest.raises(ValidationError, match="不属于发放单位"):
        payment_batch_add_items(batch=batch, entries=[(stranger, "1.00")], actor=users["haidian"])


def test_items_of_an_approved_batch_cannot_change_through_the_service(make_batch, approvers, password, tree):
    batch = approved(make_batch(1), approvers[:1], password)
    with pytest.raises(ValidationError, match="只有草稿批次"):
        payment_batch_add_items(batch=batch, entries=[(make_member(tree.haidian, name="新"), "1")],
                                actor=batch.created_by)


@on_postgresql
def test_trigger_refuses_raw_changes_to_an_approved_batchs_items(make_batch, approvers, password, tree):
    batch = approved(make_batch(2), approvers[:1], password)
    item = PaymentItem.objects.filter(batch=batch).first()
    statements = [
        ("UPDATE payments_paymentitem SET amount = 1 WHERE id = %s", [item.pk]),
        ("UPDATE payments_paymentitem SET bank_account = 'x' WHERE id = %s", [item.pk]),
        ("DELETE FROM payments_paymentitem WHERE id = %s", [item.pk]),
        ("INSERT INTO payments_paymentitem (batch_id, member_id, amount, bank_name, bank_account, bank_reference,"
         " status, failure_reason, updated_at) VALUES (%s, %s, 5, '', '', gen_random_uuid(), 'pending', '', now())",
         [batch.pk, make_member(tree.haidian, name="插入").pk]),
    ]
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert PaymentItem.objects.get(pk=item.pk).amount == Decimal("100.00")
    assert PaymentItem.objects.filter(batch=batch).count() == 2
    # the disbursement's own columns still move
    PaymentItem.objects.filter(pk=item.pk).update(status=ItemStatus.SENT)


def test_batch_from_members_fixed_amount_and_by_category(tree, users):
    actor = users["haidian"]
    a = make_member(tree.haidian, name="在编", employment_type=EmploymentType.PERMANENT)
    b = make_member(tree.haidian, name="非在编", employment_type=EmploymentType.NON_PERMANENT)
    make_member(tree.chaoyang, name="外单位")
    fixed = payment_batch_create(organization=tree.haidian, title="慰问", purpose="festival_condolence", actor=actor)
    assert payment_batch_from_members(batch=fixed, members=Member.objects.all(), amount="200", actor=actor) == 2
    assert (fixed.item_count, fixed.total_amount) == (2, Decimal("400.00"))
    by_kind = payment_batch_create(organization=tree.haidian, title="慰问", purpose="festival_condolence", actor=actor)
    payment_batch_from_members(batch=by_kind, members=Member.objects.all(), actor=actor, amount_by_category={
        EmploymentType.PERMANENT: "300", EmploymentType.NON_PERMANENT: "150.50"})
    amounts = dict(PaymentItem.objects.filter(batch=by_kind).values_list("member_id", "amount"))
    assert amounts == {a.pk: Decimal("300.00"), b.pk: Decimal("150.50")}


def test_batch_from_members_is_one_insert_under_the_engines_rules(tree, users):
    """The set-based fill: one item per member with its own bank reference, totals recounted,
    audited with count and sum; a member already in the batch, a query repeating a member or a
    batch no longer a draft are refused and change nothing."""
    actor = users["haidian"]
    make_member(tree.haidian, name="甲")
    b = make_member(tree.haidian, name="乙")
    batch = payment_batch_create(organization=tree.haidian, title="慰问", purpose="condolence", actor=actor)
    assert payment_batch_from_members(batch=batch, members=Member.objects.all(), amount="88.50", actor=actor) == 2
    items = list(PaymentItem.objects.filter(batch=batch))
    assert len({i.bank_reference for i in items}) == 2
    if connection.vendor == "postgresql":
        assert {i.bank_reference.version for i in items} == {4}
    assert {(i.status, i.bank_account, i.failure_reason) for i in items} == {(ItemStatus.PENDING, "", "")}
    assert (batch.item_count, batch.total_amount) == (2, Decimal("177.00"))
    entry = AuditLog.objects.filter(action="payment_batch.add_items").latest("id")
    assert entry.data == {"count": 2, "sum": "177.00"}
    with pytest.raises(ValidationError) as err:  # already in the batch
        payment_batch_from_members(batch=batch, members=Member.objects.filter(pk=b.pk), amount="1", actor=actor)
    assert "已在本批次中" in str(err.value)
    other = payment_batch_create(organization=tree.haidian, title="慰问二", purpose="condolence", actor=actor)
    repeating = Member.objects.filter(payment_items__amount__gt=0)  # one row per item: 乙 twice after this
    payment_batch_add_items(batch=other, entries=[(b, "10")], actor=actor)
    third = payment_batch_create(organization=tree.haidian, title="慰问三", purpose="condolence", actor=actor)
    with pytest.raises(ValidationError) as err:
        payment_batch_from_members(batch=third, members=repeating, amount="1", actor=actor)
    assert "会员 乙 重复" in str(err.value)
    assert not PaymentItem.objects.filter(batch=third).exists()
    payment_batch_submit(batch=batch, actor=actor)
    with pytest.raises(ValidationError) as err:
        payment_batch_from_members(batch=batch, members=Member.objects.all(), amount="1", actor=actor)
    assert "只有草稿批次可以修改明细" in str(err.value)
    batch.refresh_from_db()
    assert (batch.item_count, batch.total_amount) == (2, Decimal("177.00"))


def test_transfer_file_and_return_file_reconcile(make_batch, approvers, password):
    batch = approved(make_batch(3), approvers[:1], password)
    PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DISBURSING)  # as the job would
    batch.refresh_from_db()
    items = list(PaymentItem.objects.filter(batch=batch).order_by("id"))
    out = io.StringIO()
    write_transfer_csv(batch, out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("银行流水参考号") and len(lines) == 4
    assert lines[1].startswith(f"{items[0].bank_reference},会员0,") and lines[1].endswith(",100.00,节日慰问")
    xlsx = io.BytesIO()
    write_transfer_xlsx(batch, xlsx)
    assert xlsx.getvalue()[:2] == b"PK"

    returned = "\n".join([
        "参考号,结果,原因,金额",
        f"{items[0].bank_reference},成功,,100.00",
        f"{items[1].bank_reference},失败,户名不符,100.00",
        f"{items[2].bank_reference},成功,,99.00",
        "00000000-0000-0000-0000-000000000000,成功,,1",
        f"{items[0].bank_reference},成功,,100.00",
    ]).encode()
    report = payment_batch_import_return_file(batch=batch, name="back.csv", data=returned, actor=batch.created_by)
    assert (report["paid"], report["failed"], report["already"]) == (1, 1, 1)
    assert [u["line"] for u in report["unmatched"]] == [4, 5]
    assert "金额不符" in report["unmatched"][0]["problem"]
    statuses = list(PaymentItem.objects.filter(batch=batch).order_by("id").values_list("status", "failure_reason"))
    assert statuses == [("paid", ""), ("failed", "户名不符"), ("pending", "")]
    assert PaymentBatch.objects.get(pk=batch.pk).status == BatchStatus.DISBURSING
    assert read_return_file("x.csv", b"a,b\n\n").lines == []
