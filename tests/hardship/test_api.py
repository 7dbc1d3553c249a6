"""The hardship API: scoping (another unit's file is a 404), every detail read audited, lists
masked, errors beside the field, donations with receipts, the whole way to a paid grant."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from apps.hardship.models import FundEntry
from apps.hardship.selectors import my_aid
from apps.payments.disbursement import payment_batch_disburse_now
from apps.payments.models import PaymentBatch, PaymentItem
from apps.payments.services import payment_batch_approve
from apps.accounts.enums import Role
from tests.competitions.factories import make_teacher
from tests.conftest import login
from tests.factories.members import make_member
from tests.factories.orgs import PASSWORD, make_user
from tests.hardship.factories import make_file, make_fund

pytestmark = pytest.mark.django_db
API = "/api/v1/welfare/"


def post(client, url, data):
    client.get("/")  # the CSRF cookie (session-authenticated API calls are CSRF-checked)
    return client.post(url, data=json.dumps(data), content_type="application/json",
                       HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


def reads(file) -> int:
    with scopes_disabled():
        return AuditLog.objects.filter(action="hardship.file_read", object_id=str(file.pk)).count()


def test_another_units_file_is_404_and_every_detail_read_is_audited(tree, users):
    file = make_file(make_member(tree.chaoyang, name="欧阳明月"))
    url = f"{API}hardship/files/{file.pk}/"
    assert login(users["haidian"]).get(url).status_code == 404
    assert reads(file) == 0
    owner = login(users["chaoyang"])
    listing = owner.get(f"{API}hardship/files/").json()["results"]
    assert listing[0]["member_name"] == "欧**月" and "causes" not in listing[0]
    for expected in (1, 2):
        body = owner.get(url).json()
        assert body["member_name"] == "欧阳明月" and body["causes"] == "本人重病，子女上学"
        assert reads(file) == expected


def test_submit_refuses_a_duplicate_beside_the_field(tree, users):
    make_fund(tree)
    member = make_member(tree.haidian, name="重复者")
    client = login(users["haidian"])
    payload = {"member": member.pk, "kind": "medical", "amount": "1000", "reason": "住院",
               "applied_on": "2026-03-01"}
    assert post(client, f"{API}hardship/applications/", payload).status_code == 201
    response = post(client, f"{API}hardship/applications/", {**payload, "applied_on": "2026-09-01"})
    assert response.status_code == 400
    assert "同一类型每期只能帮扶一次" in json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.django_db(transaction=True)  # the bank is outside the portal: disbursement runs outside a transaction
def test_donation_receipt_and_a_grant_paid_once_through_the_engine(tree, users):
    fund = make_fund(tree, balance="0")
    municipal = login(users["municipal"])
    response = post(municipal, f"{API}love-fund/funds/{fund.pk}/donate/",
                    {"amount": "5000", "donor_kind": "person", "donor_name": "捐赠人甲", "on_date": "2026-01-10"})
    assert response.status_code == 201 and response.json()["receipt_no"].startswith(f"AX{fund.pk:03d}-2026-")
    member = make_member(tree.haidian, name="受助者")
    teacher = make_teacher(member)
    haidian = login(users["haidian"])
    created = post(haidian, f"{API}hardship/applications/", {
        "member": member.pk, "kind": "temporary", "amount": "1200", "reason": "突发困难", "fund": fund.pk,
        "applied_on": "2026-02-01"}).json()
    url = f"{API}hardship/applications/{created['id']}/transition/"
    assert post(haidian, url, {"action": "unit_approve"}).json()["status"] == "approved"
    paid = post(haidian, url, {"action": "pay"}).json()
    assert paid["status"] == "paying" and paid["batch"]
    assert post(haidian, url, {"action": "pay"}).json()["batch"] == paid["batch"]  # a double click acts once
    approver = make_user("t_approver", tree.root, Role.PAYMENT_APPROVER, password=PASSWORD)
    with scopes_disabled():
        batch = PaymentBatch.objects.get(pk=paid["batch"])
        batch = payment_batch_approve(batch=batch, actor=approver, logged_in_at=time.time())
        payment_batch_disburse_now(batch=batch, actor=approver)
    with scopes_disabled():
        assert list(PaymentItem.objects.filter(batch_id=paid["batch"]).values_list("status", "amount")) == [
            ("paid", batch.total_amount)]
        assert FundEntry.objects.get(application_id=created["id"]).balance_after == 3800
    mine = my_aid(user=teacher)
    assert [(r["kind"], r["amount"]) for r in mine] == [("临时救助", "1200.00")]
    assert login(teacher).get(f"{API}my-aid/").json()[0]["kind"] == "临时救助"
    page = login(teacher).get("/welfare/mine/").content.decode()  # the member's page 我的慰问与帮扶
    assert "帮扶与互助保障" in page and "困难帮扶：临时救助" in page and "1200.00" in page
    assert my_aid(user=users["haidian"]) == []
    assert dt.date.fromisoformat(str(mine[0]["date"])) == dt.date(2026, 2, 1)
