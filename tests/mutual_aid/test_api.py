"""The mutual-aid API: enrol by query, the not-enrolled refusal beside the field, the Excel
list's row/column errors, a claim approved by tiers and paid through a batch."""

from __future__ import annotations

import json

import pytest

from apps.core.scoping import scopes_disabled
from apps.payments.models import PaymentBatch
from tests.conftest import login
from tests.factories.members import make_member, new_id_number
from tests.members.sheets import xlsx_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1/welfare/mutual-aid/"


def post(client, url, data):
    client.get("/")  # the CSRF cookie (session-authenticated API calls are CSRF-checked)
    return client.post(url, data=json.dumps(data), content_type="application/json",
                       HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


def test_not_enrolled_is_refused_beside_the_member_field(tree, users):
    member = make_member(tree.haidian, name="未参保者")
    response = post(login(users["haidian"]), f"{API}claims/", {
        "member": member.pk, "plan": "hospital", "event_date": "2026-04-01", "days": 5, "diagnosis": "骨折"})
    assert response.status_code == 400
    assert "未参加 2026 年度“住院医疗互助”" in json.dumps(response.json(), ensure_ascii=False)
    assert "member" in json.dumps(response.json())


def test_enrol_claim_approve_and_pay(tree, users):
    member = make_member(tree.haidian, name="参保者")
    client = login(users["haidian"])
    enrolled = post(client, f"{API}enrolments/", {"plan": "hospital", "year": 2026, "unit": tree.haidian.code})
    assert enrolled.status_code == 201 and enrolled.json() == {"enrolled": 1}
    assert post(client, f"{API}enrolments/", {"plan": "hospital", "year": 2026,
                                              "unit": tree.haidian.code}).json() == {"enrolled": 0}
    claim = post(client, f"{API}claims/", {"member": member.pk, "plan": "hospital", "event_date": "2026-04-01",
                                           "days": 12, "diagnosis": "肺炎"}).json()
    assert (claim["computed_amount"], claim["amount"]) == ("600.00", "600.00")
    url = f"{API}claims/{claim['id']}/transition/"
    assert post(client, url, {"action": "unit_approve"}).json()["status"] == "approved"
    paid = post(client, url, {"action": "pay"}).json()
    with scopes_disabled():
        batch = PaymentBatch.objects.get(pk=paid["batch"])
    assert batch.purpose == "mutual_aid" and batch.status == "submitted" and str(batch.total_amount) == "600.00"
    # another unit's claim is a 404
    assert login(users["chaoyang"]).get(f"{API}claims/{claim['id']}/").status_code == 404


def test_import_reports_rows_and_columns_and_writes_nothing(tree, users):
    make_member(tree.haidian, name="名单甲", id_number=(first := new_id_number()))
    rows = [{"姓名": "名单甲", "身份证号": first}, {"姓名": "查无此人", "身份证号": new_id_number()},
            {"姓名": "格式错", "身份证号": "123"}]
    client = login(users["haidian"])

    def upload(sheet_rows):
        data = xlsx_bytes(sheet_rows, headers=["姓名", "身份证号"], sheet="参保名单")
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.get("/")
        return client.post(f"{API}enrolments/import/", {
            "file": SimpleUploadedFile("名单.xlsx", data), "plan": "accident", "year": 2026,
            "unit": tree.haidian.code}, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)

    bad = upload(rows)
    assert bad.status_code == 400
    errors = {(e["row"], e["column"]) for e in bad.json()["errors"]}
    assert errors == {(3, "身份证号"), (4, "身份证号")}
    assert client.get(f"{API}enrolments/").json()["results"] == []
    good = upload(rows[:1])
    assert good.status_code == 200 and good.json()["created"] == 1
