"""/api/v1/payment-batches/: the whole four-eyes journey, scoped and permission-checked."""

from __future__ import annotations

import datetime as dt
import io
import json
import time

import pytest
from django.test import Client

from apps.accounts.middleware import LOGIN_AT
from apps.core.scoping import scopes_disabled
from apps.payments.enums import BatchStatus
from apps.payments.models import PaymentBatch, PaymentItem
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db


def client_for(user, *, login_age: float = 0) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    session = client.session
    session[LOGIN_AT] = time.time() - login_age
    session.save()
    client.get("/")
    return client


def post(client: Client, url: str, payload: dict | None = None, **extra):
    return client.post(url, data=json.dumps(payload or {}), content_type="application/json",
                       HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value, **extra)


def test_api_batch_journey_maker_then_checker(tree, users, approvers, password):
    maker = client_for(users["haidian"])
    a = make_member(tree.haidian, name="甲")
    b = make_member(tree.haidian, name="乙", teaching_since=dt.date(1990, 9, 1))
    created = post(maker, "/api/v1/payment-batches/", {"title": "从教三十年慰问", "purpose": "festival_condolence"})
    assert created.status_code == 201, created.content
    batch = created.json()
    assert (batch["organization"], batch["status"], batch["created_by"]) == ("D-HAIDIAN", "draft", "t_haidian")
    url = f"/api/v1/payment-batches/{batch['id']}/"

    by_query = post(maker, url + "items/", {"members": {"teaching_years_at_least": 30}, "amount": "300.00"})
    assert by_query.status_code == 201, by_query.content
    assert (by_query.json()["item_count"], by_query.json()["total_amount"]) == (1, "300.00")
    added = post(maker, url + "items/", {"items": [{"member": a.pk, "amount": "120.50"}]})
    assert added.json()["total_amount"] == "420.50"
    twice = post(maker, url + "items/", {"items": [{"member": b.pk, "amount": "1"}]})
    assert twice.status_code == 400 and "已在本批次" in twice.content.decode()
    listed = maker.get(url + "items/").json()["results"]
    assert {row["member_name"] for row in listed} == {"甲", "乙"}
    assert all("*" in row["bank_account"] for row in listed)  # masked

    assert post(maker, url + "approve/").status_code == 403  # a maker holds no approve permission
    assert post(maker, url + "submit/").json()["status"] == "submitted"

    stale = client_for(approvers[0], login_age=600)
    refused = post(stale, url + "approve/", {"password": "nope"})
    assert refused.status_code == 403 and "重新输入密码" in refused.json()["detail"]
    assert post(stale, url + "approve/", {"password": password}).json()["status"] == "approved"
    assert post(maker, url + "cancel/").status_code == 400  # an approved batch cannot be cancelled

    started = post(maker, url + "disburse/")
    assert started.status_code == 202 and started.json()["status"] == "disbursing"
    assert started.json()["progress"]["status"] == "queued"
    again = post(maker, url + "disburse/")
    assert again.json()["job"] == started.json()["job"]


def test_api_return_file_reconciles(tree, users, approvers, make_batch, password):
    batch = make_batch(2)
    with scopes_disabled():
        from apps.payments.services import payment_batch_approve, payment_batch_submit

        payment_batch_submit(batch=batch, actor=batch.created_by)
        payment_batch_approve(batch=batch, actor=approvers[0], password=password)
        PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DISBURSING)
        refs = [str(r) for r in PaymentItem.objects.filter(batch=batch).values_list("bank_reference", flat=True)]
    client = client_for(approvers[0])
    upload = io.BytesIO(f"参考号,结果,原因\n{refs[0]},成功,\n{refs[1]},失败,账户冻结\nabc,成功,\n".encode())
    upload.name = "return.csv"
    response = client.post(f"/api/v1/payment-batches/{batch.pk}/return-file/", {"file": upload},
                           HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["paid"], report["failed"], len(report["unmatched"])) == (1, 1, 1)
    with scopes_disabled():
        assert PaymentBatch.objects.get(pk=batch.pk).status == BatchStatus.COMPLETED_WITH_FAILURES


def test_api_other_units_batches_are_404(tree, users, make_batch):
    batch = make_batch(1)
    outsider = client_for(users["chaoyang"])
    assert f'"id":{batch.pk},' not in outsider.get("/api/v1/payment-batches/").content.decode()
    assert outsider.get(f"/api/v1/payment-batches/{batch.pk}/").status_code == 404
    assert post(outsider, f"/api/v1/payment-batches/{batch.pk}/submit/").status_code == 404
    assert client_for(users["teacher"]).get("/api/v1/payment-batches/").status_code == 403
    with scopes_disabled():
        assert PaymentBatch.objects.get(pk=batch.pk).status == BatchStatus.DRAFT
