"""Maker–checker in the browser, on a desktop and a phone: a 海淀 clerk submits a batch above the
dual-approval threshold; the clerk has no approve button; approver 1 approves and is told a second
approver is needed; approver 2 approves and starts the disbursement; a real Celery worker pays it
and the batch page shows 已完成. The console stays clean (CSP included)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.payments.enums import BatchPurpose, BatchStatus
from apps.payments.models import PaymentBatch
from apps.payments.services import payment_batch_add_items, payment_batch_create
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import wait_for
from tests.factories.members import make_member
from tests.factories.orgs import PASSWORD, make_user

pytestmark = [pytest.mark.worker]


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def press(page, base, batch, action):
    """Open the batch page, follow its action button, confirm on the action's page."""
    page.goto(f"{base}/admin/payments/paymentbatch/{batch.pk}/change/")
    link = page.locator(f"a[href$='/paymentbatch/{batch.pk}/{action}/']").first
    if not link.is_visible():  # on a phone the admin theme folds the page's actions under "⋯"
        page.get_by_text("more_horiz", exact=True).first.click()
    link.scroll_into_view_if_needed()
    with page.expect_navigation():
        link.click()
    with page.expect_navigation():
        page.locator("#content form button[type=submit], main form button[type=submit]").last.click()


def status(batch) -> str:
    with scopes_disabled():
        return PaymentBatch.objects.get(pk=batch.pk).status


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_batch_above_threshold_needs_two_approvers_then_is_paid(live_server, new_page, tree, celery_worker, viewport):
    clerk = make_user("t_pay_clerk", tree.haidian, Role.UNIT_CLERK, password=PASSWORD)
    approvers = [make_user(f"t_pay_approver{n}", tree.root, Role.PAYMENT_APPROVER, password=PASSWORD) for n in (1, 2)]
    amount = (Decimal(str(settings.PAYMENTS_DUAL_APPROVAL_ABOVE)) / 2).quantize(Decimal("0.01"))
    with scopes_disabled():
        batch = payment_batch_create(organization=tree.haidian, title="2026 春节慰问（大额）",
                                     purpose=BatchPurpose.FESTIVAL_CONDOLENCE, actor=clerk)
        members = [make_member(tree.haidian, name=f"教职工{i}", bank_account=f"62220202009{i:08d}")
                   for i in range(3)]
        payment_batch_add_items(batch=batch, entries=[(m, amount) for m in members], actor=clerk)
    page = new_page(viewport=viewport)
    base = live_server.url

    log_in(page, base, clerk.username)
    body = page.goto(f"{base}/admin/payments/paymentbatch/{batch.pk}/change/")
    assert body.status == 200
    assert page.locator("input[name=_save]").count() == 0  # a read-only page offers no 保存
    press(page, base, batch, "submit")
    assert status(batch) == BatchStatus.SUBMITTED
    page.goto(f"{base}/admin/payments/paymentbatch/{batch.pk}/change/")
    assert page.locator(f"a[href$='/paymentbatch/{batch.pk}/approve/']").count() == 0
    assert "审批需要支付审批人或市级管理员" in page.content()

    log_in(page, base, approvers[0].username)
    press(page, base, batch, "approve")
    assert status(batch) == BatchStatus.SUBMITTED
    page.goto(f"{base}/admin/payments/paymentbatch/{batch.pk}/change/")
    assert page.locator("[data-refusal=approve]").inner_text() == "您已审批本批次，需要第二位审批人。"
    assert page.locator(f"a[href$='/paymentbatch/{batch.pk}/approve/']").count() == 0

    log_in(page, base, approvers[1].username)
    press(page, base, batch, "approve")
    assert status(batch) == BatchStatus.APPROVED
    press(page, base, batch, "disburse")
    wait_for(lambda: status(batch) == BatchStatus.COMPLETED, timeout=120)
    page.goto(f"{base}/admin/payments/paymentbatch/{batch.pk}/change/")
    assert "已完成" in page.content()
    page.wait_for_function("document.querySelector('[data-job-field=\"paid\"]').textContent === '3'")
    assert page.log.problems() == [], page.log.summary(page.log.problems())
