"""Allowance schedules: preview, batch generation through the payments service, the report."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.honours.allowance_models import AllowanceRun
from apps.honours.allowances import (
    ALREADY_RUN,
    allowance_generate,
    allowance_preview,
    allowance_report,
    allowance_schedule_create,
)
from apps.honours.enums import HonourStatus
from apps.honours.services import honour_change_status
from apps.members.models import Member
from apps.payments.models import PaymentBatch, PaymentItem
from apps.accounts.enums import Role
from apps.payments.disbursement import payment_batch_disburse_now
from apps.payments.services import payment_batch_approve, payment_batch_cancel, payment_batch_submit
from tests.conftest import login
from tests.factories.members import make_member
from tests.factories.orgs import PASSWORD, make_user

from .factories import make_honour

pytestmark = pytest.mark.django_db
URL = "/api/v1/allowance-schedules/"


def post(client, url, payload):
    client.get("/")
    return client.post(url, data=json.dumps(payload), content_type="application/json",
                       HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


@pytest.fixture
def roll(tree):
    """海淀: a national holder who also holds a municipal medal (once, at the national rate);
    朝阳: a municipal holder; a revoked one; a deceased one; a collective (never paid)."""
    hd = make_member(tree.haidian, name="海淀劳模", branch=tree.haidian_school)
    cy = make_member(tree.chaoyang, name="朝阳劳模")
    revoked = make_member(tree.chaoyang, name="撤销者")
    dead = make_member(tree.tsinghua, name="已故劳模")
    make_honour(code="national_model_worker", year=2020, member=hd)
    make_honour(code="capital_labour_medal", year=2016, member=hd)
    make_honour(code="beijing_advanced_worker", year=2020, member=cy)
    gone = make_honour(code="beijing_model_worker", year=2018, member=revoked)
    died = make_honour(code="beijing_model_worker", year=2010, member=dead)
    make_honour(code="beijing_model_collective", collective_name="数学组", organization=tree.haidian_school)
    with scopes_disabled():
        honour_change_status(honour=gone, to_status=HonourStatus.REVOKED)
        honour_change_status(honour=died, to_status=HonourStatus.DECEASED)
        Member._base_manager.filter(pk=dead.pk).update(status="deceased")
    return {"hd": hd, "cy": cy}


@pytest.fixture
def schedule(users):
    with scopes_disabled():
        return allowance_schedule_create(name="劳模春节慰问", kind="spring_festival", actor=users["municipal"],
                                         rates={"national": "2000", "municipal": "800.50"})


@pytest.fixture
def city(tree):
    with scope(paths=[tree.root.path]):
        yield


def test_preview_counts_each_person_once_at_their_highest_level(roll, schedule, city):
    preview = allowance_preview(schedule, "2026-春节")
    assert (preview["count"], preview["sum"]) == (2, Decimal("2800.50"))
    paid = {h.member_id: amount for h, amount in preview["entries"]}
    assert paid == {roll["hd"].pk: Decimal("2000.00"), roll["cy"].pk: Decimal("800.50")}
    assert [(r["title"], r["count"], r["sum"]) for r in preview["by_title"]] == [
        ("全国劳动模范", 1, Decimal("2000.00")), ("北京市先进工作者", 1, Decimal("800.50"))]


def test_a_level_without_a_rate_is_not_paid(roll, users, city):
    national_only = allowance_schedule_create(name="全国劳模津贴", kind="honour_allowance", actor=users["municipal"],
                                              rates={"national": "300"})
    assert allowance_preview(national_only, "2026")["count"] == 1


def test_generate_builds_the_batch_of_the_preview_and_links_back(roll, schedule, users, city):
    preview = allowance_preview(schedule, "2026-春节")
    run = allowance_generate(schedule=schedule, period="2026-春节", actor=users["municipal"])
    batch = PaymentBatch.objects.get(pk=run.batch_id)
    assert (batch.item_count, batch.total_amount, batch.purpose, batch.status) == (
        preview["count"], preview["sum"], "festival_condolence", "draft")
    assert batch.organization.depth == 1 and batch.source == run and run.schedule == schedule
    assert sorted(PaymentItem.objects.filter(batch=batch).values_list("member_id", "amount")) == sorted(
        (h.member_id, amount) for h, amount in preview["entries"])
    assert AuditLog.objects.filter(action="allowance.generate", object_id=str(run.pk)).exists()


def test_a_second_generate_for_the_period_is_refused(roll, schedule, users, city):
    allowance_generate(schedule=schedule, period="2026-春节", actor=users["municipal"])
    batches, items = PaymentBatch.objects.count(), PaymentItem.objects.count()
    with pytest.raises(ValidationError) as exc:
        allowance_generate(schedule=schedule, period="2026-春节", actor=users["municipal"])
    assert ALREADY_RUN in exc.value.messages
    assert (PaymentBatch.objects.count(), PaymentItem.objects.count()) == (batches, items)
    assert AllowanceRun.objects.count() == 1
    allowance_generate(schedule=schedule, period="2026-国庆", actor=users["municipal"])  # another period is fine
    assert AllowanceRun.objects.count() == 2


def test_the_database_refuses_a_second_run_too(roll, schedule, users, city):
    """Under concurrency the pre-check can pass twice: the unique constraint answers."""
    from django.db import IntegrityError, transaction

    AllowanceRun.objects.create(schedule=schedule, period="2027")
    with pytest.raises(IntegrityError), transaction.atomic():
        AllowanceRun.objects.create(schedule=schedule, period="2027")


def pay(batch, approvers, *, maker):
    """Through the engine: submitted by its maker, approved by two approvers, disbursed in process."""
    batch = payment_batch_submit(batch=batch, actor=maker)
    for approver in approvers:
        if batch.status == "submitted":
            batch = payment_batch_approve(batch=batch, actor=approver, password=PASSWORD)
    payment_batch_disburse_now(batch=batch, actor=approvers[0])


@pytest.fixture
def approvers(tree):
    return [make_user(f"t_city_approver{n}", tree.root, Role.PAYMENT_APPROVER, password=PASSWORD) for n in (1, 2)]


@pytest.mark.django_db(transaction=True)
def test_report_counts_only_money_paid(roll, schedule, users, city, approvers, settings):
    """Drafts, batches awaiting approval, cancelled ones and failed items are not money received."""
    municipal = users["municipal"]
    spring = allowance_generate(schedule=schedule, period="2026-春节", actor=municipal)
    bonus = allowance_schedule_create(name="劳模奖金", kind="bonus", actor=municipal,
                                      rates={"national": "100", "municipal": "100"})
    paid_bonus = allowance_generate(schedule=bonus, period="2026", actor=municipal)
    cancelled = allowance_generate(schedule=bonus, period="2026-补发", actor=municipal)
    payment_batch_cancel(batch=cancelled.batch, actor=municipal)
    draft = allowance_generate(schedule=bonus, period="2026-追加", actor=municipal)
    submitted = allowance_generate(schedule=bonus, period="2026-二次", actor=municipal)
    payment_batch_submit(batch=submitted.batch, actor=municipal)
    failing = allowance_generate(schedule=bonus, period="2026-退回", actor=municipal)
    allowance_generate(schedule=bonus, period="2025", actor=municipal)
    nothing = allowance_report(2026)
    assert nothing["total"] == Decimal("0.00") and nothing["holders"] == []  # generated is not paid
    assert "已到账" in nothing["heading"] and "发放完成" in nothing["heading"]

    pay(spring.batch, approvers, maker=municipal)
    pay(paid_bonus.batch, approvers, maker=municipal)
    settings.PAYMENTS_SIMBANK_FAIL_ACCOUNTS = ["6222020200112233445"]  # the bank refuses every item
    pay(failing.batch, approvers, maker=municipal)
    assert PaymentBatch.objects.get(pk=failing.batch.pk).status == "completed_with_failures"
    assert {PaymentBatch.objects.get(pk=r.batch.pk).status for r in (draft, submitted)} == {"draft", "submitted"}
    report = allowance_report(2026)
    totals = {row["kind"]: row["sum"] for row in report["totals_by_kind"]}
    assert totals == {"spring_festival": Decimal("2800.50"), "bonus": Decimal("200.00")}
    assert report["total"] == Decimal("3000.50")
    hd = next(h for h in report["holders"] if h["member"] == roll["hd"].pk)
    assert hd["total"] == Decimal("2100.00") and len(hd["received"]) == 2
    assert {r["status"] for h in report["holders"] for r in h["received"]} == {"paid"}


def test_api_preview_generate_and_report(roll, schedule, users):
    client = login(users["municipal"])
    preview = client.get(f"{URL}{schedule.pk}/preview/?period=2026-春节")
    assert preview.status_code == 200, preview.content
    assert (preview.json()["count"], preview.json()["sum"]) == (2, "2800.50")
    created = post(client, f"{URL}{schedule.pk}/generate-batch/", {"period": "2026-春节"})
    assert created.status_code == 201, created.content
    assert (created.json()["item_count"], created.json()["total_amount"]) == (2, "2800.50")
    again = post(client, f"{URL}{schedule.pk}/generate-batch/", {"period": "2026-春节"})
    assert again.status_code == 400 and ALREADY_RUN in again.content.decode()
    report = client.get(f"{URL}report/?year=2026").json()
    assert report["total"] == "0.00" and report["holders"] == []  # a draft batch: nothing paid yet
    assert "已到账" in report["heading"]
    assert client.get(f"{URL}report/?year=abc").status_code == 400


def test_api_creates_a_schedule_with_rates(users):
    client = login(users["municipal"])
    response = post(client, URL, {"name": "国庆走访", "kind": "national_day",
                                  "rates": [{"level": "municipal", "amount": "500.00"}]})
    assert response.status_code == 201, response.content
    assert response.json()["rates"] == [{"level": "municipal", "amount": "500.00"}]
    bad = post(client, URL, {"name": "零元", "kind": "bonus", "rates": [{"level": "municipal", "amount": "0"}]})
    assert bad.status_code == 400


@pytest.mark.parametrize("key", ["haidian", "chaoyang", "haidian_clerk", "teacher"])
def test_non_municipal_users_are_refused(roll, schedule, users, key):
    client = login(users[key])
    for url in (URL, f"{URL}{schedule.pk}/", f"{URL}{schedule.pk}/preview/?period=2026", f"{URL}report/?year=2026"):
        assert client.get(url).status_code in (403, 404), url
    assert post(client, f"{URL}{schedule.pk}/generate-batch/", {"period": "2026"}).status_code in (403, 404)
    assert not AllowanceRun.objects.exists()
    admin_url = reverse("admin:honours_allowanceschedule_generate_batch", args=[schedule.pk])
    response = client.get(admin_url)
    assert response.status_code == 404 or (key == "teacher" and response.status_code == 302)


def test_admin_previews_then_generates_and_opens_the_batch(roll, schedule, users):
    client = login(users["municipal"])
    url = reverse("admin:honours_allowanceschedule_generate_batch", args=[schedule.pk])
    page = client.get(url + "?period=2026-春节")
    body = page.content.decode()
    assert page.status_code == 200 and "2800.50" in body and "全国劳动模范" in body
    response = client.post(url, {"period": "2026-春节", "confirm": "1",
                                 "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    run = AllowanceRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:payments_paymentbatch_change", args=[run.batch_id])
    again = client.post(url, {"period": "2026-春节", "confirm": "1",
                              "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert again.status_code == 200 and ALREADY_RUN in again.content.decode()
    assert AllowanceRun.objects.count() == 1
    change = reverse("admin:honours_allowanceschedule_change", args=[schedule.pk])
    assert client.get(change).status_code == 200
    assert login(users["haidian"]).get(change).status_code == 404


def _schedule_form(client, url, *, name, amount, runs=0, extra=None):
    data = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, "name": name, "kind": "spring_festival",
            "qualifies_on_roll_only": "on", "active": "on", "awarded_in_year": "",
            "rates-TOTAL_FORMS": "1", "rates-INITIAL_FORMS": "0", "rates-MIN_NUM_FORMS": "1",
            "rates-MAX_NUM_FORMS": "1000", "rates-0-level": "national", "rates-0-amount": amount,
            "runs-TOTAL_FORMS": str(runs), "runs-INITIAL_FORMS": str(runs), "runs-MIN_NUM_FORMS": "0",
            "runs-MAX_NUM_FORMS": "1000", **(extra or {})}
    return client.post(url, data)


def test_admin_add_and_change_go_through_the_service_and_are_audited(users):
    from apps.honours.allowance_models import AllowanceSchedule

    client = login(users["municipal"])
    client.get("/")
    add = reverse("admin:honours_allowanceschedule_add")
    response = _schedule_form(client, add, name="国庆走访", amount="500")
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        schedule = AllowanceSchedule.objects.get(name="国庆走访")
        assert {r.level: r.amount for r in schedule.rates.all()} == {"national": Decimal("500.00")}
        created = AuditLog.objects.get(action="allowance_schedule.create", object_id=str(schedule.pk))
    assert created.data["rates"] == {"national": "500.00"} and created.actor == users["municipal"]
    # an amount with three places: refused beside the field, nothing created
    bad = _schedule_form(client, add, name="坏金额", amount="1.005")
    assert bad.status_code == 200 and "2" in bad.content.decode()
    with scopes_disabled():
        assert not AllowanceSchedule.objects.filter(name="坏金额").exists()
    change = reverse("admin:honours_allowanceschedule_change", args=[schedule.pk])
    with scopes_disabled():
        rate = schedule.rates.get()
    response = _schedule_form(client, change, name="国庆走访慰问", amount="600", extra={
        "rates-INITIAL_FORMS": "1", "rates-0-id": str(rate.pk), "rates-0-schedule": str(schedule.pk)})
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        schedule.refresh_from_db()
        assert schedule.name == "国庆走访慰问"
        assert {r.level: r.amount for r in schedule.rates.all()} == {"national": Decimal("600.00")}
        changed = AuditLog.objects.get(action="allowance_schedule.change", object_id=str(schedule.pk))
    assert changed.data["changed"] == {"name": ["国庆走访", "国庆走访慰问"]}
    assert changed.data["rates"] == {"national": "600.00"} and changed.data["rates_before"] == {"national": "500.00"}
