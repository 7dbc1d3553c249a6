"""The one transition function: the moves, their rules, history and audit, Chinese errors
that change nothing, double clicks that act once (also under a real race on PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections

from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.petitions import services
from apps.petitions.enums import Action, CaseStatus
from apps.petitions.models import Case, CaseEvent
from apps.petitions.services import case_receive, case_transition
from tests.factories.members import make_member
from tests.petitions.factories import at, category, dispatched, make_case, move

pytestmark = pytest.mark.django_db


def status(case) -> str:
    with scopes_disabled():
        return Case._base_manager.get(pk=case.pk).status


def events(case) -> list[str]:
    with scopes_disabled():
        return list(CaseEvent._base_manager.filter(case=case).order_by("at", "id").values_list("action", flat=True))


def test_full_journey_with_history_and_audit(tree, users):
    municipal, haidian = users["municipal"], users["haidian"]
    case = make_case(received_at=at(2025, 9, 29, 9), petitioner_unit=tree.haidian_school)
    with scope(paths=[tree.root.path]):
        case = case_transition(case=case, action=Action.DISPATCH, actor=municipal, at=at(2025, 9, 29, 10))
    assert case.organization == tree.haidian_school  # the petitioner's unit is the suggestion
    with scope(paths=[tree.haidian.path]):
        for when, action, kw in [(at(2025, 9, 29, 11), Action.SIGN, {}),
                                 (at(2025, 9, 29, 15), Action.CONTACT, {"contact_at": at(2025, 9, 29, 14)}),
                                 (at(2025, 9, 30, 9), Action.REPLY, {"reply_text": "已协调学校于10月补发。"})]:
            case = case_transition(case=case, action=action, actor=haidian, at=when, **kw)
    with scope(paths=[tree.root.path]):
        case = case_transition(case=case, action=Action.CLOSE, actor=municipal, at=at(2025, 10, 9, 9))
        case = case_transition(case=case, action=Action.CALLBACK, actor=municipal, satisfaction="satisfied",
                               note="诉求人表示满意", at=at(2025, 10, 10, 9))
    assert (case.status, case.solved, case.contacted_at) == (CaseStatus.VISITED, True, at(2025, 9, 29, 14))
    assert events(case) == ["receive", "dispatch", "sign", "contact", "reply", "close", "callback"]
    assert AuditLog._base_manager.filter(object_id=str(case.pk), action__startswith="petitions.").count() == 7


def test_unsatisfied_callback_reopens_for_another_unit(tree):
    case = dispatched(tree.haidian, when=at(2025, 9, 29, 9))
    for action, kw in [(Action.SIGN, {}), (Action.CONTACT, {}), (Action.REPLY, {"reply_text": "已答复"}),
                       (Action.CLOSE, {})]:
        case = move(case, action, at=at(2025, 9, 30, 9), **kw)
    with pytest.raises(ValidationError) as exc:
        move(case, Action.REOPEN)
    assert "不能重办" in str(exc.value)
    case = move(case, Action.CALLBACK, satisfaction="unsatisfied", at=at(2025, 10, 9, 9))
    assert case.solved is False
    case = move(case, Action.REOPEN, unit=tree.chaoyang, at=at(2025, 10, 9, 10))
    assert (case.status, case.organization, case.signed_at, case.satisfaction) == (
        CaseStatus.DISPATCHED, tree.chaoyang, None, "")


def test_illegal_moves_are_chinese_errors_that_change_nothing(tree):
    case = dispatched(tree.haidian, when=at(2025, 9, 29, 9))
    before = events(case)
    for action, kw, message in [
        (Action.CLOSE, {}, "工单当前为“已派单”，不能办结。"),
        (Action.REPLY, {"reply_text": "x"}, "工单当前为“已派单”，不能答复。"),
        (Action.RETURN, {}, "退单应填写原因。"),
        (Action.RESUME, {}, "工单未暂停。"),
        (Action.APPROVE_EXTENSION, {}, "工单当前为“已派单”，不能批准延期。"),
        ("explode", {}, "未知操作。"),
    ]:
        with pytest.raises(ValidationError) as exc:
            move(case, action, **kw)
        assert message in str(exc.value), (action, exc.value)
    assert status(case) == CaseStatus.DISPATCHED and events(case) == before


def test_return_goes_back_to_the_municipal_union_for_redispatch(tree, users):
    case = dispatched(tree.haidian, when=at(2025, 9, 29, 9))
    case = move(case, Action.RETURN, note="不属于本单位管辖", at=at(2025, 9, 29, 11))
    assert (case.status, case.organization) == (CaseStatus.RETURNED, tree.root)
    with scope(paths=[tree.haidian.path]), pytest.raises(Case.DoesNotExist):
        case_transition(case=case, action=Action.SIGN, actor=users["haidian"])  # no longer theirs
    case = move(case, Action.DISPATCH, unit=tree.chaoyang)
    assert (case.status, case.organization) == (CaseStatus.DISPATCHED, tree.chaoyang)


def test_units_cannot_dispatch_or_close_and_other_units_see_nothing(tree, users):
    case = dispatched(tree.haidian, when=at(2025, 9, 29, 9))
    with scope(paths=[tree.haidian.path]), pytest.raises(PermissionDenied):
        case_transition(case=case, action=Action.ESCALATE, actor=users["haidian"])
    with scope(paths=[tree.chaoyang.path]), pytest.raises(Case.DoesNotExist):
        case_transition(case=case, action=Action.SIGN, actor=users["chaoyang"])
    with scope(paths=[tree.root.path]), pytest.raises(ValidationError) as exc:
        case_transition(case=case, action=Action.DISPATCH, actor=users["municipal"], unit=tree.chaoyang)
    assert "不能派单" in str(exc.value)


def test_double_click_on_sign_and_close_acts_once(tree):
    case = dispatched(tree.haidian, when=at(2025, 9, 29, 9))
    move(case, Action.SIGN)
    move(case, Action.SIGN)
    for action, kw in [(Action.CONTACT, {}), (Action.REPLY, {"reply_text": "已答复"}), (Action.CLOSE, {}),
                       (Action.CLOSE, {})]:
        move(case, action, **kw)
    assert events(case).count("sign") == 1 and events(case).count("close") == 1


def test_extension_pause_and_escalation_rules(tree):
    case = dispatched(tree.haidian, when=at(2025, 9, 29, 9))
    move(case, Action.SIGN)
    with pytest.raises(ValidationError) as exc:
        move(case, Action.REQUEST_EXTENSION, hours=0, note="x")
    assert "延期时长" in str(exc.value)
    move(case, Action.REQUEST_EXTENSION, hours=8, note="需要协调")
    with pytest.raises(ValidationError):
        move(case, Action.REQUEST_EXTENSION, hours=8, note="再申请")
    move(case, Action.REFUSE_EXTENSION, note="理由不充分")
    move(case, Action.CONTACT)
    move(case, Action.PAUSE, note="等待第三方")
    with pytest.raises(ValidationError) as exc:
        move(case, Action.REPLY, reply_text="x")
    assert "暂停" in str(exc.value)
    move(case, Action.ESCALATE)
    move(case, Action.ESCALATE)  # once per round
    assert events(case).count("escalate") == 1


def test_same_order_twice_changes_nothing_and_petitioner_matches_member(tree):
    member = make_member(tree.haidian, name="李明")
    with scopes_disabled():
        first, created = case_receive(source="12351", order_no="A-1", received_at=at(2025, 9, 29),
                                      petitioner_name="李明", petitioner_id_number=member.id_number,
                                      category=category(), title="t", content="c")
        again, created_again = case_receive(source="12351", order_no="A-1", received_at=at(2025, 9, 30),
                                            petitioner_name="别人", category=category(), title="t2", content="c2")
        other_source, _ = case_receive(source="12345", order_no="A-1", received_at=at(2025, 9, 29),
                                       petitioner_name="张三", category=category(), title="t", content="c")
    assert created and not created_again and again.pk == first.pk and again.petitioner_name == "李明"
    assert other_source.pk != first.pk
    assert first.member == member and first.petitioner_unit == member.organization
    assert first.id_number_masked.startswith(member.id_number[:6]) and "*" in first.id_number_masked
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT petitioner_id_number FROM petitions_case WHERE id = %s", [first.pk])
        raw = cursor.fetchone()[0]
    assert member.id_number not in raw  # encrypted at rest


def test_receive_refuses_bad_input_in_chinese(tree):
    with scopes_disabled(), pytest.raises(ValidationError) as exc:
        case_receive(source="12351", received_at=at(2025, 9, 29), petitioner_name="", petitioner_phone="123",
                     category=category(), title="", content="c")
    errors = exc.value.message_dict
    assert set(errors) >= {"order_no", "petitioner_name", "title", "petitioner_phone"}


def _race(tree, monkeypatch, *, lock: bool) -> list[str]:
    case = dispatched(tree.haidian, when=at(2025, 9, 29, 9))
    start, read = threading.Barrier(2), threading.Barrier(2, timeout=1)
    real = services._locked

    def slow_locked(c):
        row = real(c) if lock else Case.objects.get(pk=c.pk)
        try:
            read.wait()  # with the lock the other click is blocked, so this times out
        except threading.BrokenBarrierError:
            pass
        return row

    monkeypatch.setattr(services, "_locked", slow_locked)

    def click():
        try:
            start.wait()
            with scope(paths=[tree.haidian.path]):
                case_transition(case=case, action=Action.SIGN)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return events(case)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_sign_acts_once(tree, monkeypatch):
    assert _race(tree, monkeypatch, lock=True).count("sign") == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_signs_twice(tree, monkeypatch):
    assert _race(tree, monkeypatch, lock=False).count("sign") == 2
