"""The duplicate-aid rules: the same person (by ID hash, across units and transfers) gets one
aid of a kind per period and no more than the yearly cap in all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum

from apps.core.scoping import scopes_disabled
from apps.members.models import Member

from .enums import KIND_PERIOD_MONTHS, LIVE_APPLICATION, AidKind
from .models import AidApplication


def municipal_threshold() -> Decimal:
    """Applications above this amount need the municipal union's approval after the unit's."""
    return Decimal(str(getattr(settings, "HARDSHIP_MUNICIPAL_ABOVE", "3000.00")))


def yearly_cap() -> Decimal:
    return Decimal(str(getattr(settings, "HARDSHIP_YEARLY_CAP", "20000.00")))


def period_of(kind: str, on: dt.date) -> tuple[dt.date, dt.date, str]:
    """(first day, day after the last, label) of the period ``on`` falls in for ``kind``."""
    months = KIND_PERIOD_MONTHS.get(kind, 12)
    if months == 6:
        first = dt.date(on.year, 1 if on.month <= 6 else 7, 1)
        end = dt.date(on.year, 7, 1) if on.month <= 6 else dt.date(on.year + 1, 1, 1)
        return first, end, f"{on.year} 年{'上' if on.month <= 6 else '下'}半年"
    return dt.date(on.year, 1, 1), dt.date(on.year + 1, 1, 1), f"{on.year} 年"


def lock_person(id_hash: str) -> None:
    """Serialise every aid decision about one person: their member rows (in any unit), locked
    until the transaction ends."""
    with scopes_disabled():  # the same person may be a member elsewhere now (transfers): lock every row
        list(Member._base_manager.select_for_update(of=("self",)).filter(id_hash=id_hash).values_list("pk"))


def check_duplicate_aid(*, id_hash: str, kind: str, amount: Decimal, on: dt.date,
                        exclude_pk: int | None = None) -> None:
    """Refuse (Chinese, by field) a second aid of ``kind`` in its period or a sum above the
    yearly cap. Call with the person locked (``lock_person``)."""
    first, end, label = period_of(kind, on)
    with scopes_disabled():  # the check spans every unit the person ever belonged to
        live = AidApplication._base_manager.filter(id_hash=id_hash, status__in=LIVE_APPLICATION)
        if exclude_pk:
            live = live.exclude(pk=exclude_pk)
        same = live.filter(kind=kind, applied_on__gte=first, applied_on__lt=end).exists()
        year_sum = live.filter(applied_on__year=on.year).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    errors = {}
    if same:
        errors["kind"] = [f"该职工{label}已获得或正在申请“{AidKind(kind).label}”（含在其他单位的申请），"
                          f"同一类型每期只能帮扶一次。"]
    cap = yearly_cap()
    if year_sum + amount > cap:
        left = max(cap - year_sum, Decimal("0"))
        errors["amount"] = [f"超过每人每年帮扶上限 {cap} 元：该职工 {on.year} 年已获或在批 {year_sum} 元，"
                            f"本次最多 {left} 元。"]
    if errors:
        raise ValidationError(errors)
