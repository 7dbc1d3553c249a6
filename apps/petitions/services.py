"""Writes to cases: receiving an order, the one transition function, attachments, reveal.

Admin, API, import, demo and the beat task all call these; every write is audited.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.crypto import lookup_hash
from apps.core.scoping import in_scope, scopes_disabled
from apps.core.uploads import check_document, original_name, random_name
from apps.members.models import Member
from apps.members.validation import normalize_id_number, normalize_mobile
from apps.organizations.models import Organization

from .enums import AccountStatus, Action, CaseKind, CaseStatus, Satisfaction, Source, Urgency
from .models import Case, CaseAttachment, CaseEvent, Category, PlatformAccount

DISPATCH_PERMISSION = "petitions.dispatch_case"  # the municipal union's moves
HANDLE_PERMISSION = "petitions.change_case"  # the responsible unit's moves
REVEAL_PERMISSION = "petitions.reveal_petitioner"
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

S = CaseStatus
OPEN_ROUND = {S.DISPATCHED, S.SIGNED, S.HANDLING}

# action -> (statuses it may start from, status it leads to (None: unchanged), who may do it)
MOVES: dict[str, tuple[frozenset[str], str | None, str]] = {
    Action.DISPATCH: (frozenset({S.RECEIVED, S.RETURNED}), S.DISPATCHED, DISPATCH_PERMISSION),
    Action.SIGN: (frozenset({S.DISPATCHED}), S.SIGNED, HANDLE_PERMISSION),
    Action.RETURN: (frozenset({S.DISPATCHED, S.SIGNED}), S.RETURNED, HANDLE_PERMISSION),
    Action.CONTACT: (frozenset({S.SIGNED, S.HANDLING}), S.HANDLING, HANDLE_PERMISSION),
    Action.REPLY: (frozenset({S.HANDLING}), S.REPLIED, HANDLE_PERMISSION),
    Action.CLOSE: (frozenset({S.REPLIED}), S.CLOSED, DISPATCH_PERMISSION),
    Action.CALLBACK: (frozenset({S.CLOSED}), S.VISITED, DISPATCH_PERMISSION),
    Action.REOPEN: (frozenset({S.VISITED}), S.DISPATCHED, DISPATCH_PERMISSION),
    Action.REQUEST_EXTENSION: (frozenset({S.SIGNED, S.HANDLING}), None, HANDLE_PERMISSION),
    Action.APPROVE_EXTENSION: (frozenset({S.SIGNED, S.HANDLING}), None, DISPATCH_PERMISSION),
    Action.REFUSE_EXTENSION: (frozenset({S.SIGNED, S.HANDLING}), None, DISPATCH_PERMISSION),
    Action.PAUSE: (frozenset(OPEN_ROUND), None, HANDLE_PERMISSION),
    Action.RESUME: (frozenset(OPEN_ROUND), None, HANDLE_PERMISSION),
    Action.ESCALATE: (frozenset(OPEN_ROUND), None, DISPATCH_PERMISSION),
    Action.WARN: (frozenset(OPEN_ROUND), None, DISPATCH_PERMISSION),
}
# A repeat of these (a double click) finds the case already there and does nothing.
REPEAT_IS_NOOP = {Action.SIGN: S.SIGNED, Action.CLOSE: S.CLOSED, Action.CALLBACK: S.VISITED}
MAX_EXTENSION_HOURS = 15 * 8


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _root_of(org: Organization) -> Organization:
    with scopes_disabled():  # the municipal union receives returned cases, whatever the actor's scope
        return Organization._base_manager.get(path=org.path[: org.steplen])


# --- receiving ---------------------------------------------------------------------------


def _petitioner(phone: str, id_number: str) -> tuple[str, str, str, Member | None]:
    errors = {}
    try:
        phone = normalize_mobile(phone) if phone else ""
    except ValidationError as exc:
        errors["petitioner_phone"] = exc.messages
    id_hash, member = "", None
    if id_number:
        try:
            id_number = normalize_id_number(id_number)
        except ValidationError as exc:
            errors["petitioner_id_number"] = exc.messages
        else:
            id_hash = lookup_hash(id_number)
            with scopes_disabled():  # matching a petitioner to the registry is a city-wide look-up by keyed hash
                member = Member._base_manager.filter(id_hash=id_hash, status="active").first()
    if errors:
        raise ValidationError(errors)
    return phone, id_number or "", id_hash, member


@transaction.atomic
def case_receive(*, source: str, received_at: dt.datetime, petitioner_name: str, category: Category,
                 title: str, content: str, actor=None, order_no: str = "", petitioner_phone: str = "",
                 petitioner_id_number: str = "", petitioner_unit: Organization | None = None,
                 urgency: str = Urgency.NORMAL, kind: str = CaseKind.PETITION, receiver: Organization | None = None,
                 **warning) -> tuple[Case, bool]:
    """受理: register an order (the municipal union holds it until dispatched). The same
    platform order number from the same source returns the existing case unchanged."""
    errors: dict[str, list[str]] = {}
    if source not in Source.values:
        errors["source"] = ["未知来源。"]
    if urgency not in Urgency.values:
        errors["urgency"] = ["紧急程度应为紧急、一般或复杂。"]
    if kind not in CaseKind.values:
        errors["kind"] = ["未知类型。"]
    if not (petitioner_name or "").strip():
        errors["petitioner_name"] = ["请填写诉求人姓名。"]
    if not (title or "").strip():
        errors["title"] = ["请填写标题。"]
    if not (content or "").strip():
        errors["content"] = ["请填写诉求内容。"]
    if received_at is None or received_at > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = ["受理时间不能晚于现在。"]
    if source in (Source.P12351, Source.P12345) and not (order_no or "").strip():
        errors["order_no"] = ["平台转来的工单应填写平台工单号。"]
    unknown = set(warning) - {"warning_kind", "warning_level", "reporter", "steps"}
    if unknown:
        raise ValidationError("未知字段：" + "、".join(sorted(unknown)))
    if kind == CaseKind.WARNING and not (warning.get("warning_kind") and warning.get("warning_level")):
        errors["warning_kind"] = ["预警应填写预警类型与级别。"]
    try:
        phone, id_number, id_hash, member = _petitioner(petitioner_phone, petitioner_id_number)
    except ValidationError as exc:
        errors |= exc.message_dict
    if errors:
        raise ValidationError(errors)
    order_no = (order_no or "").strip()
    if order_no:
        with scopes_disabled():  # an order number is unique per source city-wide: never a second case
            existing = Case._base_manager.filter(source=source, order_no=order_no).first()
        if existing is not None:
            return existing, False
    if receiver is None:
        acting = getattr(actor, "acting", None)
        receiver = _root_of(acting.organization) if acting else None
        if receiver is None:
            with scopes_disabled():  # the demo and commands receive for the municipal union
                receiver = Organization._base_manager.get(depth=1)
    case = Case(kind=kind, source=source, order_no=order_no, received_at=received_at,
                petitioner_name=petitioner_name.strip(), petitioner_phone=phone, petitioner_id_number=id_number,
                petitioner_id_hash=id_hash, member=member, petitioner_unit=petitioner_unit or (
                    member.organization if member else None),
                category=category, urgency=urgency, title=title.strip(), content=content.strip(),
                organization=receiver, created_by=_user(actor), **warning)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # a concurrent import of the same order won
        with scopes_disabled():  # see above
            return Case._base_manager.get(source=source, order_no=order_no), False
    CaseEvent.objects.create(case=case, action=Action.RECEIVE, at=received_at, actor=_user(actor),
                             to_status=S.RECEIVED, organization=receiver)
    audit_record(actor=actor, action="petitions.receive", target=case,
                 data={"source": source, "order_no": order_no})
    return case, True


# --- the one transition function ----------------------------------------------------------


def _illegal(case: Case, action: str) -> ValidationError:
    return ValidationError({"action": [f"工单当前为“{case.get_status_display()}”，不能{Action(action).label}。"]})


def _since_round(case: Case, action: str):
    start = case.dispatched_at
    events = CaseEvent._base_manager.filter(case=case, action=action)
    return events.filter(at__gte=start) if start else events


def _locked(case: Case) -> Case:
    """The case's row, locked until the transaction ends (scoped: another unit's → DoesNotExist)."""
    return Case.objects.select_for_update(of=("self",)).get(pk=case.pk)


@transaction.atomic
def case_transition(*, case: Case, action: str, actor=None, note: str = "", at: dt.datetime | None = None,
                    unit: Organization | None = None, contact_at: dt.datetime | None = None,
                    reply_text: str = "", satisfaction: str = "", solved: bool | None = None,
                    hours: int | None = None, attachments=(), outcome: str = "", steps: str = "") -> Case:
    """Every move of a case: the moves table, the row lock, a re-check under it, the history
    event and the audit entry in one transaction. Illegal moves raise a Chinese
    ValidationError and change nothing; a repeated 签收/办结/回访 does nothing."""
    if action not in MOVES:
        raise ValidationError({"action": ["未知操作。"]})
    allowed_from, to_status, permission = MOVES[action]
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(f"您没有{Action(action).label}的权限。")
    case = _locked(case)
    if REPEAT_IS_NOOP.get(action) == case.status:
        return case
    if case.status not in allowed_from:
        raise _illegal(case, action)
    at = at or timezone.now()
    note = (note or "").strip()
    changes: dict = {}
    data: dict = {}
    from_status = case.status
    if action == Action.DISPATCH or action == Action.REOPEN:
        if action == Action.REOPEN and case.satisfaction != Satisfaction.UNSATISFIED:
            raise ValidationError({"action": ["只有回访不满意的工单才能重办。"]})
        target = unit or (case.organization if action == Action.REOPEN else case.petitioner_unit)
        if target is None:
            raise ValidationError({"unit": ["请选择承办单位。"]})
        if not in_scope(target.path):
            raise ValidationError({"unit": ["承办单位不在您的管理范围内。"]})
        changes = {"organization": target, "dispatched_at": at, "signed_at": None, "contacted_at": None,
                   "replied_at": None, "closed_at": None, "reply_text": "", "is_paused": False,
                   "extension_pending": False}
        if action == Action.REOPEN:
            changes |= {"satisfaction": "", "solved": None}
        data["unit"] = target.code
    elif action == Action.SIGN:
        changes = {"signed_at": at}
    elif action == Action.RETURN:
        if not note:
            raise ValidationError({"note": ["退单应填写原因。"]})
        changes = {"organization": _root_of(case.organization), "is_paused": False, "extension_pending": False}
        data["unit"] = case.organization.code
    elif action == Action.CONTACT:
        contact_at = contact_at or at
        if case.signed_at and contact_at < case.signed_at or contact_at > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError({"contact_at": ["联系时间应在签收之后、现在之前。"]})
        if case.contacted_at is None:
            changes["contacted_at"] = contact_at
        data["contact_at"] = contact_at.isoformat()
    elif action == Action.REPLY:
        if not (reply_text or "").strip():
            raise ValidationError({"reply_text": ["请填写答复内容。"]})
        if case.is_paused:
            raise ValidationError({"action": ["工单暂停中，请先恢复再答复。"]})
        changes = {"replied_at": at, "reply_text": reply_text.strip()}
        if case.kind == CaseKind.WARNING and (steps or "").strip():
            changes["steps"] = steps.strip()  # a warning's reply reports the steps taken
    elif action == Action.CLOSE:
        changes = {"closed_at": at}
        if case.kind == CaseKind.WARNING:
            if not (outcome or "").strip():
                raise ValidationError({"outcome": ["预警办结应填写处置结果。"]})
            changes["outcome"] = outcome.strip()
            data["outcome"] = outcome.strip()
    elif action == Action.CALLBACK:
        if case.kind == CaseKind.WARNING:
            raise ValidationError({"action": ["劳动关系预警以处置结果办结，无需回访。"]})
        if satisfaction not in Satisfaction.values:
            raise ValidationError({"satisfaction": ["请选择回访结果：满意、基本满意或不满意。"]})
        solved = satisfaction != Satisfaction.UNSATISFIED if solved is None else bool(solved)
        changes = {"satisfaction": satisfaction, "solved": solved}
        data |= {"satisfaction": satisfaction, "solved": solved}
    elif action == Action.REQUEST_EXTENSION:
        if case.extension_pending:
            raise ValidationError({"action": ["已有待审批的延期申请。"]})
        if not isinstance(hours, int) or not 0 < hours <= MAX_EXTENSION_HOURS:
            raise ValidationError({"hours": [f"延期时长应为 1 至 {MAX_EXTENSION_HOURS} 个工作小时。"]})
        if not note:
            raise ValidationError({"note": ["申请延期应填写原因。"]})
        changes = {"extension_pending": True}
        data["hours"] = hours
    elif action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
        if not case.extension_pending:
            raise ValidationError({"action": ["没有待审批的延期申请。"]})
        changes = {"extension_pending": False}
        if action == Action.APPROVE_EXTENSION:
            request = _since_round(case, Action.REQUEST_EXTENSION).order_by("-at", "-id").first()
            data["hours"] = int(request.data.get("hours", 0)) if request else 0
        elif not note:
            raise ValidationError({"note": ["驳回延期应填写原因。"]})
    elif action == Action.PAUSE:
        if case.is_paused:
            raise ValidationError({"action": ["工单已在暂停中。"]})
        if not note:
            raise ValidationError({"note": ["暂停应填写原因（如等待诉求人或第三方）。"]})
        changes = {"is_paused": True}
    elif action == Action.RESUME:
        if not case.is_paused:
            raise ValidationError({"action": ["工单未暂停。"]})
        changes = {"is_paused": False}
    elif action in (Action.ESCALATE, Action.WARN):
        if _since_round(case, action).exists():
            return case  # once per round
    if to_status is not None:
        changes["status"] = to_status
    for field, value in changes.items():
        setattr(case, field, value)
    if changes:
        case.save(update_fields=[*changes, "updated_at"])
    event = CaseEvent.objects.create(case=case, action=action, at=at, actor=_user(actor), from_status=from_status,
                                     to_status=case.status, organization=case.organization, note=note, data=data)
    for upload in attachments:
        _attach(case=case, upload=upload, actor=actor, event=event)
    audit_record(actor=actor, action=f"petitions.{action}", target=case,
                 data={"from": from_status, "to": case.status, **data})
    return case


# --- attachments, reveal, detail opens ------------------------------------------------------


def _attach(*, case: Case, upload, actor, event: CaseEvent | None) -> CaseAttachment:
    kind = check_document(upload, max_bytes=ATTACHMENT_MAX_BYTES)
    attachment = CaseAttachment(case=case, event=event, original_name=original_name(upload, kind),
                                uploaded_by=_user(actor))
    attachment.file.save(random_name(kind), upload, save=False)
    attachment.save()
    audit_record(actor=actor, action="petitions.attach", target=case, data={"attachment": attachment.pk})
    return attachment


@transaction.atomic
def case_attach(*, case: Case, upload, actor) -> CaseAttachment:
    case = Case.objects.get(pk=case.pk)  # scoped
    if actor is not None and not actor.has_perm(HANDLE_PERMISSION):
        raise PermissionDenied("您没有上传附件的权限。")
    return _attach(case=case, upload=upload, actor=actor, event=None)


def case_reveal(*, case: Case, actor, reason: str) -> dict[str, str]:
    """The petitioner's full phone and ID: a permission, a reason, an audit entry."""
    if not actor.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied("您没有查看诉求人完整信息的权限。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写查看原因。"]})
    audit_record(actor=actor, action="petitions.reveal", target=case, data={"reason": reason})
    return {"petitioner_phone": case.petitioner_phone, "petitioner_id_number": case.petitioner_id_number}


def case_opened(*, case: Case, actor, via: str) -> None:
    """Every open of a case's detail is in the audit log."""
    audit_record(actor=actor, action="petitions.open", target=case, data={"via": via})


# --- the 12351 platform accounts ------------------------------------------------------------


@transaction.atomic
def account_register(*, organization: Organization, holder_name: str, phone: str, opened_on: dt.date,
                     actor=None, member: Member | None = None, notes: str = "") -> PlatformAccount:
    """Record a staff account on the 12351 platform (one active account per phone)."""
    errors: dict[str, list[str]] = {}
    if not (holder_name or "").strip():
        errors["holder_name"] = ["请填写持有人姓名。"]
    try:
        phone = normalize_mobile(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if not phone and "phone" not in errors:
        errors["phone"] = ["请填写认证手机号。"]
    if not in_scope(organization.path):
        errors["organization"] = ["所属单位不在您的管理范围内。"]
    if errors:
        raise ValidationError(errors)
    account = PlatformAccount(organization=organization, holder_name=holder_name.strip(), member=member,
                              phone=phone, phone_hash=lookup_hash(phone), opened_on=opened_on, notes=notes)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise ValidationError({"phone": ["该手机号已开通平台账号。"]}) from exc
    audit_record(actor=actor, action="petitions.account_register", target=account)
    return account


@transaction.atomic
def account_set_status(*, account: PlatformAccount, status: str, actor=None, reason: str = "") -> PlatformAccount:
    if status not in AccountStatus.values:
        raise ValidationError({"status": ["未知状态。"]})
    account = PlatformAccount.objects.select_for_update(of=("self",)).get(pk=account.pk)
    if account.status == status:
        return account
    previous, account.status = account.status, status
    try:
        with transaction.atomic():
            account.save(update_fields=["status"])
    except IntegrityError as exc:
        raise ValidationError({"status": ["该手机号已有另一个开通的账号。"]}) from exc
    audit_record(actor=actor, action="petitions.account_status", target=account,
                 data={"from": previous, "to": status, "reason": reason})
    return account
