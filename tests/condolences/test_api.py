"""The welfare API end to end (a unit clerk runs a campaign, the admin approves an occasion,
a list's receipts), errors beside the fields, and the member's own page."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.condolences.models import Grant
from apps.core.scoping import scopes_disabled
from tests.conftest import login

from .conftest import people, policy

pytestmark = pytest.mark.django_db
API = "/api/v1/welfare/"


def post(client, url, data=None, **extra):
    client.get("/")
    return client.post(url, data=data or {}, content_type="application/json",
                       HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value, **extra)


def test_a_clerk_runs_a_campaign_through_the_api(tree, users):
    policy("winter_warmth", amount="300", amount_front_line="500")
    people(tree.haidian, 2)
    people(tree.haidian, 1, prefix="行政", post="行政管理人员")
    clerk = login(users["haidian_clerk"])
    bad = post(clerk, f"{API}campaigns/", {"kind": "birthday", "title": "", "date": "2025-12-01"})
    assert bad.status_code == 400 and {"kind", "title"} <= set(bad.json())
    made = post(clerk, f"{API}campaigns/", {"kind": "winter_warmth", "title": "海淀冬送温暖", "date": "2025-12-01",
                                             "target": {"front_line": True}})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    preview = clerk.get(f"{API}campaigns/{pk}/preview/").json()
    assert (preview["count"], preview["sum"]) == (2, "1000.00")
    generated = post(clerk, f"{API}campaigns/{pk}/generate/")
    assert generated.status_code == 200 and generated.json()["campaign"]["status"] == "generated"
    batch = generated.json()["campaign"]["batch"]
    assert post(clerk, f"{API}campaigns/{pk}/generate/").status_code == 400  # never twice
    assert clerk.get(f"/api/v1/payment-batches/{batch}/").json()["total_amount"] == "1000.00"
    grants = clerk.get(f"{API}campaigns/{pk}/grants/").json()["results"]
    assert len(grants) == 2 and all("*" in g["id_number"] for g in grants)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(clerk.get(f"{API}campaigns/{pk}/export/").streaming_content)))
    assert sheet.active.max_row == 3 and "*" in sheet.active["B2"].value
    # the policies are the municipal admin's
    assert post(clerk, f"{API}policies/", {"kind": "new_year", "valid_from": "2025-01-01", "amount": "1",
                                          "cap_per_occasion": "1", "cap_per_year": "1"}).status_code == 403
    assert post(login(users["municipal"]), f"{API}policies/", {
        "kind": "new_year", "valid_from": "2025-01-01", "amount": "100", "cap_per_occasion": "100",
        "cap_per_year": "100"}).status_code == 201


def test_an_occasion_with_evidence_is_approved_by_the_unit_admin(tree, users):
    policy("illness", amount="500", cap_per_occasion="500", cap_per_year="500")
    [member] = people(tree.haidian, 1)
    clerk, admin = login(users["haidian_clerk"]), login(users["haidian"])
    clerk.get("/")
    made = clerk.post(f"{API}occasions/", {"member": member.pk, "kind": "illness", "date": "2025-03-01",
                                           "evidence": SimpleUploadedFile("诊断证明.pdf", b"%PDF-1.4\n")},
                      HTTP_X_CSRFTOKEN=clerk.cookies["csrftoken"].value)
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["has_evidence"] and made.json()["evidence_name"] == "诊断证明.pdf"
    assert post(clerk, f"{API}occasions/{pk}/approve/").status_code == 403
    assert post(admin, f"{API}occasions/{pk}/approve/").json()["status"] == "approved"
    made = post(clerk, f"{API}occasions/", {"member": member.pk, "kind": "illness", "date": "2025-04-01"})
    refused = post(admin, f"{API}occasions/{made.json()['id']}/approve/")
    assert refused.status_code == 400 and "年度次数上限" in str(refused.json())
    batch = post(clerk, f"{API}occasions/batch/", {})
    assert batch.status_code == 201 and batch.json()["items"] == 1


def test_receipts_and_the_members_own_page(tree, users):
    from apps.competitions.models import TeacherAccount

    policy("summer_cool", form="goods", item_name="防暑降温用品", item_unit_value="200", cap_per_occasion="200",
           cap_per_year="200")
    [member] = people(tree.tsinghua, 1)
    with scopes_disabled():
        TeacherAccount.objects.create(user=users["teacher"], member=member)
    city = login(users["municipal"])
    pk = post(city, f"{API}campaigns/", {"kind": "summer_cool", "title": "夏送清凉", "date": "2025-07-01",
                                         "organization": "BJEU"}).json()["id"]
    assert post(city, f"{API}campaigns/{pk}/generate/").status_code == 200
    unit = login(users["tsinghua"])
    [listing] = unit.get(f"{API}distributions/").json()["results"]
    sheet = unit.get(f"{API}distributions/{listing['id']}/sheet/")
    assert sheet.status_code == 200 and "spreadsheetml" in sheet["Content-Type"]
    with scopes_disabled():
        grant = Grant.objects.get(member=member)
    assert post(unit, f"{API}distributions/{listing['id']}/confirm/", {"grants": [grant.pk]}).json() == {
        "confirmed": 1}
    page = login(users["teacher"]).get("/welfare/mine/")
    text = page.content.decode()
    assert page.status_code == 200 and "我的慰问与帮扶" in text and "防暑降温用品 × 1（已签收）" in text
    other = login(users["tsinghua"]).get("/welfare/mine/").content.decode()
    assert "防暑降温用品" not in other  # staff see no one's grants on the member's page


def test_admin_forms_show_the_services_errors_beside_the_fields(tree, users):
    from apps.condolences.models import Campaign, Policy

    city = login(users["municipal"])
    city.get("/admin/")
    page = city.post("/admin/condolences/policy/add/", {
        "kind": "new_year", "valid_from": "2025-01-01", "form": "cash", "amount": "300", "item_quantity": "1",
        "cap_per_occasion": "100", "cap_per_year": "100", "times_per_year": "1", "payer": "any"},
        HTTP_X_CSRFTOKEN=city.cookies["csrftoken"].value)
    assert page.status_code == 200 and "每次上限（100.00 元）低于标准金额（300.00 元）" in page.content.decode()
    policy("winter_warmth")
    clerk = login(users["haidian_clerk"])
    clerk.get("/admin/")
    page = clerk.post("/admin/condolences/campaign/add/", {
        "kind": "winter_warmth", "title": "海淀冬送温暖", "date": "2025-12-01", "organization": tree.haidian.pk,
        "target": '{"units": ["D-CHAOYANG"]}'}, HTTP_X_CSRFTOKEN=clerk.cookies["csrftoken"].value)
    assert page.status_code == 200 and "单位不存在或不在您的管理范围内：D-CHAOYANG" in page.content.decode()
    with scopes_disabled():
        assert not Policy.objects.filter(kind="new_year").exists() and not Campaign.objects.exists()


def test_the_unit_admins_work_queue_counts_occasions_to_approve(tree, users):
    import datetime as dt

    from apps.condolences.occasions import occasion_record
    from apps.core.scoping import scope

    policy("illness", amount="500", cap_per_occasion="500", cap_per_year="500")
    [member] = people(tree.haidian, 1)
    with scope(paths=[tree.haidian.path]):
        occasion_record(member=member, kind="illness", date=dt.date(2025, 3, 1), actor=users["haidian_clerk"])
    text = login(users["haidian"]).get("/").content.decode()
    assert "待审批的个人慰问" in text
    assert "待审批的个人慰问" not in login(users["haidian_clerk"]).get("/").content.decode()
