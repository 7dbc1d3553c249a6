"""Condolence policies (慰问标准): versions by date, edited by the municipal administrator only,
every change audited. A version already used by a campaign or a grant is never changed: a
new version (a later ``valid_from``) replaces it from its date on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from apps.core.audit import audit_record
from apps.payments.services import money

from .enums import Category, Form, Kind, Payer
from .models import Grant, Policy

EDIT_PERMISSION = "condolences.change_policy"
FIELDS = ("kind", "valid_from", "form", "amount", "amount_front_line", "amount_retired", "item_name",
          "item_unit_value", "item_quantity", "cap_per_occasion", "cap_per_year", "times_per_year", "payer", "note")
MONEY_FIELDS = ("amount", "amount_front_line", "amount_retired", "item_unit_value", "cap_per_occasion",
                "cap_per_year")


def _root_of(organization) -> bool:
    return organization.depth == 1


def _clean(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    out = {"form": Form.CASH, "payer": Payer.ANY, "item_quantity": 1, "times_per_year": 1, "item_name": "",
           "note": "", **{k: v for k, v in values.items() if v is not None or k in MONEY_FIELDS}}
    for name in MONEY_FIELDS:
        value = out.get(name)
        if value in (None, ""):
            out[name] = None
            continue
        try:
            out[name] = money(value)
        except ValidationError as exc:
            errors[name] = exc.message_dict.get("amount", exc.messages)
    if out.get("kind") not in Kind.values:
        errors["kind"] = ["请选择慰问类型。"]
    if out.get("form", Form.CASH) not in Form.values:
        errors["form"] = ["请选择发放形式。"]
    if out.get("payer", Payer.ANY) not in Payer.values:
        errors["payer"] = ["请选择发放主体。"]
    if not isinstance(out.get("valid_from"), dt.date):
        errors["valid_from"] = ["请填写生效日期。"]
    if out.get("form") == Form.GOODS:
        if not (out.get("item_name") or "").strip():
            errors["item_name"] = ["发放慰问品时请填写慰问品名称。"]
        if out.get("item_unit_value") is None:
            errors["item_unit_value"] = ["发放慰问品时请填写慰问品单价。"]
        elif not errors:
            out["amount"] = (out["item_unit_value"] * int(out.get("item_quantity") or 1)).quantize(Decimal("0.01"))
    for name in ("amount", "cap_per_occasion", "cap_per_year"):
        if out.get(name) is None and name not in errors:
            errors[name] = ["请填写金额。"]
    if not errors:
        highest = max(v for v in (out["amount"], out.get("amount_front_line"), out.get("amount_retired")) if v)
        if highest > out["cap_per_occasion"]:
            errors["cap_per_occasion"] = [f"每次上限（{out['cap_per_occasion']} 元）低于标准金额（{highest} 元）。"]
        if out["cap_per_occasion"] > out["cap_per_year"]:
            errors["cap_per_year"] = ["年度上限不能低于每次上限。"]
        if int(out.get("times_per_year") or 0) < 1:
            errors["times_per_year"] = ["年度次数上限至少为 1。"]
    if errors:
        raise ValidationError(errors)
    return out


def clean_values(values: dict) -> dict:
    """The checks of a policy version (field-keyed Chinese errors), for forms too."""
    return _clean(values)


def _check_editor(actor) -> None:
    if actor is not None and not actor.has_perm(EDIT_PERMISSION):
        raise PermissionDenied("只有市级管理员可以修改慰问标准。")


def policy_create(*, actor, **values) -> Policy:
    """A new version of a kind's policy from ``valid_from`` on."""
    _check_editor(actor)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError("未知字段：" + "、".join(sorted(unknown)))
    clean = _clean(values)
    policy = Policy(**{k: v for k, v in clean.items() if v is not None or k in MONEY_FIELDS})
    try:
        with transaction.atomic():
            policy.save()
            audit_record(actor=actor, action="condolences.policy.create", target=policy,
                         data={k: str(v) for k, v in clean.items()})
    except IntegrityError as exc:
        raise ValidationError({"valid_from": ["该类型在这一天已有一个版本。"]}) from exc
    return policy


def policy_update(*, policy: Policy, actor, **changes) -> Policy:
    """Change a version nobody used yet (row-locked, validated, audited with what changed)."""
    _check_editor(actor)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError("未知字段：" + "、".join(sorted(unknown)))
    with transaction.atomic():
        locked = Policy.objects.select_for_update(of=("self",)).get(pk=policy.pk)
        if locked.campaigns.exists() or Grant._base_manager.filter(kind=locked.kind, year__gte=locked.valid_from.year,
                                                                   campaign__isnull=True).exists():
            raise ValidationError("该标准已被使用，不能修改；请新增一个版本（新的生效日期）。")
        before = {f: getattr(locked, f) for f in FIELDS}
        clean = _clean({**before, **changes})
        for field, value in clean.items():
            setattr(locked, field, value)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as exc:
            raise ValidationError({"valid_from": ["该类型在这一天已有一个版本。"]}) from exc
        audit_record(actor=actor, action="condolences.policy.change", target=locked,
                     data={"changed": {f: [str(before[f]), str(clean[f])] for f in FIELDS if before[f] != clean[f]}})
    return locked


def policy_in_force(kind: str, day: dt.date) -> Policy:
    """The version of ``kind`` in force on ``day`` (the latest one starting on or before it)."""
    policy = Policy.objects.filter(kind=kind, valid_from__lte=day).order_by("-valid_from").first()
    if policy is None:
        raise ValidationError({"date": [f"{day} 没有生效的「{Kind(kind).label}」慰问标准。"]})
    return policy


def policy_amounts(policy: Policy) -> dict[str, Decimal]:
    """The amount (or the goods' value) per category under ``policy``."""
    if policy.form == Form.GOODS:
        return {c: policy.amount for c in Category.values}
    return {Category.FRONT_LINE: policy.amount_front_line or policy.amount, Category.OTHERS: policy.amount,
            Category.RETIRED: policy.amount_retired or policy.amount}


def policy_allows_payer(policy: Policy, organization) -> None:
    if policy.payer == Payer.MUNICIPAL and not _root_of(organization):
        raise ValidationError({"organization": [f"「{policy.get_kind_display()}」只能由市级工会发放。"]})
    if policy.payer == Payer.GRASSROOTS and _root_of(organization):
        raise ValidationError({"organization": [f"「{policy.get_kind_display()}」由基层工会发放。"]})
