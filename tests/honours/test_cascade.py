"""The review cascade: 草稿 → 基层已推荐 → 市级初审通过 / 退回 → 公示中 → 已批准 / 未通过,
one service (``nomination_transition``), every step audited, approval puts the honour on the roll."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.honours import services
from apps.honours.enums import NominationStatus as S
from apps.honours.models import Honour, Nomination, NominationObjection
from apps.honours.selectors import honour_roll
from apps.honours.services import (
    NEEDS_NOTICE_DATES,
    NEEDS_REASON,
    NOTICE_NOT_OVER,
    nomination_record_objection,
    nomination_transition,
)
from tests.conftest import login
from tests.factories.members import make_member

from .test_nominations import error_of, make_campaign, submit

pytestmark = pytest.mark.django_db
URL = "/api/v1/nominations/"


def move(nomination, to, actor=None, **kwargs):
    with scopes_disabled():
        return nomination_transition(nomination=nomination, to=to, actor=actor, **kwargs)


def fresh(nomination) -> Nomination:
    with scopes_disabled():
        return Nomination.objects.get(pk=nomination.pk)


def audits(nomination) -> list[tuple[str, str]]:
    with scopes_disabled():
        rows = AuditLog.objects.filter(action="nomination.transition", object_id=str(nomination.pk)).order_by("id")
        return [(row.data["from"], row.data["to"]) for row in rows]


def after(days: int, monkeypatch) -> None:
    """Move the services' clock ``days`` ahead."""
    today = timezone.localdate() + dt.timedelta(days=days)
    monkeypatch.setattr(services, "_today", lambda: today)


@pytest.fixture
def nomination(tree):
    return submit(tree, make_campaign(tree, quota=3), make_member(tree.chaoyang, name="候选人"))


def on_notice(nomination, actor=None, days=7):
    start = timezone.localdate()
    move(nomination, S.RECOMMENDED, actor)
    move(nomination, S.INITIAL_APPROVED, actor)
    return move(nomination, S.NOTICE, actor, notice_start=start, notice_end=start + dt.timedelta(days=days))


def test_the_full_path_puts_the_honour_on_the_roll(tree, users, nomination, monkeypatch):
    assert nomination.status == S.DRAFT
    on_notice(nomination, users["municipal"])
    with pytest.raises(ValidationError) as exc:
        move(nomination, S.APPROVED, users["municipal"])
    assert error_of(exc) == NOTICE_NOT_OVER
    after(7, monkeypatch)  # the notice's last day: still running
    with pytest.raises(ValidationError):
        move(nomination, S.APPROVED, users["municipal"])
    assert fresh(nomination).status == S.NOTICE
    after(8, monkeypatch)
    approved = move(nomination, S.APPROVED, users["municipal"])
    with scopes_disabled():
        honour = Honour.objects.get(member=nomination.member)
        assert approved.honour == honour and fresh(nomination).honour_id == honour.pk
        assert (honour.title.code, honour.year, honour.organization) == (
            "beijing_advanced_worker", nomination.campaign.year, tree.chaoyang)
        assert honour in honour_roll()
        assert AuditLog.objects.filter(action="honour.create", object_id=str(honour.pk)).count() == 1
    assert audits(nomination) == [("draft", "recommended"), ("recommended", "initial_approved"),
                                  ("initial_approved", "notice"), ("notice", "approved")]


def test_illegal_moves_are_refused_and_change_nothing(tree, nomination):
    for to in (S.INITIAL_APPROVED, S.NOTICE, S.APPROVED, S.REJECTED, S.RETURNED, S.DRAFT):
        with pytest.raises(ValidationError) as exc:
            move(nomination, to, reason="理由")
        assert error_of(exc).startswith("不能从“草稿”改为")
    move(nomination, S.RECOMMENDED)
    with pytest.raises(ValidationError):
        move(nomination, S.APPROVED)
    with pytest.raises(ValidationError):
        move(nomination, "published")
    row = fresh(nomination)
    assert (row.status, row.honour_id, row.return_reason) == (S.RECOMMENDED, None, "")
    assert audits(nomination) == [("draft", "recommended")]


def test_final_states_are_final(tree, nomination):
    on_notice(nomination)
    move(nomination, S.REJECTED, reason="公示期间异议属实")
    for to in (S.APPROVED, S.NOTICE, S.RECOMMENDED):
        with pytest.raises(ValidationError):
            move(nomination, to)
    assert fresh(nomination).status == S.REJECTED
    with scopes_disabled():
        assert not Honour.objects.exists()


def test_return_needs_a_reason_and_the_unit_may_recommend_again(tree, nomination):
    move(nomination, S.RECOMMENDED)
    with pytest.raises(ValidationError) as exc:
        move(nomination, S.RETURNED, reason="  ")
    assert error_of(exc) == NEEDS_REASON and fresh(nomination).status == S.RECOMMENDED
    move(nomination, S.RETURNED, reason="事迹材料缺少佐证")
    row = fresh(nomination)
    assert (row.status, row.return_reason) == (S.RETURNED, "事迹材料缺少佐证")
    with scopes_disabled():
        log = AuditLog.objects.filter(action="nomination.transition", object_id=str(nomination.pk)).order_by("id").last()
    assert log.data["reason"] == "事迹材料缺少佐证"
    move(nomination, S.RECOMMENDED)
    assert fresh(nomination).status == S.RECOMMENDED


def test_notice_needs_its_dates(tree, nomination):
    move(nomination, S.RECOMMENDED)
    move(nomination, S.INITIAL_APPROVED)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        move(nomination, S.NOTICE, notice_start=today)
    assert error_of(exc) == NEEDS_NOTICE_DATES
    with pytest.raises(ValidationError):
        move(nomination, S.NOTICE, notice_start=today, notice_end=today - dt.timedelta(days=1))
    with pytest.raises(ValidationError):  # no back-dated notice
        move(nomination, S.NOTICE, notice_start=today - dt.timedelta(days=9), notice_end=today - dt.timedelta(days=2))
    row = fresh(nomination)
    assert (row.status, row.notice_start, row.notice_end) == (S.INITIAL_APPROVED, None, None)


def test_objections_are_recorded_during_the_notice_only(tree, users, nomination):
    with pytest.raises(ValidationError), scopes_disabled():
        nomination_record_objection(nomination=nomination, text="异议")
    on_notice(nomination)
    with scopes_disabled():
        objection = nomination_record_objection(nomination=nomination, text="  事迹有出入  ", actor=users["municipal"])
        assert (objection.text, objection.recorded_by, objection.date) == (
            "事迹有出入", users["municipal"], timezone.localdate())
        assert NominationObjection.objects.filter(nomination=nomination).count() == 1
        assert AuditLog.objects.filter(action="nomination.objection", object_id=str(nomination.pk)).exists()


def test_the_service_is_scoped(tree, nomination):
    with pytest.raises(Nomination.DoesNotExist), scope(paths=[tree.haidian.path]):
        nomination_transition(nomination=nomination, to=S.RECOMMENDED)
    assert fresh(nomination).status == S.DRAFT


# --- the API ---------------------------------------------------------------------------


def post(client, url, payload=None):
    client.get("/")
    return client.post(url, data=json.dumps(payload or {}), content_type="application/json",
                       HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


def test_api_walks_the_cascade(tree, users, monkeypatch):
    campaign = make_campaign(tree, quota=3)
    member = make_member(tree.chaoyang, name="接口候选人")
    unit, city = login(users["chaoyang"]), login(users["municipal"])
    created = post(unit, URL, {"campaign": campaign.pk, "title": "beijing_advanced_worker", "member": member.pk,
                               "deed_summary": "扎根一线"})
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "draft" and member.id_number not in created.content.decode()
    pk = created.json()["id"]
    again = post(unit, URL, {"campaign": campaign.pk, "title": "beijing_advanced_worker", "member": member.pk,
                             "deed_summary": "再推一次"})
    assert again.status_code == 400 and "member" in again.json()
    assert post(unit, f"{URL}{pk}/submit/").json()["status"] == "recommended"
    assert post(unit, f"{URL}{pk}/review/", {"result": "pass"}).status_code == 403  # units do not review
    returned = post(city, f"{URL}{pk}/review/", {"result": "return"})
    assert returned.status_code == 400 and "reason" in returned.json()
    assert post(city, f"{URL}{pk}/review/", {"result": "return", "reason": "补充材料"}).json()["status"] == "returned"
    assert post(unit, f"{URL}{pk}/submit/").json()["status"] == "recommended"
    assert post(city, f"{URL}{pk}/review/", {"result": "pass"}).json()["status"] == "initial_approved"
    start = timezone.localdate()
    noticed = post(city, f"{URL}{pk}/notice/", {"notice_start": start.isoformat(),
                                                "notice_end": (start + dt.timedelta(days=5)).isoformat()})
    assert noticed.json()["status"] == "notice", noticed.content
    assert post(city, f"{URL}{pk}/objection/", {"text": "有人反映"}).status_code == 200
    early = post(city, f"{URL}{pk}/decide/", {"decision": "approve"})
    assert early.status_code == 400 and early.json()["status"] == [NOTICE_NOT_OVER]
    after(6, monkeypatch)
    decided = post(city, f"{URL}{pk}/decide/", {"decision": "approve"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    with scopes_disabled():
        assert Honour.objects.get(pk=decided.json()["honour"]).member == member


def test_api_is_scoped(tree, users, nomination):
    haidian, clerk = login(users["haidian"]), login(users["haidian_clerk"])
    url = f"{URL}{nomination.pk}/"
    assert login(users["chaoyang"]).get(url).status_code == 200
    assert haidian.get(url).status_code == 404 and clerk.get(url).status_code == 404
    assert haidian.get(URL).json()["results"] == []
    assert post(haidian, url + "submit/").status_code == 404
    assert post(clerk, url + "submit/").status_code == 404
    assert post(haidian, url + "review/", {"result": "pass"}).status_code == 403
    assert login(users["teacher"]).get(URL).status_code == 403
    assert fresh(nomination).status == S.DRAFT and audits(nomination) == []
