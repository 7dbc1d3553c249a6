"""Writes to the member registry. Admin, API, import and commands all call these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.crypto import lookup_hash
from apps.core.scoping import in_scope, scopes_disabled
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization

from .enums import STATUS_MOVES, EmploymentType, MemberStatus
from .models import Member, MemberStatusChange
from .validation import birth_date_of, gender_of, normalize_account, normalize_id_number, normalize_mobile

REVEAL_PERMISSION = "members.reveal_personal_data"
EDITABLE = ("name", "branch", "phone", "employment_type", "post", "joined_on", "teaching_since", "bank_name",
            "bank_account", "remarks")
ALREADY_ELSEWHERE = "该身份证号已在其他单位登记为在会会员，请先办理转出。"
ALREADY_HERE = "该身份证号已是本单位在会会员。"


def member_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise and validate member fields; raise one ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    clean = dict(data)

    def attempt(field, fn):
        if field in data:
            try:
                clean[field] = fn(data[field])
            except ValidationError as exc:
                errors[field] = exc.messages

    attempt("id_number", normalize_id_number)
    attempt("phone", normalize_mobile)
    attempt("bank_account", normalize_account)
    if "name" in data and not str(data["name"] or "").strip():
        errors["name"] = ["姓名不能为空。"]
    if "employment_type" in data and data["employment_type"] not in EmploymentType.values:
        errors["employment_type"] = ["用工性质应为：在编、非在编、劳务派遣或退休。"]
    for field in ("joined_on", "teaching_since"):
        if data.get(field) and not isinstance(data[field], dt.date):
            errors[field] = ["日期格式错误。"]
    if "id_number" in clean and "id_number" not in errors:
        birth = birth_date_of(clean["id_number"])
        for field in ("joined_on", "teaching_since"):
            value = clean.get(field)
            if isinstance(value, dt.date) and value < birth:
                errors.setdefault(field, []).append("日期早于出生日期。")
    if errors:
        raise ValidationError(errors)
    if "name" in clean:
        clean["name"] = str(clean["name"]).strip()
    return clean


def _check_units(organization: Organization, branch: Organization | None) -> None:
    if not in_scope(organization.path):
        raise ValidationError({"organization": ["所属工会不在您的管理范围内。"]})
    if not organization.is_grassroots:
        raise ValidationError({"organization": ["会员应登记在基层工会。"]})
    if branch is not None and not (branch.path.startswith(organization.path) and branch.kind in
                                   (OrgKind.BRANCH, OrgKind.GROUP)):
        raise ValidationError({"branch": ["分工会不属于所属工会。"]})


def active_holder(id_hash: str) -> Member | None:
    with scopes_disabled():  # one active membership per person city-wide (the caller never learns where)
        return Member.objects.filter(id_hash=id_hash, status=MemberStatus.ACTIVE).select_related(
            "organization").first()


def member_check_new_person(organization: Organization, id_number: str, branch: Organization | None = None) -> str:
    """The units are in scope and the person holds no active membership; returns the ID's hash.
    The error names that the person is a member elsewhere, never where."""
    _check_units(organization, branch)
    id_hash = lookup_hash(id_number)
    holder = active_holder(id_hash)
    if holder is not None:
        message = ALREADY_HERE if holder.organization_id == organization.pk else ALREADY_ELSEWHERE
        raise ValidationError({"id_number": [message]})
    return id_hash


@transaction.atomic
def member_create(*, organization: Organization, actor=None, branch: Organization | None = None,
                  **fields) -> Member:
    fields = member_clean(fields)
    id_hash = member_check_new_person(organization, fields["id_number"], branch)
    member = Member(organization=organization, branch=branch, id_hash=id_hash,
                    birth_date=birth_date_of(fields["id_number"]), gender=gender_of(fields["id_number"]), **fields)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent registration of the same person won the race
        raise ValidationError({"id_number": [ALREADY_ELSEWHERE]}) from exc
    MemberStatusChange.objects.create(member=member, from_status="", to_status=member.status,
                                      changed_on=fields.get("joined_on") or timezone.localdate(),
                                      reason="登记入会", actor=_user(actor))
    audit_record(actor=actor, action="member.create", target=member)
    return member


@transaction.atomic
def member_update(*, member: Member, actor=None, **changes) -> Member:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError("不能修改字段：" + "、".join(sorted(unknown)))
    changes = member_clean(changes)
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)  # scoped: outside → DoesNotExist
    if "branch" in changes:
        _check_units(member.organization, changes["branch"])
    changed = sorted(f for f, v in changes.items() if getattr(member, f) != v)
    if not changed:
        return member
    for field in changed:
        setattr(member, field, changes[field])
    member.save()
    audit_record(actor=actor, action="member.update", target=member, data={"fields": changed})  # names, no values
    return member


@transaction.atomic
def member_change_status(*, member: Member, to_status: str, actor=None, reason: str = "",
                         on: dt.date | None = None) -> Member:
    """The one way a membership's status moves; locked, checked, recorded, audited."""
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    if member.status == to_status:
        return member
    if to_status not in STATUS_MOVES.get(member.status, set()):
        raise ValidationError(
            f"会籍状态不能从“{MemberStatus(member.status).label}”变为“{MemberStatus(to_status).label}”。"
        )
    if to_status == MemberStatus.ACTIVE and active_holder(member.id_hash) is not None:
        raise ValidationError(ALREADY_ELSEWHERE)
    before = member.status
    member.status = to_status
    member.save(update_fields=["status", "updated_at"])
    MemberStatusChange.objects.create(member=member, from_status=before, to_status=to_status,
                                      changed_on=on or timezone.localdate(), reason=reason, actor=_user(actor))
    audit_record(actor=actor, action="member.status", target=member, data={"from": before, "to": to_status})
    return member


@transaction.atomic
def member_transfer(*, member: Member, to_organization: Organization, actor=None, reason: str = "") -> Member:
    """Transfer out of this unit and into another (audited on both sides); returns the new record."""
    if not to_organization.is_grassroots:
        raise ValidationError("转入单位应为基层工会。")
    if to_organization.pk == member.organization_id:
        raise ValidationError("转入单位与当前单位相同。")
    locked = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)  # a second transfer waits here
    if locked.status != MemberStatus.ACTIVE:
        raise ValidationError("只有在会会员可以办理转出。")
    source = member_change_status(member=member, to_status=MemberStatus.TRANSFERRED, actor=actor,
                                  reason=reason or f"转至{to_organization.name}")
    with scopes_disabled():  # the destination is usually outside the sender's subtree
        target = Member(
            organization=to_organization, name=source.name, id_number=source.id_number, id_hash=source.id_hash,
            gender=source.gender, birth_date=source.birth_date, phone=source.phone,
            employment_type=source.employment_type, post=source.post, joined_on=source.joined_on,
            teaching_since=source.teaching_since, bank_name=source.bank_name, bank_account=source.bank_account,
            remarks=source.remarks,
        )
        target.save()
        MemberStatusChange.objects.create(member=target, from_status="", to_status=MemberStatus.ACTIVE,
                                          changed_on=timezone.localdate(),
                                          reason=f"由{source.organization.name}转入", actor=_user(actor))
    audit_record(actor=actor, action="member.transfer_out", target=source, data={"to": to_organization.code})
    audit_record(actor=actor, action="member.transfer_in", target=target,
                 data={"from": source.organization.code})
    return target


PERSONAL_FIELDS = ("id_number", "phone", "bank_account")


def member_reveal(*, member: Member, actor, reason: str, fields=PERSONAL_FIELDS) -> dict[str, str]:
    """Full values for someone holding the reveal permission; every reveal is audited."""
    if not actor.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied("您没有查看完整个人信息的权限。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写查看原因。"]})
    fields = [f for f in fields if f in PERSONAL_FIELDS]
    audit_record(actor=actor, action="member.reveal", target=member, data={"fields": fields, "reason": reason})
    return {f: getattr(member, f) for f in fields}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
