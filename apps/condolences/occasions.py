"""Individual occasions (个人慰问): a unit clerk records one for a member (with optional
evidence), the unit administrator approves or returns it (``occasion_transition``, the one
writer of its status). Approval applies the caps (the person's cap row locked) and writes the
grant; the money goes into the unit's next occasions batch (``occasion_batch_create``) or, for
an immediate one, into a batch of its own — always through the payments engine."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.uploads import check_document, original_name, random_name
from apps.members.enums import EmploymentType, MemberStatus
from apps.members.models import Member
from apps.organizations.models import Organization
from apps.payments.enums import BatchPurpose
from apps.payments.models import PaymentBatch
from apps.payments.services import payment_batch_add_member_ids, payment_batch_create

from . import caps
from .enums import FRONT_LINE_POSTS, OCCASION_KINDS, OCCASION_MOVES, Category, Form, Kind, OccasionStatus
from .models import Grant, Occasion
from .policies import policy_amounts, policy_in_force

APPROVE_PERMISSION = "condolences.approve_occasion"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _category(member: Member) -> str:
    if member.employment_type == EmploymentType.RETIRED:
        return Category.RETIRED
    return Category.FRONT_LINE if member.post in FRONT_LINE_POSTS else Category.OTHERS


def _grassroots(member: Member) -> Organization:
    return member.organization


def occasion_record(*, member: Member, kind: str, date, actor, note: str = "", evidence=None,
                    immediate: bool = False) -> Occasion:
    errors: dict[str, list[str]] = {}
    member = Member.objects.select_related("organization").filter(pk=member.pk).first()  # scoped
    if member is None:
        raise ValidationError({"member": ["会员不存在或不在您的管理范围内。"]})
    if kind not in OCCASION_KINDS:
        errors["kind"] = ["请选择个人慰问类型（生日、结婚、生育、生病住院、退休、本人或直系亲属去世）。"]
    if member.status != MemberStatus.ACTIVE:
        errors["member"] = [f"会员 {member.name} 不是在会会员。"]
    if date is None:
        errors["date"] = ["请填写发生日期。"]
    elif date > timezone.localdate():
        errors["date"] = ["发生日期不能晚于今天。"]
    kind_ok = kind in OCCASION_KINDS
    if not errors and kind_ok:
        policy_in_force(kind, date)  # a clear error now if no policy covers the date
    stored, name = None, ""
    if evidence is not None:
        suffix = check_document(evidence, max_bytes=EVIDENCE_MAX_BYTES, field="evidence")
        name = original_name(evidence, suffix)
        evidence.seek(0)
        stored = ContentFile(evidence.read(), name=random_name(suffix))
    if errors:
        raise ValidationError(errors)
    occasion = Occasion(member=member, unit=_grassroots(member), kind=kind, date=date, note=(note or "").strip()[:500],
                        immediate=immediate, created_by=actor if getattr(actor, "pk", None) else None,
                        evidence_name=name)
    with transaction.atomic():
        if stored is not None:
            occasion.evidence.save(stored.name, stored, save=False)
        occasion.save()
        audit_record(actor=actor, action="condolences.occasion.record", target=occasion, organization=occasion.unit,
                     data={"kind": kind, "member": member.pk, "date": str(date), "immediate": immediate})
    return occasion


def _grant_for(occasion: Occasion, actor) -> Grant:
    """The cap check and the grant of an approved occasion (inside the transition's transaction)."""
    member = Member._base_manager.select_related("organization").get(pk=occasion.member_id)
    policy = policy_in_force(occasion.kind, occasion.date)
    if policy.form != Form.CASH:
        raise ValidationError("该类型的慰问标准为慰问品，请通过慰问活动发放。")
    category = _category(member)
    amount = policy_amounts(policy)[category]
    year = occasion.date.year
    used = caps.usage_read(kind=policy.kind, year=year, hashes=[member.id_hash], lock=True)
    refusal = caps.cap_refusal(policy=policy, year=year, amount=amount, used=used.get(member.id_hash))
    if refusal:
        raise ValidationError(f"{member.name}：{refusal}，不能再发放。")
    if not member.bank_account:
        raise ValidationError(f"{member.name}：无银行账号，不能发放慰问金。")
    return Grant.objects.create(kind=policy.kind, year=year, form=Form.CASH, member=member,
                                person_hash=member.id_hash, unit=occasion.unit, payer=occasion.unit,
                                category=category, amount=amount, occasion=occasion)


def occasion_transition(*, occasion: Occasion, to: str, actor, reason: str = "") -> Occasion:
    """Approve (caps, grant, an immediate batch) or return an occasion: lock, re-check
    against ``OCCASION_MOVES``, write, audit. Already there: unchanged."""
    if actor is not None and not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied("只有单位管理员可以审批个人慰问。")
    if to == OccasionStatus.REJECTED and not (reason or "").strip():
        raise ValidationError({"reason": ["请填写退回原因。"]})
    with transaction.atomic():
        locked = Occasion.objects.select_for_update(of=("self",)).get(pk=occasion.pk)
        if locked.status == to:
            return locked
        if to not in OCCASION_MOVES[locked.status]:
            raise ValidationError(f"个人慰问状态为「{locked.get_status_display()}」，不能变更为「{OccasionStatus(to).label}」。")
        old = locked.status
        data = {"from": old, "to": to}
        if to == OccasionStatus.APPROVED:
            grant = _grant_for(locked, actor)
            data.update(amount=str(grant.amount), grant=grant.pk)
            if locked.immediate:
                batch = _batch(unit=locked.unit, grants=[grant], actor=actor, title=f"个人慰问金（{locked.get_kind_display()}）",
                               source=locked)
                data["batch"] = batch.pk
        locked.status = to
        locked.reason = (reason or "").strip()[:200]
        locked.decided_by = actor if getattr(actor, "pk", None) else None
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        audit_record(actor=actor, action=f"condolences.occasion.{to}", target=locked, organization=locked.unit,
                     data=data)
    return locked


def _batch(*, unit, grants: list[Grant], actor, title: str, source=None) -> PaymentBatch:
    batch = payment_batch_create(organization=unit, title=title, purpose=BatchPurpose.CONDOLENCE, actor=actor,
                                 source=source)
    payment_batch_add_member_ids(batch=batch, items=[(g.member_id, g.amount) for g in grants], actor=actor)
    Grant.objects.filter(pk__in=[g.pk for g in grants]).update(batch=batch)
    return batch


def occasion_batch_create(*, unit: Organization, actor) -> PaymentBatch:
    """The unit's next occasions batch: every approved occasion of the unit not yet in a batch."""
    with transaction.atomic():
        grants = list(Grant.objects.select_for_update(of=("self",))
                      .filter(occasion__isnull=False, batch__isnull=True, payer=unit).order_by("id"))
        one_each, seen = [], set()
        for grant in grants:  # a batch pays a member once: a second occasion waits for the next batch
            if grant.member_id not in seen:
                seen.add(grant.member_id)
                one_each.append(grant)
        grants = one_each
        if not grants:
            raise ValidationError("没有待发放的个人慰问。")
        return _batch(unit=unit, grants=grants, actor=actor,
                      title=f"个人慰问金（{timezone.localdate():%Y-%m-%d} 汇总，{len(grants)} 人）")


def occasion_kind_label(kind: str) -> str:
    return Kind(kind).label
