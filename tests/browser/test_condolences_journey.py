"""冬送温暖 in the browser: a 海淀 clerk creates the campaign for the front-line staff in the
admin, previews who is left out and why (the yearly cap already reached, no bank account),
generates the batch and submits it; a payment approver (a second person) approves and
disburses; a real Celery worker pays it, once. The console stays clean (CSP included)."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.accounts.enums import Role
from apps.condolences.campaigns import campaign_create, campaign_generate
from apps.condolences.models import Campaign
from apps.condolences.policies import policy_create
from apps.core.scoping import scope, scopes_disabled
from apps.payments.enums import BatchStatus
from apps.payments.models import PaymentBatch, PaymentItem
from tests.browser.test_payments_dual_approval import log_in, press
from tests.conftest import wait_for
from tests.factories.members import make_member
from tests.factories.orgs import PASSWORD, make_user

pytestmark = [pytest.mark.worker]


def test_clerk_runs_winter_warmth_and_it_is_paid_once(live_server, new_page, tree, celery_worker):
    clerk = make_user("t_ww_clerk", tree.haidian, Role.UNIT_CLERK, password=PASSWORD)
    approver = make_user("t_ww_approver", tree.root, Role.PAYMENT_APPROVER, password=PASSWORD)
    city = make_user("t_ww_city", tree.root, Role.MUNICIPAL_ADMIN, password=PASSWORD)
    with scopes_disabled():
        policy_create(actor=city, kind="winter_warmth", valid_from=dt.date(2025, 1, 1), amount="300",
                      amount_front_line="500", cap_per_occasion="500", cap_per_year="500")
        paid_before = make_member(tree.haidian, name="已慰问", post="数学教师")
        fresh = [make_member(tree.haidian, name=f"一线{i}", post="语文教师") for i in range(2)]
        make_member(tree.haidian, name="缺账号", post="护士", bank_account="")
    with scope(paths=[tree.root.path]):  # the municipal union already reached one of them this year
        earlier = campaign_create(kind="winter_warmth", title="市级冬送温暖", date=dt.date(2025, 11, 20),
                                  organization=tree.root, target={"units": ["D-HAIDIAN"], "posts": ["数学教师"]},
                                  actor=city)
        campaign_generate(campaign=earlier, actor=city)
    page = new_page()
    base = live_server.url

    log_in(page, base, clerk.username)
    page.goto(f"{base}/admin/condolences/campaign/add/")
    page.select_option("#id_kind", "winter_warmth")
    page.fill("#id_title", "海淀区2025年冬送温暖")
    page.fill("#id_date", "2025-12-10")
    page.select_option("#id_organization", label=tree.haidian.name)
    page.fill("#id_target", '{"front_line": true}')
    with page.expect_navigation():
        page.locator("input[name=_save], button[name=_save]").first.click()
    with scopes_disabled():
        campaign = Campaign.objects.get(title="海淀区2025年冬送温暖")
    page.goto(f"{base}/admin/condolences/campaign/{campaign.pk}/generate/")
    assert page.locator("#preview-count").inner_text() == "2"
    assert page.locator("#preview-sum").inner_text() == "1000.00"
    excluded = page.locator("#excluded").inner_text()
    assert "已慰问" in excluded and "已达「冬送温暖」2025 年度次数上限" in excluded
    assert "缺账号" in excluded and "无银行账号，不能发放慰问金" in excluded
    with page.expect_navigation():
        page.click("#generate")
    with scopes_disabled():
        campaign.refresh_from_db()
        batch = PaymentBatch.objects.get(pk=campaign.batch_id)
    assert batch.created_by == clerk and batch.item_count == 2
    press(page, base, batch, "submit")

    log_in(page, base, approver.username)
    press(page, base, batch, "approve")
    press(page, base, batch, "disburse")
    wait_for(lambda: PaymentBatch._base_manager.get(pk=batch.pk).status == BatchStatus.COMPLETED, timeout=120)
    with scopes_disabled():
        paid = PaymentItem.objects.filter(batch=batch, status="paid")
        assert sorted(paid.values_list("member__name", flat=True)) == ["一线0", "一线1"]
        assert PaymentItem.objects.filter(member=paid_before, batch__source_id=str(campaign.pk)).count() == 0
        assert PaymentItem.objects.filter(member__in=fresh).count() == 2  # once each, never twice
    assert page.log.problems() == [], page.log.summary(page.log.problems())
