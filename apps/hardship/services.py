"""Writes to hardship files and assistance applications: open, review, close; submit, the one
transition function (tiers, the fund's grant, the payment batch), evidence; detail reads
audited. Admin, API and demo all call these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import scopes_disabled
from apps.core.uploads import check_document, original_name, random_name
from apps.members.enums import MemberStatus
from apps.members.models import Member
from apps.payments.enums import BatchPurpose
from apps.payments.services import money, payment_batch_add_items, payment_batch_create, payment_batch_submit

from .enums import (
    FILE_MOVES, LIVE_APPLICATION, AidKind, ApplicationAction, ApplicationStatus, FileStatus, HardshipLevel,
)
from .fund import fund_grant
from .models import AidApplication, AidEvidence, HardshipFile, HardshipReview, LoveFund
from .rules import check_duplicate_aid, lock_person, municipal_threshold

CHANGE_FILE = "hardship.change_hardshipfile"
CHANGE_APPLICATION = "hardship.change_aidapplication"
MUNICIPAL_APPROVE = "hardship.approve_municipal"
PAY_PERMISSION = "payments.add_paymentbatch"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
REVIEW_EVERY_DAYS = 365


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_perm(actor, permission: str, what: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(f"您没有{what}的权限。")


# --- files --------------------------------------------------------------------------------


def _household(level: str, household_size, household_income) -> dict:
    errors: dict[str, list[str]] = {}
    if level not in HardshipLevel.values:
        errors["level"] = ["困难程度应为一般困难或深度困难。"]
    if not isinstance(household_size, int) or not 1 <= household_size <= 30:
        errors["household_size"] = ["家庭人口应为 1 至 30 人。"]
    try:
        income = Decimal(str(household_income)).quantize(Decimal("0.01"))
        if not income.is_finite() or income < 0 or income >= Decimal("1e10"):
            raise ValueError
    except (ArithmeticError, ValueError):
        errors["household_income"] = ["家庭年收入应为不小于 0 的金额。"]
        income = None
    if errors:
        raise ValidationError(errors)
    return {"level": level, "household_size": household_size, "household_income": income}


@transaction.atomic
def file_open(*, member: Member, level: str, causes: str, household_size: int, household_income,
              opened_on: dt.date | None = None, actor=None) -> HardshipFile:
    """建档: one open file per person city-wide (by ID hash)."""
    _check_perm(actor, "hardship.add_hardshipfile", "建立困难档案")
    member = Member.objects.select_related("organization").get(pk=member.pk)  # scoped: another unit's → 404
    errors: dict[str, list[str]] = {}
    try:
        facts = _household(level, household_size, household_income)
    except ValidationError as exc:
        errors |= exc.message_dict
    if not (causes or "").strip():
        errors["causes"] = ["请填写致困原因。"]
    if member.status != MemberStatus.ACTIVE:
        errors["member"] = ["只能为在会会员建立困难档案。"]
    opened_on = opened_on or timezone.localdate()
    if opened_on > timezone.localdate():
        errors["opened_on"] = ["建档日期不能晚于今天。"]
    if errors:
        raise ValidationError(errors)
    lock_person(member.id_hash)
    with scopes_disabled():  # one open file per person, whichever unit holds it
        if HardshipFile._base_manager.filter(id_hash=member.id_hash, status=FileStatus.OPEN).exists():
            raise ValidationError({"member": ["该职工已有在档的困难档案（可能在其他单位），请复核原档案。"]})
    file = HardshipFile(member=member, organization=member.organization, id_hash=member.id_hash,
                        causes=causes.strip(), opened_on=opened_on, last_reviewed_on=opened_on,
                        next_review_on=opened_on + dt.timedelta(days=REVIEW_EVERY_DAYS), created_by=_user(actor),
                        **facts)
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError as exc:
        raise ValidationError({"member": ["该职工已有在档的困难档案。"]}) from exc
    HardshipReview.objects.create(file=file, reviewed_on=opened_on, note="建档", reviewed_by=_user(actor), **facts)
    audit_record(actor=actor, action="hardship.file_open", target=file, data={"level": level})
    return file


def _locked_file(file: HardshipFile) -> HardshipFile:
    return HardshipFile.objects.select_for_update(of=("self",)).get(pk=file.pk)


@transaction.atomic
def file_transition(*, file: HardshipFile, to: str, actor=None, reason: str = "",
                    on: dt.date | None = None) -> HardshipFile:
    """The one writer of a file's status: 销档 (no longer in hardship) or 重新建档."""
    _check_perm(actor, CHANGE_FILE, "变更困难档案")
    file = _locked_file(file)
    if file.status == to:
        return file
    if to not in FILE_MOVES.get(file.status, ()):
        raise ValidationError({"status": [f"档案当前为“{file.get_status_display()}”，不能改为该状态。"]})
    on = on or timezone.localdate()
    previous = file.status
    if to == FileStatus.CLOSED:
        if not (reason or "").strip():
            raise ValidationError({"reason": ["销档应填写原因（如已脱困）。"]})
        changes = {"closed_on": on, "close_reason": reason.strip()}
    else:
        with scopes_disabled():  # one open file per person, whichever unit holds it
            if HardshipFile._base_manager.filter(id_hash=file.id_hash, status=FileStatus.OPEN).exists():
                raise ValidationError({"status": ["该职工已有另一份在档的困难档案。"]})
        changes = {"closed_on": None, "close_reason": "", "last_reviewed_on": on,
                   "next_review_on": on + dt.timedelta(days=REVIEW_EVERY_DAYS)}
    changes["status"] = to
    for field, value in changes.items():
        setattr(file, field, value)
    file.save(update_fields=list(changes))
    audit_record(actor=actor, action="hardship.file_status", target=file,
                 data={"from": previous, "to": to, "reason": reason})
    return file


@transaction.atomic
def file_review(*, file: HardshipFile, level: str, household_size: int, household_income,
                still_in_hardship: bool = True, note: str = "", reviewed_on: dt.date | None = None,
                actor=None) -> HardshipReview:
    """年度复核: record the facts found; a member no longer in hardship has the file closed."""
    _check_perm(actor, CHANGE_FILE, "复核困难档案")
    facts = _household(level, household_size, household_income)
    reviewed_on = reviewed_on or timezone.localdate()
    locked = _locked_file(file)
    if locked.status != FileStatus.OPEN:
        raise ValidationError({"status": ["档案已销档，不能复核；如再次困难请重新建档。"]})
    if reviewed_on > timezone.localdate() or reviewed_on < locked.last_reviewed_on:
        raise ValidationError({"reviewed_on": ["复核日期应在上次复核之后、今天之前。"]})
    review = HardshipReview.objects.create(file=locked, reviewed_on=reviewed_on, still_in_hardship=still_in_hardship,
                                           note=(note or "").strip()[:500], reviewed_by=_user(actor), **facts)
    HardshipFile.objects.filter(pk=locked.pk).update(
        last_reviewed_on=reviewed_on, next_review_on=reviewed_on + dt.timedelta(days=REVIEW_EVERY_DAYS), **facts)
    audit_record(actor=actor, action="hardship.file_review", target=locked,
                 data={"level": level, "still_in_hardship": still_in_hardship})
    if not still_in_hardship:
        file_transition(file=locked, to=FileStatus.CLOSED, actor=actor, reason=note or "复核：已不属困难职工",
                        on=reviewed_on)
    return review


def file_opened(*, file: HardshipFile, actor, via: str) -> None:
    """Every read of a file's detail is in the audit log."""
    audit_record(actor=actor, action="hardship.file_read", target=file, data={"via": via})


# --- applications -------------------------------------------------------------------------


def default_fund() -> LoveFund:
    with scopes_disabled():  # the city's love fund (the municipal union's) pays unless another is named
        fund = LoveFund._base_manager.select_related("organization").order_by("organization__depth", "pk").first()
    if fund is None:
        raise ValidationError({"fund": ["尚未设立爱心基金。"]})
    return fund


@transaction.atomic
def application_submit(*, member: Member, kind: str, amount, reason: str, applied_on: dt.date | None = None,
                       fund: LoveFund | None = None, actor=None, evidence=()) -> AidApplication:
    """申报: the unit files an application for its member; the duplicate-aid rules are checked
    now (and again at approval)."""
    _check_perm(actor, "hardship.add_aidapplication", "申报帮扶")
    member = Member.objects.select_related("organization").get(pk=member.pk)  # scoped
    errors: dict[str, list[str]] = {}
    if kind not in AidKind.values:
        errors["kind"] = ["帮扶类型应为生活救助、医疗救助、助学或临时救助。"]
    try:
        amount = money(amount)
    except ValidationError as exc:
        errors |= exc.message_dict
    if not (reason or "").strip():
        errors["reason"] = ["请填写申请事由。"]
    if member.status != MemberStatus.ACTIVE:
        errors["member"] = ["只能为在会会员申报帮扶。"]
    applied_on = applied_on or timezone.localdate()
    if applied_on > timezone.localdate():
        errors["applied_on"] = ["申请日期不能晚于今天。"]
    if errors:
        raise ValidationError(errors)
    lock_person(member.id_hash)
    with scopes_disabled():  # a double submit (the same application again) finds the first one
        same = AidApplication._base_manager.filter(id_hash=member.id_hash, kind=kind, amount=amount,
                                                   applied_on=applied_on, reason=reason.strip(),
                                                   status__in=LIVE_APPLICATION).first()
    if same is not None:
        return same
    check_duplicate_aid(id_hash=member.id_hash, kind=kind, amount=amount, on=applied_on)
    with scopes_disabled():  # the member's open file, wherever it is kept
        file = HardshipFile._base_manager.filter(id_hash=member.id_hash, status=FileStatus.OPEN).first()
    application = AidApplication.objects.create(
        member=member, organization=member.organization, id_hash=member.id_hash, file=file,
        fund=fund or default_fund(), kind=kind, amount=amount, reason=reason.strip(), applied_on=applied_on,
        created_by=_user(actor))
    for upload in evidence:
        _attach(application=application, upload=upload, actor=actor)
    audit_record(actor=actor, action="hardship.apply", target=application,
                 data={"kind": kind, "amount": str(amount)})
    return application


A = ApplicationAction
S = ApplicationStatus
# action -> (statuses it may start from, permission); the target of 单位审核 depends on the amount.
MOVES: dict[str, tuple[frozenset[str], str]] = {
    A.UNIT_APPROVE: (frozenset({S.SUBMITTED}), CHANGE_APPLICATION),
    A.MUNICIPAL_APPROVE: (frozenset({S.UNIT_APPROVED}), MUNICIPAL_APPROVE),
    A.REJECT: (frozenset({S.SUBMITTED, S.UNIT_APPROVED}), CHANGE_APPLICATION),
    A.PAY: (frozenset({S.APPROVED}), PAY_PERMISSION),
}
# A repeat (a double click) that finds the application already past the move does nothing.
ALREADY_DONE = {A.UNIT_APPROVE: {S.UNIT_APPROVED, S.APPROVED, S.PAYING}, A.MUNICIPAL_APPROVE: {S.APPROVED, S.PAYING},
                A.REJECT: {S.REJECTED}, A.PAY: {S.PAYING}}


def _approve(application: AidApplication, actor) -> dict:
    lock_person(application.id_hash)
    check_duplicate_aid(id_hash=application.id_hash, kind=application.kind, amount=application.amount,
                        on=application.applied_on, exclude_pk=application.pk)
    fund_grant(application=application, actor=actor)
    return {"status": S.APPROVED, "approved_by": _user(actor), "approved_at": timezone.now()}


def _pay(application: AidApplication, actor) -> dict:
    with scopes_disabled():  # the payee is the application's member, wherever the payer's scope reaches
        member = Member._base_manager.select_related("organization").get(pk=application.member_id)
    batch = payment_batch_create(organization=application.organization, purpose=BatchPurpose.HARDSHIP_GRANT,
                                 title=f"{application.get_kind_display()}·{member.name}", actor=_user(actor),
                                 source=application)
    payment_batch_add_items(batch=batch, entries=[(member, application.amount)], actor=_user(actor))
    payment_batch_submit(batch=batch, actor=_user(actor))
    return {"status": S.PAYING, "batch": batch}


@transaction.atomic
def application_transition(*, application: AidApplication, action: str, actor=None,
                           reason: str = "") -> AidApplication:
    """Every move of an application: 单位审核 (final up to the threshold, else on to the
    municipal union), 市级审批, 驳回, 生成发放批次. Approval re-checks the duplicate-aid rules
    and takes the grant out of the love fund; paying makes a payment batch (source = the
    application) and submits it for a second person's approval."""
    if action not in MOVES:
        raise ValidationError({"action": ["未知操作。"]})
    allowed_from, permission = MOVES[action]
    _check_perm(actor, permission, ApplicationAction(action).label)
    locked = AidApplication.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if locked.status in ALREADY_DONE[action]:
        return locked
    if locked.status not in allowed_from:
        raise ValidationError({"action": [f"申请当前为“{locked.get_status_display()}”，不能{ApplicationAction(action).label}。"]})
    previous = locked.status
    if action == A.UNIT_APPROVE:
        changes = {"unit_approved_by": _user(actor)}
        if locked.amount > municipal_threshold():
            changes["status"] = S.UNIT_APPROVED
        else:
            changes |= _approve(locked, actor)
    elif action == A.MUNICIPAL_APPROVE:
        changes = _approve(locked, actor)
    elif action == A.REJECT:
        if not (reason or "").strip():
            raise ValidationError({"reason": ["驳回应填写原因。"]})
        changes = {"status": S.REJECTED, "reject_reason": reason.strip()[:200]}
    else:
        changes = _pay(locked, actor)
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save(update_fields=list(changes))
    audit_record(actor=actor, action=f"hardship.{action}", target=locked,
                 data={"from": previous, "to": locked.status, "reason": reason})
    return locked


def _attach(*, application: AidApplication, upload, actor) -> AidEvidence:
    kind = check_document(upload, max_bytes=EVIDENCE_MAX_BYTES)
    evidence = AidEvidence(application=application, original_name=original_name(upload, kind),
                           uploaded_by=_user(actor))
    evidence.file.save(random_name(kind), upload, save=False)
    evidence.save()
    audit_record(actor=actor, action="hardship.evidence", target=application, data={"evidence": evidence.pk})
    return evidence


@transaction.atomic
def application_attach(*, application: AidApplication, upload, actor) -> AidEvidence:
    _check_perm(actor, "hardship.add_aidapplication", "上传证明材料")
    application = AidApplication.objects.get(pk=application.pk)  # scoped
    return _attach(application=application, upload=upload, actor=actor)
