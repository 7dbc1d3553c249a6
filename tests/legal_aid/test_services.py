"""Consultation services: the whole thread, illegal moves in Chinese changing nothing, double
submits acting once, a lawyer seeing only their assignments, turning one into a case once."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.enums import Role
from apps.accounts.services import role_assign
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.legal_aid.enums import ConsultationStatus as S
from apps.legal_aid.models import Consultation, ConsultationAttachment, ConsultationMessage
from apps.petitions.enums import Source
from apps.petitions.models import Case

from .helpers import PDF, as_person, ask, move

pytestmark = pytest.mark.django_db


def _fresh(c):
    with scopes_disabled():
        return Consultation.objects.get(pk=c.pk)


def test_thread_from_question_to_close(people):
    member, lawyer, admin = people["member"], people["lawyer1"], people["municipal"]
    c = ask(member, attachments=[SimpleUploadedFile("劳动合同.pdf", PDF)])
    assert c.status == S.SUBMITTED and c.asker_unit.code == "U-THU"
    c = move(c, "assign", admin, lawyer=lawyer)
    assert c.status == S.ASSIGNED and c.lawyer == lawyer
    c = move(c, "answer", lawyer, role="lawyer", text="可主张经济补偿。")
    assert c.status == S.ANSWERED and c.answered_at is not None
    c = move(c, "follow_up", member, role="teacher", text="派遣员工也适用吗？")
    assert c.status == S.ASSIGNED
    c = move(c, "answer", lawyer, role="lawyer", text="同样适用。")
    c = move(c, "close", member, role="teacher")
    assert c.status == S.CLOSED and c.closed_at is not None
    with scopes_disabled():
        kinds = list(ConsultationMessage.objects.filter(consultation=c).values_list("kind", flat=True))
        actions = set(AuditLog.objects.filter(action__startswith="legal_aid.").values_list("action", flat=True))
        assert ConsultationAttachment.objects.get(consultation=c).original_name == "劳动合同.pdf"
    assert kinds == ["question", "answer", "follow_up", "answer"]
    assert {"legal_aid.ask", "legal_aid.assign", "legal_aid.answer", "legal_aid.follow_up", "legal_aid.close",
            "legal_aid.attach"} <= actions


def test_illegal_moves_are_chinese_errors_that_change_nothing(people):
    member, lawyer, admin = people["member"], people["lawyer1"], people["municipal"]
    c = ask(member)
    with pytest.raises(ValidationError) as exc:
        move(c, "follow_up", member, role="teacher", text="还有问题")
    assert exc.value.message_dict["action"] == ["咨询当前为“待分配律师”，不能追问。"]
    with pytest.raises(ValidationError) as exc:
        move(c, "assign", admin, lawyer=people["haidian"])  # not in the pool
    assert exc.value.message_dict["lawyer"] == ["请从律师库中选择援助律师。"]
    with pytest.raises(PermissionDenied):
        move(c, "assign", member, role="teacher", lawyer=lawyer)
    c = move(c, "assign", admin, lawyer=lawyer)
    with pytest.raises(ValidationError) as exc:
        move(c, "answer", lawyer, role="lawyer", text="   ")
    assert exc.value.message_dict["text"] == ["请填写答复内容。"]
    move(c, "close", admin)
    before = _fresh(c)
    with pytest.raises(ValidationError) as exc:
        move(c, "answer", lawyer, role="lawyer", text="迟到的答复")
    assert "已结束" in exc.value.message_dict["action"][0]
    after = _fresh(c)
    assert (after.status, after.answered_at) == (before.status, before.answered_at)
    with scopes_disabled():
        assert ConsultationMessage.objects.filter(consultation=c).count() == 1


def test_double_submit_acts_once(people):
    member, lawyer, admin = people["member"], people["lawyer1"], people["municipal"]
    token = uuid.uuid4()
    first = ask(member, token=token)
    again = ask(member, token=token)
    assert first.pk == again.pk
    move(first, "assign", admin, lawyer=lawyer)
    move(first, "assign", admin, lawyer=lawyer)
    move(first, "answer", lawyer, role="lawyer", text="答复一次")
    move(first, "answer", lawyer, role="lawyer", text="答复一次")
    move(first, "close", member, role="teacher")
    move(first, "close", member, role="teacher")
    with scopes_disabled():
        assert Consultation.objects.filter(asker=member).count() == 1
        assert ConsultationMessage.objects.filter(consultation=first, kind="answer").count() == 1
        assert AuditLog.objects.filter(action="legal_aid.assign").count() == 1
        assert AuditLog.objects.filter(action="legal_aid.close").count() == 1


def test_a_lawyer_sees_only_assigned_and_a_member_only_their_own(people, tree):
    member, other, admin = people["member"], people["other_member"], people["municipal"]
    lawyer1, lawyer2 = people["lawyer1"], people["lawyer2"]
    mine = move(ask(member, title="我的咨询"), "assign", admin, lawyer=lawyer1)
    theirs = ask(other, title="别人的咨询")
    with as_person(lawyer1, "lawyer"):
        assert list(Consultation.objects.values_list("title", flat=True)) == ["我的咨询"]
    with as_person(lawyer2, "lawyer"):
        assert not Consultation.objects.exists() and not ConsultationMessage.objects.exists()
        with pytest.raises(Consultation.DoesNotExist):  # not assigned: as if it did not exist
            from apps.legal_aid.services import consultation_transition

            consultation_transition(consultation=mine, action="answer", actor=lawyer2, text="越权答复")
    with as_person(member, "teacher"):
        assert list(Consultation.objects.values_list("pk", flat=True)) == [mine.pk]
    with scope(paths=[tree.haidian.path]):  # a unit's staff never see the centre's consultations
        assert not Consultation.objects.exists()
    with scope(paths=[tree.root.path]):
        assert set(Consultation.objects.values_list("pk", flat=True)) == {mine.pk, theirs.pk}


def test_a_consultation_revealing_a_dispute_becomes_one_case(people):
    member, lawyer, admin = people["member"], people["lawyer1"], people["municipal"]
    c = move(ask(member, category="wages", title="学校拖欠绩效工资"), "assign", admin, lawyer=lawyer)
    c = move(c, "answer", lawyer, role="lawyer", text="建议通过工会反映，转为诉求办理。")
    with pytest.raises(PermissionDenied):
        move(c, "to_case", lawyer, role="lawyer")
    c = move(c, "to_case", admin)
    again = move(c, "to_case", admin)
    with scopes_disabled():
        case = Case.objects.get(source=Source.LEGAL_AID)
        assert Case.objects.filter(source=Source.LEGAL_AID).count() == 1
    assert again.case_id == c.case_id == case.pk
    assert case.order_no == f"FLYZ-{c.pk}" and case.category.code == "wages"
    assert case.petitioner_unit.code == "U-THU" and "建议通过工会反映" in case.content
    assert c.status == S.ANSWERED  # turning it into a case does not end the consultation


def test_lawyer_role_is_granted_only_by_the_municipal_union_at_its_root(people, tree):
    user = people["haidian_clerk"]
    with scope(paths=[tree.haidian.path]), pytest.raises(PermissionDenied):
        role_assign(user=user, organization=tree.haidian, role=Role.LAWYER, actor=people["haidian"])
    with scope(paths=[tree.root.path]), pytest.raises(ValidationError) as exc:
        role_assign(user=user, organization=tree.haidian, role=Role.LAWYER, actor=people["municipal"])
    assert exc.value.message_dict["role"] == ["援助律师只能在市教育工会（法律援助中心）授予。"]
    with scope(paths=[tree.root.path]):
        role_assign(user=user, organization=tree.root, role=Role.LAWYER, actor=people["municipal"])
