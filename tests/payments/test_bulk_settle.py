"""The batched item protocol (``pay_items``): claim a chunk, book it at the bank in one
statement, settle it in one transaction — with every kind of item a re-run can meet."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from apps.core.scoping import scopes_disabled
from apps.payments.enums import BatchStatus, ItemStatus
from apps.payments.gateway import BankFileGateway, SimulatedBank, Transfer
from apps.payments.models import PaymentBatch, PaymentItem, SimulatedBankTransfer
from apps.payments.disbursement import pay_item, pay_items, payment_items_settle
from apps.payments.services import payment_batch_approve, payment_batch_submit

# The simulated bank must be called outside any transaction: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

FAILING = "6222020200199999999"


def disbursing(make_batch, approver, password, n, **kw):
    batch = make_batch(n, **kw)
    with scopes_disabled():
        payment_batch_submit(batch=batch, actor=batch.created_by)
        batch = payment_batch_approve(batch=batch, actor=approver, password=password)
        PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DISBURSING)
        return batch, list(PaymentItem.objects.filter(batch=batch).order_by("id"))


def book(item, outcome="paid", reason=""):
    """The bank booked ``item`` already (a worker died before the portal heard back)."""
    SimulatedBankTransfer.objects.create(bank_reference=item.bank_reference, memo=str(item.pk),
                                         account_masked="****", amount=item.amount, outcome=outcome, reason=reason)


def state():
    with scopes_disabled():
        items = {i.pk: i for i in PaymentItem.objects.all()}
    ledger = {}
    for row in SimulatedBankTransfer.objects.all():
        ledger.setdefault(int(row.memo), []).append(row)
    return items, ledger


def test_a_mixed_chunk_gives_every_item_one_booking_and_the_right_state(make_batch, approvers, password, settings):
    settings.PAYMENTS_SIMBANK_FAIL_ACCOUNTS = [FAILING]
    batch, items = disbursing(make_batch, approvers[0], password, 7, accounts={5: FAILING})
    pending_a, pending_b, sent_booked_paid, sent_booked_failed, sent_unbooked, failing, paid_already = items
    with scopes_disabled():
        PaymentItem.objects.filter(pk__in=[sent_booked_paid.pk, sent_booked_failed.pk, sent_unbooked.pk]).update(
            status=ItemStatus.SENT)
        PaymentItem.objects.filter(pk=paid_already.pk).update(status=ItemStatus.PAID)
    book(sent_booked_paid)
    book(sent_booked_failed, outcome="failed", reason="银行记录的失败")  # the bank's first answer stands

    with scopes_disabled():
        settled = pay_items(item_ids=[i.pk for i in items], gateway=SimulatedBank())

    assert settled == 6
    after, ledger = state()
    expected = {
        pending_a.pk: (ItemStatus.PAID, ""),
        pending_b.pk: (ItemStatus.PAID, ""),
        sent_booked_paid.pk: (ItemStatus.PAID, ""),
        sent_booked_failed.pk: (ItemStatus.FAILED, "银行记录的失败"),
        sent_unbooked.pk: (ItemStatus.PAID, ""),
        failing.pk: (ItemStatus.FAILED, "账户状态异常（模拟）"),
        paid_already.pk: (ItemStatus.PAID, ""),
    }
    assert {pk: (i.status, i.failure_reason) for pk, i in after.items()} == expected
    # one booking per item, under the item's own reference; nothing for the item paid before
    assert sorted(ledger) == sorted(i.pk for i in items if i.pk != paid_already.pk)
    for pk, rows in ledger.items():
        assert len(rows) == 1 and rows[0].bank_reference == after[pk].bank_reference
    assert ledger[failing.pk][0].outcome == "failed"
    assert ledger[pending_a.pk][0].amount == Decimal("100.00")
    for pk in (pending_a.pk, pending_b.pk):
        assert after[pk].sent_at is not None and after[pk].settled_at is not None
    assert after[paid_already.pk].settled_at is None  # untouched

    # A re-run (the redelivered chunk, the sweeper) changes nothing.
    with scopes_disabled():
        assert pay_items(item_ids=[i.pk for i in items], gateway=SimulatedBank()) == 0
    again, ledger_again = state()
    assert {pk: (i.status, i.failure_reason, i.updated_at) for pk, i in again.items()} == {
        pk: (i.status, i.failure_reason, i.updated_at) for pk, i in after.items()}
    assert SimulatedBankTransfer.objects.count() == 6


def test_the_bank_books_a_reference_once_and_repeats_the_first_outcome(db, settings):
    settings.PAYMENTS_SIMBANK_FAIL_ACCOUNTS = [FAILING]
    bank = SimulatedBank()
    ref = uuid.uuid4()
    first = bank.transfer_many([Transfer(ref, FAILING, "工行", Decimal("1.00"), "1")])
    assert first[ref].outcome == "failed"
    settings.PAYMENTS_SIMBANK_FAIL_ACCOUNTS = []
    other = uuid.uuid4()
    second = bank.transfer_many([Transfer(ref, FAILING, "工行", Decimal("1.00"), "1"),
                                 Transfer(other, "", "工行", Decimal("2.00"), "2")])
    assert (second[ref].outcome, second[ref].reason) == ("failed", "账户状态异常（模拟）")
    assert (second[other].outcome, second[other].reason) == ("failed", "收款账号为空")
    assert SimulatedBankTransfer.objects.count() == 2
    assert bank.transfer(reference=ref, account="x", bank_name="", amount=Decimal("1.00"), memo="1").outcome == "failed"


def test_settle_touches_only_items_still_sent(make_batch, approvers, password):
    batch, items = disbursing(make_batch, approvers[0], password, 3)
    pending, sent, paid = items
    with scopes_disabled():
        PaymentItem.objects.filter(pk=sent.pk).update(status=ItemStatus.SENT)
        PaymentItem.objects.filter(pk=paid.pk).update(status=ItemStatus.PAID)
        settled = payment_items_settle(results={pending.pk: ("paid", ""), sent.pk: ("failed", "x" * 300),
                                                paid.pk: ("failed", "late")})
        rows = {i.pk: (i.status, i.failure_reason) for i in PaymentItem.objects.filter(batch=batch)}
    assert settled == 1
    assert rows == {pending.pk: ("pending", ""), sent.pk: ("failed", "x" * 200), paid.pk: ("paid", "")}
    assert payment_items_settle(results={}) == 0


def test_a_file_gateway_only_marks_items_sent(make_batch, approvers, password):
    batch, items = disbursing(make_batch, approvers[0], password, 2)
    with scopes_disabled():
        assert pay_items(item_ids=[i.pk for i in items], gateway=BankFileGateway()) == 0
        pay_item(item_id=items[0].pk, gateway=BankFileGateway())
        assert set(PaymentItem.objects.filter(batch=batch).values_list("status", flat=True)) == {"sent"}
    assert SimulatedBankTransfer.objects.count() == 0


def test_pay_item_is_the_one_item_case(make_batch, approvers, password):
    batch, items = disbursing(make_batch, approvers[0], password, 2)
    with scopes_disabled():
        pay_item(item_id=items[0].pk, gateway=SimulatedBank())
        pay_item(item_id=items[0].pk, gateway=SimulatedBank())
        rows = dict(PaymentItem.objects.filter(batch=batch).values_list("id", "status"))
    assert rows == {items[0].pk: "paid", items[1].pk: "pending"}
    assert SimulatedBankTransfer.objects.count() == 1


def test_approval_freezes_accounts_and_refuses_payees_without_one(make_batch, approvers, password):
    from django.core.exceptions import ValidationError

    batch = make_batch(12, accounts={i: "" for i in range(11)})
    with scopes_disabled():
        payment_batch_submit(batch=batch, actor=batch.created_by)
        with pytest.raises(ValidationError, match="没有银行账号，不能审批：会员0、.*等。"):
            payment_batch_approve(batch=batch, actor=approvers[0], password=password)
        assert PaymentBatch.objects.get(pk=batch.pk).status == BatchStatus.SUBMITTED
        assert set(PaymentItem.objects.filter(batch=batch).values_list("bank_account", flat=True)) == {""}

    batch = make_batch(3)
    with scopes_disabled():
        payment_batch_submit(batch=batch, actor=batch.created_by)
        payment_batch_approve(batch=batch, actor=approvers[0], password=password)
        for item in PaymentItem.objects.filter(batch=batch).select_related("member"):
            assert item.bank_account and item.bank_name
            assert (item.bank_account, item.bank_name) == (item.member.bank_account, item.member.bank_name)
