"""The demo's condolence campaigns: made through the services, paid through the engine by two
approvers, and idempotent (a second seed_demo changes nothing)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.condolences.models import Campaign, Grant, Occasion
from apps.core.scoping import scopes_disabled
from apps.payments.enums import BatchStatus
from apps.payments.models import PaymentApproval, PaymentBatch

pytestmark = pytest.mark.django_db(transaction=True)


def state() -> dict:
    with scopes_disabled():
        return {
            "campaigns": sorted(Campaign.objects.values_list("title", "status", "batch_id")),
            "grants": Grant.objects.count(),
            "batches": sorted(PaymentBatch.objects.values_list("pk", "status")),
            "occasions": list(Occasion.objects.values_list("status", flat=True)),
        }


def test_the_reports_campaigns_are_seeded_paid_and_idempotent():
    call_command("seed_demo", members=1000)
    first = state()
    call_command("seed_demo", members=1000)
    assert state() == first
    with scopes_disabled():
        generated = Campaign.objects.filter(status="generated")
        assert generated.count() == 4, first["campaigns"]
        cash = list(generated.filter(batch__isnull=False))
        assert {c.kind for c in cash} == {"spring_festival"}  # 两节送温暖 and the retirees' festival money
        for campaign in cash:
            assert campaign.batch.status == BatchStatus.COMPLETED
            assert PaymentApproval.objects.filter(batch=campaign.batch).exclude(
                approver=campaign.batch.created_by).exists()
        retirees = generated.get(title__contains="退休")
        assert retirees.summary["count"] > 0 and all(c["category"] == "退休教职工" for c in retirees.summary["by_category"])
        all_staff = generated.get(kind="all_staff")
        assert all_staff.distributions.count() == 4
        assert not Grant.objects.filter(campaign=all_staff, received_at__isnull=True).exists()
        assert first["occasions"] == ["approved"]
