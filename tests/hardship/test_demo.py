"""The welfare-aid demo: made through the services, the batches approved by the two demo
approvers and paid through the engine; a re-run changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.accounts.demo import seed_users
from apps.core.scoping import scopes_disabled
from apps.hardship import demo as hardship_demo
from apps.hardship.models import AidApplication, FundEntry, HardshipFile, LoveFund
from apps.members.demo import seed_members
from apps.mutual_aid import demo as mutual_aid_demo
from apps.mutual_aid.models import Claim, Enrolment
from apps.organizations.demo import seed_organizations
from apps.payments.models import PaymentApproval, PaymentBatch

pytestmark = pytest.mark.django_db(transaction=True)  # the demo pays outside the seed's transaction


def _state():
    with scopes_disabled():
        return (Enrolment.objects.count(), Claim.objects.count(), HardshipFile.objects.count(),
                AidApplication.objects.count(), FundEntry.objects.count(), PaymentBatch.objects.count(),
                list(LoveFund.objects.values_list("balance", flat=True)))


def test_demo_pays_through_the_engine_and_reruns_change_nothing():
    seed_organizations()
    seed_users()
    seed_members(0)
    assert mutual_aid_demo.demo_seeder({}) and hardship_demo.demo_seeder({})
    assert mutual_aid_demo.demo_pay_seeder({}) and hardship_demo.demo_pay_seeder({})
    with scopes_disabled():
        claims = Claim.objects.filter(diagnosis__startswith=mutual_aid_demo.TAG)
        assert claims.count() == 5 and set(claims.values_list("status", flat=True)) == {"paying"}
        assert claims.get(days=70).amount == Decimal("3000.00")  # capped by the plan's yearly cap
        applications = AidApplication.objects.filter(reason__startswith=hardship_demo.TAG)
        assert sorted(applications.values_list("status", flat=True)) == ["paying"] * 4 + ["rejected"]
        batch_ids = mutual_aid_demo.demo_batch_ids() + hardship_demo.demo_batch_ids()
        batches = PaymentBatch.objects.filter(pk__in=batch_ids)
        assert batches.count() == 9 and set(batches.values_list("status", flat=True)) == {"completed"}
        for batch in batches:  # maker–checker: approved by someone other than its maker
            approvers = set(PaymentApproval.objects.filter(batch=batch).values_list("approver__username", flat=True))
            assert approvers and batch.created_by.username not in approvers
        fund = LoveFund.objects.get()
        assert fund.balance == Decimal("178000.00") - Decimal("12500.00") == fund.donations_total - fund.grants_total
        assert HardshipFile.objects.filter(status="closed").count() == 1
    before = _state()
    assert mutual_aid_demo.demo_seeder({}) == [] and hardship_demo.demo_seeder({}) == []
    assert mutual_aid_demo.demo_pay_seeder({}) == [] and hardship_demo.demo_pay_seeder({}) == []
    assert _state() == before
