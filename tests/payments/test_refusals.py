"""Refusals say why, and buttons that cannot be used are not offered: the batch page is read-only
(no 保存), the approve button is hidden from the creator and from an approver who already signed,
with the reason on the page; the approve URL answers 403 with that reason; the API names the role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.core.scoping import scopes_disabled
from apps.payments.enums import BatchStatus
from apps.payments.services import payment_batch_submit
from tests.payments.test_api import client_for, post

pytestmark = pytest.mark.django_db


def page(batch, view="change"):
    return reverse(f"admin:payments_paymentbatch_{view}", args=[batch.pk])


def test_creator_sees_why_and_no_approve_button(make_batch, users, approvers):
    batch = make_batch(2, actor=users["municipal"])
    with scopes_disabled():
        payment_batch_submit(batch=batch, actor=users["municipal"])
    creator = client_for(users["municipal"])
    body = creator.get(page(batch)).content.decode()
    assert page(batch, "approve") not in body
    assert "创建人不能审批本批次" in body and 'name="_save"' not in body and 'name="_continue"' not in body
    refused = creator.get(page(batch, "approve"))
    assert refused.status_code == 403 and "创建人不能审批本批次" in refused.content.decode()
    assert page(batch, "approve") in client_for(approvers[0]).get(page(batch)).content.decode()


def test_dual_approval_asks_for_a_second_approver(make_batch, users, approvers, password, settings):
    settings.PAYMENTS_DUAL_APPROVAL_ABOVE = "150.00"
    batch = make_batch(2, amount="100.00")  # 200.00 > 150.00: two approvers
    with scopes_disabled():
        payment_batch_submit(batch=batch, actor=users["haidian"])
    first = client_for(approvers[0])
    form = first.post(page(batch, "approve"), {"password": password,
                                               "csrfmiddlewaretoken": first.cookies["csrftoken"].value})
    assert form.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUBMITTED
    body = first.get(page(batch)).content.decode()
    assert "需要 2 位审批人，已审批 1 位" in body and "需要第二位审批人" in body
    assert page(batch, "approve") not in body
    again = first.get(page(batch, "approve"))
    assert again.status_code == 403 and "需要第二位审批人" in again.content.decode()
    second = client_for(approvers[1])
    assert page(batch, "approve") in second.get(page(batch)).content.decode()


def test_maker_page_has_no_save_buttons_and_api_names_the_role(make_batch, users):
    batch = make_batch(1)
    maker = client_for(users["haidian"])
    body = maker.get(page(batch)).content.decode()
    assert page(batch, "submit") in body and 'name="_save"' not in body
    refused = post(maker, f"/api/v1/payment-batches/{batch.pk}/approve/")
    assert refused.status_code == 403 and "单位管理员" in refused.json()["detail"]


def test_every_refused_button_url_says_why(make_batch, users, approvers):
    """Not only approve: submit, cancel, disburse, the return file and the re-issue answer a
    403 that names the rule (the role, or the states the action needs) and change nothing."""
    batch = make_batch(1)  # a draft of 海淀
    maker = client_for(users["haidian"])
    refused = maker.get(page(batch, "disburse"))
    assert refused.status_code == 403
    assert "批次状态为「草稿」，只有「已审批」的批次可以发放" in refused.content.decode()
    refused = maker.get(page(batch, "reissue"))
    assert refused.status_code == 403 and "只有「部分失败」的批次可以重新发放失败项" in refused.content.decode()
    with scopes_disabled():
        payment_batch_submit(batch=batch, actor=users["haidian"])
    refused = maker.get(page(batch, "submit"))
    assert refused.status_code == 403 and "批次状态为「待审批」" in refused.content.decode()
    approver = client_for(approvers[0])
    refused = approver.get(page(batch, "cancel"))
    assert refused.status_code == 403 and "撤销需要单位管理员或经办人" in refused.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SUBMITTED
    # the maker may still cancel it: that button is offered on the page
    assert page(batch, "cancel") in maker.get(page(batch)).content.decode()
