"""The love fund's book: donations in, grants out. The balance changes only here, under the
fund's row lock; a grant larger than the balance is refused in Chinese (and the database
refuses a negative balance in any case)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import in_scope, scopes_disabled
from apps.organizations.models import Organization
from apps.payments.services import money

from .enums import DonorKind, EntryKind
from .models import AidApplication, FundEntry, LoveFund

LOCKING = True  # the race test's control run turns the row lock off to show what it prevents


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def fund_create(*, organization: Organization, name: str, actor=None) -> LoveFund:
    if actor is not None and not actor.has_perm("hardship.add_lovefund"):
        raise PermissionDenied("您没有设立爱心基金的权限。")
    if not in_scope(organization.path):
        raise ValidationError({"organization": ["管理单位不在您的管理范围内。"]})
    if not (name or "").strip():
        raise ValidationError({"name": ["请填写基金名称。"]})
    with scopes_disabled():  # one fund per union, city-wide
        if LoveFund._base_manager.filter(organization=organization).exists():
            raise ValidationError({"organization": ["该单位已设立爱心基金。"]})
    fund = LoveFund.objects.create(organization=organization, name=name.strip())
    audit_record(actor=actor, action="hardship.fund_create", target=fund)
    return fund


def _locked_fund(fund: LoveFund) -> LoveFund:
    with scopes_disabled():  # a unit's grant draws on a fund its union may not see (the city's): the service decides
        manager = LoveFund._base_manager
        return (manager.select_for_update(of=("self",)) if LOCKING else manager).get(pk=fund.pk)


def _next_receipt(fund: LoveFund, on: dt.date) -> str:
    with scopes_disabled():  # numbering is per fund, whoever records
        count = FundEntry._base_manager.filter(fund=fund, kind=EntryKind.DONATION, on_date__year=on.year).count()
    return f"AX{fund.pk:03d}-{on.year}-{count + 1:05d}"


@transaction.atomic
def fund_donate(*, fund: LoveFund, amount, donor_kind: str, donor_name: str = "",
                donor_unit: Organization | None = None, on_date: dt.date | None = None, receipt_no: str = "",
                note: str = "", actor=None) -> FundEntry:
    """捐赠: money in, with a receipt (numbered per fund and year unless given)."""
    if actor is not None and not actor.has_perm("hardship.add_fundentry"):
        raise PermissionDenied("您没有登记捐赠的权限。")
    errors: dict[str, list[str]] = {}
    try:
        amount = money(amount)
    except ValidationError as exc:
        errors |= exc.message_dict
    if donor_kind not in DonorKind.values:
        errors["donor_kind"] = ["捐赠方类型应为单位或个人。"]
    elif donor_kind == DonorKind.UNIT and donor_unit is None:
        errors["donor_unit"] = ["单位捐赠请选择捐赠单位。"]
    elif donor_kind == DonorKind.PERSON and not (donor_name or "").strip():
        errors["donor_name"] = ["个人捐赠请填写捐赠人姓名。"]
    on_date = on_date or timezone.localdate()
    if on_date > timezone.localdate():
        errors["on_date"] = ["捐赠日期不能晚于今天。"]
    if errors:
        raise ValidationError(errors)
    fund = LoveFund.objects.get(pk=fund.pk)  # scoped: the recorder keeps the fund
    locked = _locked_fund(fund)
    receipt_no = (receipt_no or "").strip() or _next_receipt(locked, on_date)
    locked.balance += amount
    locked.donations_total += amount
    locked.save(update_fields=["balance", "donations_total"])
    if donor_kind == DonorKind.UNIT and not donor_name:
        donor_name = donor_unit.name
    try:
        with transaction.atomic():
            entry = FundEntry.objects.create(fund=locked, kind=EntryKind.DONATION, amount=amount,
                                             balance_after=locked.balance, donor_kind=donor_kind,
                                             donor_name=donor_name.strip(), donor_unit=donor_unit,
                                             receipt_no=receipt_no, on_date=on_date, note=note, created_by=_user(actor))
    except IntegrityError as exc:
        raise ValidationError({"receipt_no": ["该收据编号已使用。"]}) from exc
    audit_record(actor=actor, action="hardship.fund_donate", target=locked,
                 data={"amount": str(amount), "receipt_no": receipt_no, "donor_kind": donor_kind})
    return entry


def fund_grant(*, application: AidApplication, actor=None) -> FundEntry:
    """帮扶支出: take an approved application's amount out of its fund, once. Runs inside the
    caller's transaction (the approval); refused in Chinese when the balance is short."""
    with scopes_disabled():  # a grant is written once per application, city-wide
        existing = FundEntry._base_manager.filter(application=application).first()
    if existing is not None:
        return existing
    locked = _locked_fund(application.fund)
    amount = Decimal(application.amount)
    if locked.balance < amount:
        raise ValidationError({"amount": [f"爱心基金“{locked.name}”余额不足：当前余额 {locked.balance} 元，"
                                          f"本次需支出 {amount} 元。"]})
    locked.balance = locked.balance - amount
    locked.grants_total = locked.grants_total + amount
    try:
        with transaction.atomic():
            locked.save(update_fields=["balance", "grants_total"])
    except IntegrityError as exc:  # the database's own check (a balance below zero)
        raise ValidationError({"amount": [f"爱心基金“{locked.name}”余额不足。"]}) from exc
    entry = FundEntry.objects.create(fund=locked, kind=EntryKind.GRANT, amount=amount, balance_after=locked.balance,
                                     application=application, on_date=timezone.localdate(),
                                     note=application.get_kind_display(), created_by=_user(actor))
    audit_record(actor=actor, action="hardship.fund_grant", target=locked,
                 data={"amount": str(amount), "application": application.pk, "balance": str(locked.balance)})
    return entry
