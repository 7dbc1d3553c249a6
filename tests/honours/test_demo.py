"""The honours demo reproduces the 2025 work report's figures, through the real services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from apps.core.scoping import scope, scopes_disabled
from apps.honours.allowance_models import AllowanceRun, AllowanceSchedule
from apps.honours.allowances import allowance_report
from apps.honours.demo import demo_batch_ids, seed_honours
from apps.honours.enums import TitleLevel
from apps.honours.models import Honour, NominationCampaign
from apps.members.models import Member
from apps.honours.selectors import honour_roll
from apps.organizations.models import Organization
from apps.core.models import AuditLog, Job
from apps.payments.services import approvals_needed
from apps.payments.models import PaymentApproval, PaymentBatch, PaymentItem, SimulatedBankTransfer

# The demo's batches are paid through the engine outside the seed's transaction (the bank is
# outside the portal): a transactional test.
pytestmark = pytest.mark.django_db(transaction=True)


def counts():
    with scopes_disabled():
        return (Honour.objects.count(), AllowanceRun.objects.count(), PaymentBatch.objects.count(),
                PaymentItem.objects.count(), SimulatedBankTransfer.objects.count(),
                sorted(PaymentBatch.objects.values_list("status", flat=True)),
                sorted(PaymentItem.objects.values_list("status", "updated_at")),
                PaymentApproval.objects.count(), Job.objects.count())


def test_seed_demo_reproduces_the_reports_honours_figures():
    call_command("seed_demo")  # the bare demo city (30 members in each demo unit): too small for the roll
    with scopes_disabled():
        assert Honour.objects.count() == 0 and AllowanceRun.objects.count() == 0
        assert AllowanceSchedule.objects.count() == 5 and NominationCampaign.objects.count() == 1
    call_command("seed_demo", members=1000)  # a city large enough for the roll: the rest is added
    with scopes_disabled():
        for code in ("U-THU", "D-HAIDIAN", "D-CHAOYANG"):  # a few model workers in each demo user's unit
            assert Honour.objects.filter(organization__code=code, member__isnull=False).count() == 5, code
    with scopes_disabled():
        root = Organization.objects.get(depth=1)
    with scope(paths=[root.path]):
        roll = honour_roll()
        assert roll.filter(title__level=TitleLevel.NATIONAL).count() == 73
        assert roll.filter(title__level=TitleLevel.MUNICIPAL).count() == 685
        assert Honour.objects.filter(member__isnull=True, year=2025).count() == 9  # model collectives
        report = allowance_report(2025)
        # the five batches went through the engine: submitted, approved by the demo payment
        # approvers (two above PAYMENTS_DUAL_APPROVAL_ABOVE, never their creator), disbursed by
        # the job and its chunks, paid
        batches = list(PaymentBatch.objects.filter(pk__in=demo_batch_ids()))
        assert len(batches) == 5 and {b.status for b in batches} == {"completed"}
        for batch in batches:
            approvers = set(PaymentApproval.objects.filter(batch=batch).values_list("approver__username", flat=True))
            wanted = {"approver1", "approver2"} if approvals_needed(batch) == 2 else {"approver1"}
            assert approvers == wanted, (batch.title, approvers)
            assert batch.created_by.username == "admin"
            assert Job.objects.get(pk=batch.job_id).status == "succeeded"
        assert sum(approvals_needed(b) == 2 for b in batches) >= 4  # the big ones needed the second approver
        items = PaymentItem.objects.filter(batch__in=batches)
        assert set(items.values_list("status", flat=True)) == {"paid"}
        transfers = SimulatedBankTransfer.objects.filter(bank_reference__in=items.values("bank_reference"))
        assert transfers.count() == items.count() == 758 * 3 + 74 * 2  # (other apps' demos pay too)
        approved = AuditLog.objects.filter(action="payment_batch.approved", object_id__in=[str(b.pk) for b in batches])
        assert set(approved.values_list("actor_username", flat=True)) <= {"approver1", "approver2"}
        assert approved.count() == 5
    assert "已到账" in report["heading"]
    groups = {g["group"]: g for g in report["groups"]}
    assert (groups["allowances"]["holders"], groups["allowances"]["sum"]) == (758, Decimal("1054000.00"))
    assert (groups["rewards"]["holders"], groups["rewards"]["sum"]) == (74, Decimal("1580000.00"))
    kinds = {row["kind"]: row["holders"] for row in report["totals_by_kind"]}
    assert kinds == {"honour_allowance": 758, "spring_festival": 758, "national_day": 758, "bonus": 74,
                     "subsidy": 74}
    # each person once per schedule and period; the rewarded 74 are on the roll too
    assert len(report["holders"]) == 758
    assert report["total"] == Decimal("2634000.00")

    before = counts()
    with scopes_disabled():
        members = Member.objects.count()
    seed_honours()  # idempotent, and never adds members
    call_command("seed_demo", members=1000)
    assert counts() == before
    with scopes_disabled():
        assert Member.objects.count() == members
