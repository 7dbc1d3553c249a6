"""The admin: buttons only where allowed, each a service call; approval re-asks the password."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from apps.payments.enums import BatchStatus
from apps.payments.models import PaymentBatch
from tests.payments.test_api import client_for

pytestmark = pytest.mark.django_db


def page(batch, view="change"):
    return reverse(f"admin:payments_paymentbatch_{view}", args=[batch.pk])


def form_post(client, url, data=None):
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def status_of(batch):
    with scopes_disabled():
        return PaymentBatch.objects.get(pk=batch.pk).status


def test_admin_maker_submits_and_checker_approves_with_password(make_batch, users, approvers, password):
    batch = make_batch(2)
    maker = client_for(users["haidian"])
    body = maker.get(page(batch)).content.decode()
    assert page(batch, "submit") in body and page(batch, "approve") not in body
    assert maker.get(page(batch, "approve")).status_code == 403
    assert form_post(maker, page(batch, "submit")).status_code == 302
    assert status_of(batch) == BatchStatus.SUBMITTED

    checker = client_for(approvers[0], login_age=600)
    body = checker.get(page(batch)).content.decode()
    assert page(batch, "approve") in body and page(batch, "submit") not in body
    assert 'type="password"' in checker.get(page(batch, "approve")).content.decode()
    wrong = form_post(checker, page(batch, "approve"), {"password": "wrong"})
    assert wrong.status_code == 200 and "重新输入密码" in wrong.content.decode()
    assert status_of(batch) == BatchStatus.SUBMITTED
    assert form_post(checker, page(batch, "approve"), {"password": password}).status_code == 302
    assert status_of(batch) == BatchStatus.APPROVED

    # The transfer file holds the full accounts: only for a holder of the reveal permission
    # (not the approver), a POST with a reason, audited.
    body = checker.get(page(batch)).content.decode()
    assert page(batch, "transfer_csv") not in body
    assert checker.get(page(batch, "transfer_csv")).status_code == 403
    unit_admin = client_for(users["haidian"])
    assert page(batch, "transfer_csv") in unit_admin.get(page(batch)).content.decode()
    ask = unit_admin.get(page(batch, "transfer_csv"))
    assert ask.status_code == 200 and "attachment" not in ask.get("Content-Disposition", "")
    without = form_post(unit_admin, page(batch, "transfer_csv"))
    assert "attachment" not in without.get("Content-Disposition", "")
    download = form_post(unit_admin, page(batch, "transfer_csv"), {"reason": "报送银行"})
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert "银行流水参考号" in download.content.decode("utf-8-sig")
    with scopes_disabled():
        [entry] = AuditLog.objects.filter(action="payment_batch.transfer_file")
    assert entry.data["reason"] == "报送银行" and entry.actor == users["haidian"]


def test_admin_other_unit_gets_404_on_every_button(make_batch, users):
    batch = make_batch(1)
    outsider = client_for(users["chaoyang"])
    for view in ("change", "submit", "cancel", "transfer_xlsx"):
        assert outsider.get(page(batch, view)).status_code == 404, view
    assert form_post(outsider, page(batch, "submit")).status_code == 404
    assert status_of(batch) == BatchStatus.DRAFT


def test_admin_batch_page_shows_a_live_progress_bar(make_batch, users, approvers, password):
    from apps.payments.services import payment_batch_approve, payment_batch_disburse, payment_batch_submit

    batch = make_batch(2)
    with scopes_disabled():
        payment_batch_submit(batch=batch, actor=batch.created_by)
        payment_batch_approve(batch=batch, actor=approvers[0], password=password)
        job = payment_batch_disburse(batch=batch, actor=approvers[0])
    body = client_for(users["haidian"]).get(page(batch)).content.decode()
    assert f'data-status-url="/jobs/{job.pk}/status/"' in body
    assert 'id="job-progress"' in body and "js/job-progress.js" in body
