"""Writes to legal-aid consultations: asking, the one transition function (assign, answer,
follow up, close, turn into a case), attachments and detail opens — every write audited.

Pages, admin, API and the demo all call these."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.enums import Role
from apps.accounts.models import RoleAssignment, User
from apps.core.audit import audit_record
from apps.core.scoping import scopes_disabled
from apps.core.uploads import check_document, original_name, random_name
from apps.organizations.models import Organization
from apps.petitions.enums import Source, Urgency
from apps.petitions.models import Category
from apps.petitions.services import case_receive

from .enums import ConsultationAction, ConsultationCategory, ConsultationStatus, MessageKind
from .models import Consultation, ConsultationAttachment, ConsultationMessage

ASK_PERMISSION = "legal_aid.ask_consultation"
ANSWER_PERMISSION = "legal_aid.answer_consultation"
ASSIGN_PERMISSION = "legal_aid.assign_consultation"
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MAX_TEXT = 5000

S = ConsultationStatus
A = ConsultationAction
# action -> (statuses it may start from, status it leads to (None: unchanged), permission)
MOVES: dict[str, tuple[frozenset[str], str | None, str]] = {
    A.ASSIGN: (frozenset({S.SUBMITTED, S.ASSIGNED, S.ANSWERED}), S.ASSIGNED, ASSIGN_PERMISSION),
    A.ANSWER: (frozenset({S.ASSIGNED}), S.ANSWERED, ANSWER_PERMISSION),
    A.FOLLOW_UP: (frozenset({S.ANSWERED}), S.ASSIGNED, ASK_PERMISSION),
    A.CLOSE: (frozenset({S.SUBMITTED, S.ASSIGNED, S.ANSWERED}), S.CLOSED, ""),
    A.TO_CASE: (frozenset({S.ASSIGNED, S.ANSWERED, S.CLOSED}), None, ASSIGN_PERMISSION),
}
# The category a consultation's case is filed under (the petitions category tree's codes).
CASE_CATEGORY = {
    ConsultationCategory.CONTRACT: "contract", ConsultationCategory.WAGES: "wages",
    ConsultationCategory.INSURANCE: "insurance", ConsultationCategory.TITLES: "titles",
}


def _centre() -> Organization:
    with scopes_disabled():  # the legal-aid centre is the municipal union, whoever asks
        return Organization._base_manager.get(depth=1)


def _text(value: str, field: str, empty: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [empty]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [f"内容不能超过 {MAX_TEXT} 字。"]})
    return value


def lawyer_pool():
    """Users holding an active 援助律师 role (the centre's pool)."""
    with scopes_disabled():  # the pool is the centre's register of roles, read to offer a choice
        ids = RoleAssignment.objects.filter(role=Role.LAWYER, is_active=True).values("user_id")
        return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


def _is_lawyer(user) -> bool:
    return user is not None and lawyer_pool().filter(pk=user.pk).exists()


@transaction.atomic
def consultation_ask(*, actor, category: str, title: str, question: str, token: uuid.UUID | None = None,
                     attachments=()) -> tuple[Consultation, bool]:
    """A member asks (from the phone). The same submit token returns the first consultation."""
    if not actor.has_perm(ASK_PERMISSION):
        raise PermissionDenied("您没有提出法律咨询的权限。")
    errors: dict[str, list[str]] = {}
    if category not in ConsultationCategory.values:
        errors["category"] = ["请选择咨询类别。"]
    if not (title or "").strip():
        errors["title"] = ["请填写标题。"]
    elif len(title.strip()) > 100:
        errors["title"] = ["标题不能超过 100 字。"]
    try:
        question = _text(question, "question", "请填写咨询内容。")
    except ValidationError as exc:
        errors |= exc.message_dict
    if errors:
        raise ValidationError(errors)
    if token is not None:
        existing = Consultation.objects.filter(asker=actor, token=token).first()
        if existing is not None:
            return existing, False
    acting = getattr(actor, "acting", None)
    consultation = Consultation(organization=_centre(), asker=actor, asker_unit=acting.organization if acting else None,
                                category=category, title=title.strip(), question=question, token=token)
    try:
        with transaction.atomic():
            consultation.save()
    except IntegrityError:  # a concurrent double submit won
        return Consultation.objects.get(asker=actor, token=token), False
    message = ConsultationMessage.objects.create(consultation=consultation, kind=MessageKind.QUESTION, author=actor,
                                                 text=question)
    for upload in attachments:
        _attach(consultation=consultation, message=message, upload=upload, actor=actor)
    audit_record(actor=actor, action="legal_aid.ask", target=consultation, data={"category": category})
    return consultation, True


def _illegal(consultation: Consultation, action: str) -> ValidationError:
    return ValidationError({"action": [
        f"咨询当前为“{consultation.get_status_display()}”，不能{ConsultationAction(action).label}。"]})


def _last_message(consultation: Consultation) -> ConsultationMessage | None:
    return ConsultationMessage._base_manager.filter(consultation=consultation).order_by("-at", "-id").first()


def _locked(consultation: Consultation) -> Consultation:
    """The consultation's row, locked until the transaction ends (scoped: not theirs → DoesNotExist)."""
    return Consultation.objects.select_for_update(of=("self",)).get(pk=consultation.pk)


@transaction.atomic
def consultation_transition(*, consultation: Consultation, action: str, actor, lawyer: User | None = None,
                            text: str = "", attachments=()) -> Consultation:
    """Every status move of a consultation: the moves table, the row lock (scoped: someone
    who may not see it gets DoesNotExist), a re-check under it and the audit entry. Illegal
    moves are Chinese errors that change nothing; a double submit acts once."""
    if action not in MOVES:
        raise ValidationError({"action": ["未知操作。"]})
    allowed_from, to_status, permission = MOVES[action]
    label = ConsultationAction(action).label
    if permission and not actor.has_perm(permission):
        raise PermissionDenied(f"您没有{label}的权限。")
    consultation = _locked(consultation)
    now = timezone.now()
    from_status = consultation.status
    changes: dict = {}
    data: dict = {}
    message_kind = None
    last = _last_message(consultation)
    if action == A.ASSIGN:
        if lawyer is None or not _is_lawyer(lawyer):
            raise ValidationError({"lawyer": ["请从律师库中选择援助律师。"]})
        if consultation.status == S.ASSIGNED and consultation.lawyer_id == lawyer.pk:
            return consultation  # a double click
        if consultation.status == S.ANSWERED and consultation.lawyer_id == lawyer.pk:
            raise ValidationError({"lawyer": ["这位律师已答复本咨询；改派请选择其他律师。"]})
        changes = {"lawyer": lawyer, "assigned_at": now}
        data["lawyer"] = lawyer.username
    elif action in (A.ANSWER, A.FOLLOW_UP):
        text = _text(text, "text", "请填写答复内容。" if action == A.ANSWER else "请填写追问内容。")
        kind = MessageKind.ANSWER if action == A.ANSWER else MessageKind.FOLLOW_UP
        if (last is not None and last.kind == kind and last.author_id == actor.pk and last.text == text
                and consultation.status == to_status):
            return consultation  # the same post submitted twice
        if action == A.ANSWER and consultation.lawyer_id != actor.pk:
            raise PermissionDenied("只有分配的律师才能答复。")
        if action == A.FOLLOW_UP and consultation.asker_id != actor.pk:
            raise PermissionDenied("只有咨询人本人才能追问。")
        message_kind = kind
        if action == A.ANSWER:
            changes["answered_at"] = now
    elif action == A.CLOSE:
        if consultation.status == S.CLOSED:
            return consultation
        if consultation.asker_id != actor.pk and not actor.has_perm(ASSIGN_PERMISSION):
            raise PermissionDenied("只有咨询人本人或法律援助中心才能结束咨询。")
        changes = {"closed_at": now}
    elif action == A.TO_CASE:
        if consultation.case_id is not None:
            return consultation  # already turned into a case
        if not actor.has_perm("petitions.add_case"):
            raise PermissionDenied("您没有受理诉求工单的权限。")
    if consultation.status not in allowed_from:
        raise _illegal(consultation, action)
    if action == A.TO_CASE:
        case = _to_case(consultation, actor)
        changes["case"] = case
        data["case"] = case.pk
    if to_status is not None:
        changes["status"] = to_status
    for field, value in changes.items():
        setattr(consultation, field, value)
    consultation.save(update_fields=[*changes, "updated_at"])
    if message_kind is not None:
        message = ConsultationMessage.objects.create(consultation=consultation, kind=message_kind, author=actor,
                                                     text=text)
        for upload in attachments:
            _attach(consultation=consultation, message=message, upload=upload, actor=actor)
    audit_record(actor=actor, action=f"legal_aid.{action}", target=consultation,
                 data={"from": from_status, "to": consultation.status, **data})
    return consultation


def _to_case(consultation: Consultation, actor):
    """A consultation that reveals a dispute becomes a petition case (source 法律援助平台), once."""
    code = CASE_CATEGORY.get(consultation.category, "other")
    category = Category.objects.get(code=code)
    thread = "\n\n".join(f"【{m.get_kind_display()}】{m.text}" for m in
                         ConsultationMessage._base_manager.filter(consultation=consultation).order_by("at", "id"))
    with scopes_disabled():  # the asker's name for the case, whoever turns it
        asker = User._base_manager.get(pk=consultation.asker_id)
    case, _ = case_receive(source=Source.LEGAL_AID, order_no=f"FLYZ-{consultation.pk}",
                           received_at=timezone.now(), petitioner_name=asker.full_name or asker.username,
                           petitioner_unit=consultation.asker_unit, category=category, urgency=Urgency.NORMAL,
                           title=consultation.title, content=thread, actor=actor)
    return case


def _attach(*, consultation: Consultation, message: ConsultationMessage | None, upload, actor) -> ConsultationAttachment:
    kind = check_document(upload, max_bytes=ATTACHMENT_MAX_BYTES)
    attachment = ConsultationAttachment(consultation=consultation, message=message,
                                        original_name=original_name(upload, kind), uploaded_by=actor)
    attachment.file.save(random_name(kind), upload, save=False)
    attachment.save()
    audit_record(actor=actor, action="legal_aid.attach", target=consultation, data={"attachment": attachment.pk})
    return attachment


def consultation_opened(*, consultation: Consultation, actor, via: str) -> None:
    """Every open of a consultation's detail is in the audit log."""
    audit_record(actor=actor, action="legal_aid.open", target=consultation, data={"via": via})


@transaction.atomic
def consultation_attach(*, consultation: Consultation, upload, actor) -> ConsultationAttachment:
    """An extra document from the asker or the assigned lawyer while the consultation is open."""
    consultation = Consultation.objects.get(pk=consultation.pk)  # scoped
    if actor.pk not in (consultation.asker_id, consultation.lawyer_id):
        raise PermissionDenied("只有咨询人本人或分配的律师才能上传附件。")
    if consultation.status == S.CLOSED:
        raise ValidationError({"file": ["咨询已结束，不能再上传附件。"]})
    return _attach(consultation=consultation, message=None, upload=upload, actor=actor)
