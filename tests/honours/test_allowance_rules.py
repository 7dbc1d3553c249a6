"""Who qualifies: residence in Beijing (常住北京), a reward round's honourees only; and the
generate-batch API under concurrency (two requests for the same period → one batch)."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest
from django.db import connections

from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.honours import allowances
from apps.honours.allowance_models import AllowanceRun
from apps.honours.allowances import ALREADY_RUN, allowance_generate, allowance_preview, allowance_schedule_create
from apps.honours.models import Honour
from apps.honours.services import honour_set_residence
from apps.payments.models import PaymentBatch, PaymentItem
from tests.conftest import login
from tests.factories.members import make_member

from .factories import make_honour

URL = "/api/v1/allowance-schedules/"


@pytest.fixture
def holders(tree):
    home = make_member(tree.haidian, name="在京劳模")
    away = make_member(tree.chaoyang, name="外地劳模")
    fresh = make_member(tree.tsinghua, name="新晋先进")
    make_honour(code="national_model_worker", year=2015, member=home)
    away_honour = make_honour(code="beijing_model_worker", year=2010, member=away)
    make_honour(code="capital_labour_medal", year=2020, member=away)  # a second honour of the same person
    make_honour(code="beijing_advanced_worker", year=2025, member=fresh)
    return {"home": home, "away": away, "fresh": fresh, "away_honour": away_honour}


def schedule(users, name, **kwargs):
    with scopes_disabled():
        return allowance_schedule_create(name=name, kind=kwargs.pop("kind", "spring_festival"), actor=users["municipal"],
                                         rates={"national": "2000", "municipal": "1000"}, **kwargs)


def paid(preview):
    return sorted(h.member.name for h, _ in preview["entries"])


@pytest.mark.django_db
def test_residence_rule_leaves_out_holders_living_outside_beijing(tree, users, holders):
    visits = schedule(users, "国庆走访", kind="national_day", requires_beijing_residence=True)
    anyone = schedule(users, "荣誉津贴", kind="honour_allowance")
    with scope(paths=[tree.root.path]):
        assert paid(allowance_preview(visits, "2026-国庆")) == ["在京劳模", "外地劳模", "新晋先进"]
        changed = honour_set_residence(honour=holders["away_honour"], resides_in_beijing=False,
                                       actor=users["municipal"])
        assert changed == 2  # residence is the person's: both honours marked
        preview = allowance_preview(visits, "2026-国庆")
        assert paid(preview) == ["在京劳模", "新晋先进"]
        assert (preview["count"], preview["sum"]) == (2, Decimal("3000.00"))
        assert paid(allowance_preview(anyone, "2026")) == ["在京劳模", "外地劳模", "新晋先进"]  # not required there
        run = allowance_generate(schedule=visits, period="2026-国庆", actor=users["municipal"])
        assert sorted(PaymentItem.objects.filter(batch_id=run.batch_id).values_list("member__name", flat=True)) == [
            "在京劳模", "新晋先进"]
        assert AuditLog.objects.filter(action="honour.residence").count() == 1
        honour_set_residence(honour=holders["away_honour"], resides_in_beijing=True, actor=users["municipal"])
        assert paid(allowance_preview(visits, "2026-国庆-补")) == ["在京劳模", "外地劳模", "新晋先进"]


@pytest.mark.django_db
def test_a_unit_cannot_mark_residence_outside_its_scope(tree, users, holders):
    with scope(paths=[tree.haidian.path]), pytest.raises(Honour.DoesNotExist):
        honour_set_residence(honour=holders["away_honour"], resides_in_beijing=False, actor=users["haidian"])
    with scopes_disabled():
        assert Honour.objects.filter(resides_in_beijing=False).count() == 0


@pytest.mark.django_db
def test_admin_action_marks_residence(tree, users, holders):
    client = login(users["municipal"])
    client.get("/")
    response = client.post("/admin/honours/honour/", {
        "action": "mark_not_resident", "_selected_action": [holders["away_honour"].pk],
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    with scopes_disabled():
        assert sorted(Honour.objects.filter(resides_in_beijing=False).values_list("title__code", flat=True)) == [
            "beijing_model_worker", "capital_labour_medal"]


@pytest.mark.django_db
def test_a_reward_round_pays_only_that_years_honourees(tree, users, holders):
    bonus = schedule(users, "2025年奖金", kind="bonus", awarded_in_year=2025)
    with scope(paths=[tree.root.path]):
        preview = allowance_preview(bonus, "2025")
    assert paid(preview) == ["新晋先进"] and preview["sum"] == Decimal("1000.00")


@pytest.mark.django_db
def test_the_api_and_admin_show_the_new_rules(tree, users):
    client = login(users["municipal"])
    client.get("/")
    response = client.post(URL, data=json.dumps({
        "name": "春节慰问", "kind": "spring_festival", "requires_beijing_residence": True,
        "rates": [{"level": "national", "amount": "100.00"}]}), content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 201, response.content
    assert (response.json()["requires_beijing_residence"], response.json()["awarded_in_year"]) == (True, None)
    body = client.get("/admin/honours/allowanceschedule/add/").content.decode()
    assert "仅限常住北京" in body and "仅限该年度授予" in body


# --- concurrency ------------------------------------------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_generate_requests_make_exactly_one_batch(tree, users, holders, monkeypatch):
    """Two POSTs to generate-batch for the same period at the same moment. The first to
    insert its run waits (up to a second) after it, before committing, so the second has
    passed the "already generated?" pre-check too: only the unique constraint stands between
    them. Exactly one batch results; the other request gets the Chinese refusal."""
    spring = schedule(users, "劳模春节慰问")
    start, inside = threading.Barrier(2), threading.Barrier(2, timeout=1)
    real = allowances.allowance_preview

    def slow_preview(*args, **kwargs):
        try:
            inside.wait()  # the other request is blocked on the run's unique key: this times out
        except threading.BrokenBarrierError:
            pass
        return real(*args, **kwargs)

    monkeypatch.setattr(allowances, "allowance_preview", slow_preview)
    attempts = []
    real_create = AllowanceRun.objects.create

    def counted_create(**kwargs):
        attempts.append(kwargs["period"])  # reached only past the pre-check
        return real_create(**kwargs)

    monkeypatch.setattr(AllowanceRun.objects, "create", counted_create)
    outcomes: list[tuple[int, str]] = []

    def request():
        try:
            client = login(users["municipal"])
            client.get("/")
            token = client.cookies["csrftoken"].value
            start.wait()
            response = client.post(f"{URL}{spring.pk}/generate-batch/", data=json.dumps({"period": "2026-春节"}),
                                   content_type="application/json", HTTP_X_CSRFTOKEN=token)
            outcomes.append((response.status_code, response.content.decode()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _ in outcomes) == [201, 400], outcomes
    assert attempts == ["2026-春节", "2026-春节"], "both requests must have passed the pre-check"
    assert ALREADY_RUN in next(body for code, body in outcomes if code == 400)
    with scopes_disabled():
        assert AllowanceRun.objects.filter(schedule=spring, period="2026-春节").count() == 1
        batch = PaymentBatch.objects.get()
        assert batch.item_count == 3 and batch.total_amount == Decimal("4000.00")
        assert PaymentItem.objects.count() == 3
