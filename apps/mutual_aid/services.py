"""Writes to mutual aid: enrolment (a member query, the model workers' automatic enrolment;
the Excel list is in ``importing``), claims (filed, computed by the plan's rule and capped),
the one transition function (tiers, the payment batch) and evidence. Every write is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import in_scope, scopes_disabled
from apps.core.uploads import check_document, original_name, random_name
from apps.honours.enums import HolderKind, HonourStatus
from apps.honours.models import Honour
from apps.members.enums import Gender, MemberStatus
from apps.members.models import Member
from apps.organizations.models import Organization
from apps.payments.enums import BatchPurpose
from apps.payments.services import payment_batch_add_items, payment_batch_create, payment_batch_submit

from .enums import LIVE_CLAIM, BenefitRule, ClaimAction, ClaimStatus, Eligibility, EnrolmentSource
from .models import Claim, ClaimEvidence, Enrolment, Plan

ENROL_PERMISSION = "mutual_aid.add_enrolment"
CHANGE_CLAIM = "mutual_aid.change_claim"
MUNICIPAL_APPROVE = "mutual_aid.approve_municipal"
PAY_PERMISSION = "payments.add_paymentbatch"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
CENT = Decimal("0.01")


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_perm(actor, permission: str, what: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(f"您没有{what}的权限。")


def municipal_threshold() -> Decimal:
    """Claims above this amount need the municipal union's approval after the unit's."""
    return Decimal(str(getattr(settings, "MUTUAL_AID_MUNICIPAL_ABOVE", "5000.00")))


def _check_year(year) -> None:
    today = timezone.localdate()
    if not isinstance(year, int) or not 2000 <= year <= today.year + 1:
        raise ValidationError({"year": [f"年度应为 2000 至 {today.year + 1} 之间的年份。"]})


# --- enrolment -----------------------------------------------------------------------------


def model_worker_ids(member_ids=None) -> set[int]:
    """Members on the honours roll (a person's honour that is 在册) in the active scope."""
    honours = Honour.objects.filter(status=HonourStatus.ON_ROLL, title__holder_kind=HolderKind.PERSON,
                                    member__isnull=False)
    if member_ids is not None:
        honours = honours.filter(member_id__in=list(member_ids))
    return set(honours.values_list("member_id", flat=True))


def ineligible_reason(plan: Plan, member: Member, model_workers: set[int]) -> str:
    if member.status != MemberStatus.ACTIVE:
        return "不是在会会员。"
    if plan.eligibility == Eligibility.WOMEN and member.gender != Gender.FEMALE:
        return f"“{plan.name}”只面向女职工。"
    if plan.eligibility == Eligibility.MODEL_WORKERS and member.pk not in model_workers:
        return f"“{plan.name}”只面向荣誉名册在册的劳动模范。"
    return ""


def _plan_open(plan: Plan) -> None:
    if not plan.is_active:
        raise ValidationError({"plan": [f"“{plan.name}”已停用。"]})


@transaction.atomic
def enrol_members(*, plan: Plan, year: int, organization: Organization, members, actor=None,
                  source: str = EnrolmentSource.QUERY) -> int:
    """Enrol a member query for a plan and year on behalf of ``organization`` (its subtree).
    Members not eligible for the plan (women's plan, model workers' plan) and those already
    enrolled are left out; returns how many were enrolled now (re-running adds nothing)."""
    _check_perm(actor, ENROL_PERMISSION, "办理参保")
    _check_year(year)
    _plan_open(plan)
    if not in_scope(organization.path):
        raise ValidationError({"organization": ["参保单位不在您的管理范围内。"]})
    members = members.filter(organization__path__startswith=organization.path, status=MemberStatus.ACTIVE)
    if plan.eligibility == Eligibility.WOMEN:
        members = members.filter(gender=Gender.FEMALE)
    ids = set(members.values_list("pk", flat=True))
    if plan.eligibility == Eligibility.MODEL_WORKERS:
        ids &= model_worker_ids(ids)
    with scopes_disabled():  # enrolment is once per plan and year city-wide
        ids -= set(Enrolment._base_manager.filter(plan=plan, year=year, member_id__in=ids)
                   .values_list("member_id", flat=True))
    rows = [Enrolment(plan=plan, year=year, member_id=pk, organization=organization, contribution=plan.contribution,
                      source=source, enrolled_by=_user(actor)) for pk in sorted(ids)]
    Enrolment.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    audit_record(actor=actor, action="mutual_aid.enrol", target=organization,
                 data={"plan": plan.code, "year": year, "count": len(rows), "source": source})
    return len(rows)


def enrol_model_workers(*, year: int, actor=None) -> int:
    """Every model worker on the honours roll (in the acting scope) enrolled in the model
    workers' plans for ``year``, each by their own union. Idempotent: returns how many now."""
    _check_year(year)
    plans = list(Plan.objects.filter(eligibility=Eligibility.MODEL_WORKERS, is_active=True))
    if not plans:
        raise ValidationError({"plan": ["没有启用的劳模专项互助保障计划。"]})
    ids = model_worker_ids()
    members = Member.objects.filter(pk__in=ids, status=MemberStatus.ACTIVE).select_related("organization")
    by_unit: dict[int, list[int]] = {}
    units = {}
    for member in members.only("pk", "organization"):
        by_unit.setdefault(member.organization_id, []).append(member.pk)
        units[member.organization_id] = member.organization
    total = 0
    with transaction.atomic():
        for plan in plans:
            for unit_id, member_ids in sorted(by_unit.items()):
                total += enrol_members(plan=plan, year=year, organization=units[unit_id],
                                       members=Member.objects.filter(pk__in=member_ids), actor=actor,
                                       source=EnrolmentSource.AUTO)
    return total


# --- claims ---------------------------------------------------------------------------------


def compute_benefit(plan: Plan, *, days: int | None) -> Decimal:
    """The plan's rule: per day in hospital (from the first counted day) or a fixed sum."""
    if plan.rule == BenefitRule.PER_DAY:
        if not isinstance(days, int) or days < 1:
            raise ValidationError({"days": ["住院互助请填写住院天数（至少 1 天）。"]})
        if days < plan.min_days:
            raise ValidationError({"days": [f"住院 {days} 天未达到起付天数 {plan.min_days} 天。"]})
        return (plan.per_day * days).quantize(CENT)
    return Decimal(plan.fixed_sum).quantize(CENT)


def used_this_year(*, plan: Plan, year: int, id_hash: str, exclude_pk: int | None = None) -> Decimal:
    with scopes_disabled():  # the cap is the person's, across units and transfers
        claims = Claim._base_manager.filter(plan=plan, year=year, member__id_hash=id_hash, status__in=LIVE_CLAIM)
        if exclude_pk:
            claims = claims.exclude(pk=exclude_pk)
        return claims.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def _capped(plan: Plan, year: int, id_hash: str, computed: Decimal, exclude_pk=None) -> Decimal:
    left = plan.yearly_cap - used_this_year(plan=plan, year=year, id_hash=id_hash, exclude_pk=exclude_pk)
    if left <= 0:
        raise ValidationError({"plan": [f"该会员 {year} 年“{plan.name}”已达每人每年给付上限 {plan.yearly_cap} 元。"]})
    return min(computed, left).quantize(CENT)


def _lock_enrolment(enrolment: Enrolment) -> Enrolment:
    with scopes_disabled():  # the claim's own enrolment row serialises the person's claims of a plan and year
        return Enrolment._base_manager.select_for_update(of=("self",)).get(pk=enrolment.pk)


@transaction.atomic
def claim_file(*, member: Member, plan: Plan, event_date: dt.date, diagnosis: str, days: int | None = None,
               actor=None, evidence=()) -> Claim:
    """申报互助金: only for a member enrolled in that plan for the event's year."""
    _check_perm(actor, "mutual_aid.add_claim", "申报互助金")
    member = Member.objects.select_related("organization").get(pk=member.pk)  # scoped: another unit's → 404
    errors: dict[str, list[str]] = {}
    if event_date is None or event_date > timezone.localdate():
        errors["event_date"] = ["出险日期不能晚于今天。"]
    if not (diagnosis or "").strip():
        errors["diagnosis"] = ["请填写诊断或事由。"]
    if errors:
        raise ValidationError(errors)
    year = event_date.year
    with scopes_disabled():  # enrolled by any unit (a transfer keeps the year's cover)
        enrolment = Enrolment._base_manager.filter(plan=plan, year=year, member__id_hash=member.id_hash).first()
    if enrolment is None:
        raise ValidationError({"member": [f"该会员未参加 {year} 年度“{plan.name}”，不能申请该计划的互助金。"]})
    computed = compute_benefit(plan, days=days)
    _lock_enrolment(enrolment)
    with scopes_disabled():  # a double submit (same person, plan, date and diagnosis) finds the first claim
        same = Claim._base_manager.filter(plan=plan, member__id_hash=member.id_hash, event_date=event_date,
                                          diagnosis=diagnosis.strip()[:200], days=days,
                                          status__in=LIVE_CLAIM).first()
    if same is not None:
        return same
    amount = _capped(plan, year, member.id_hash, computed)
    claim = Claim.objects.create(plan=plan, year=year, enrolment=enrolment, member=member,
                                 organization=member.organization, event_date=event_date, days=days,
                                 diagnosis=diagnosis.strip()[:200], computed_amount=computed, amount=amount,
                                 created_by=_user(actor))
    for upload in evidence:
        _attach(claim=claim, upload=upload, actor=actor)
    audit_record(actor=actor, action="mutual_aid.claim", target=claim,
                 data={"plan": plan.code, "computed": str(computed), "amount": str(amount)})
    return claim


A = ClaimAction
S = ClaimStatus
MOVES: dict[str, tuple[frozenset[str], str]] = {
    A.UNIT_APPROVE: (frozenset({S.SUBMITTED}), CHANGE_CLAIM),
    A.MUNICIPAL_APPROVE: (frozenset({S.UNIT_APPROVED}), MUNICIPAL_APPROVE),
    A.REJECT: (frozenset({S.SUBMITTED, S.UNIT_APPROVED}), CHANGE_CLAIM),
    A.PAY: (frozenset({S.APPROVED}), PAY_PERMISSION),
}
ALREADY_DONE = {A.UNIT_APPROVE: {S.UNIT_APPROVED, S.APPROVED, S.PAYING}, A.MUNICIPAL_APPROVE: {S.APPROVED, S.PAYING},
                A.REJECT: {S.REJECTED}, A.PAY: {S.PAYING}}


def _approve(claim: Claim, actor) -> dict:
    _lock_enrolment(claim.enrolment)
    with scopes_disabled():  # the payee's ID hash, wherever they are now
        id_hash = Member._base_manager.filter(pk=claim.member_id).values_list("id_hash", flat=True).get()
    left = claim.plan.yearly_cap - used_this_year(plan=claim.plan, year=claim.year, id_hash=id_hash,
                                                  exclude_pk=claim.pk)
    if claim.amount > left:
        raise ValidationError({"amount": [f"超过“{claim.plan.name}”每人每年给付上限 {claim.plan.yearly_cap} 元："
                                          f"本年剩余 {max(left, Decimal('0'))} 元。"]})
    return {"status": S.APPROVED, "approved_by": _user(actor), "approved_at": timezone.now()}


def _pay(claim: Claim, actor) -> dict:
    with scopes_disabled():  # the payee is the claim's member
        member = Member._base_manager.select_related("organization").get(pk=claim.member_id)
    batch = payment_batch_create(organization=claim.organization, purpose=BatchPurpose.MUTUAL_AID,
                                 title=f"{claim.plan.name}·{member.name}", actor=_user(actor), source=claim)
    payment_batch_add_items(batch=batch, entries=[(member, claim.amount)], actor=_user(actor))
    payment_batch_submit(batch=batch, actor=_user(actor))
    return {"status": S.PAYING, "batch": batch}


@transaction.atomic
def claim_transition(*, claim: Claim, action: str, actor=None, reason: str = "") -> Claim:
    """Every move of a claim: 单位审核 (final up to the threshold, else on to the municipal
    union), 市级审批 (re-checks the cap), 驳回, 生成发放批次 (a payment batch whose source is
    the claim, submitted for a second person's approval)."""
    if action not in MOVES:
        raise ValidationError({"action": ["未知操作。"]})
    allowed_from, permission = MOVES[action]
    _check_perm(actor, permission, ClaimAction(action).label)
    locked = Claim.objects.select_for_update(of=("self",)).select_related("plan", "enrolment").get(pk=claim.pk)
    if locked.status in ALREADY_DONE[action]:
        return locked
    if locked.status not in allowed_from:
        raise ValidationError({"action": [f"申请当前为“{locked.get_status_display()}”，不能{ClaimAction(action).label}。"]})
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
    audit_record(actor=actor, action=f"mutual_aid.{action}", target=locked,
                 data={"from": previous, "to": locked.status, "reason": reason})
    return locked


def _attach(*, claim: Claim, upload, actor) -> ClaimEvidence:
    kind = check_document(upload, max_bytes=EVIDENCE_MAX_BYTES)
    evidence = ClaimEvidence(claim=claim, original_name=original_name(upload, kind), uploaded_by=_user(actor))
    evidence.file.save(random_name(kind), upload, save=False)
    evidence.save()
    audit_record(actor=actor, action="mutual_aid.evidence", target=claim, data={"evidence": evidence.pk})
    return evidence


@transaction.atomic
def claim_attach(*, claim: Claim, upload, actor) -> ClaimEvidence:
    _check_perm(actor, "mutual_aid.add_claim", "上传证明材料")
    claim = Claim.objects.get(pk=claim.pk)  # scoped
    return _attach(claim=claim, upload=upload, actor=actor)


def enrolment_from_import(*, plan: Plan, year: int, rows: list[tuple[Member, Organization]], actor=None) -> int:
    """Write an import's checked rows (all or nothing; the importer checked every row)."""
    objs = [Enrolment(plan=plan, year=year, member=m, organization=org, contribution=plan.contribution,
                      source=EnrolmentSource.IMPORT, enrolled_by=_user(actor)) for m, org in rows]
    try:
        with transaction.atomic():
            Enrolment.objects.bulk_create(objs, batch_size=1000)
    except IntegrityError as exc:
        raise ValidationError({"file": ["导入过程中有人同时为同一会员参保，未写入任何数据，请重新导入。"]}) from exc
    audit_record(actor=actor, action="mutual_aid.enrol_import", data={"plan": plan.code, "year": year,
                                                                      "count": len(objs)})
    return len(objs)


PLAN_FIELDS = ("name", "contribution", "per_day", "min_days", "fixed_sum", "yearly_cap", "is_active")


@transaction.atomic
def plan_update(*, plan: Plan, actor=None, **changes) -> Plan:
    """The municipal administrator edits a plan's figures (audited, old and new values)."""
    _check_perm(actor, "mutual_aid.change_plan", "修改互助保障计划")
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: ["该字段不能修改。"]})
    locked = Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    before = {k: str(getattr(locked, k)) for k in changes}
    for field, value in changes.items():
        setattr(locked, field, value)
    if locked.rule == BenefitRule.PER_DAY and locked.per_day <= 0:
        raise ValidationError({"per_day": ["按住院天数给付的计划应填写每日给付金额。"]})
    if locked.rule == BenefitRule.PER_DIAGNOSIS and locked.fixed_sum <= 0:
        raise ValidationError({"fixed_sum": ["按确诊定额给付的计划应填写定额。"]})
    if not (locked.name or "").strip():
        raise ValidationError({"name": ["请填写名称。"]})
    if Plan.objects.filter(name=locked.name).exclude(pk=locked.pk).exists():
        raise ValidationError({"name": ["已有同名计划。"]})
    locked.save(update_fields=list(changes) or None)
    audit_record(actor=actor, action="mutual_aid.plan_update", target=locked,
                 data={"before": before, "after": {k: str(v) for k, v in changes.items()}})
    return locked
