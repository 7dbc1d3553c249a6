"""The per-person caps (per occasion, per calendar year in amount and in times), counted by
the ID's keyed hash over every campaign and paying unit of the year (``CapUsage``).

Under concurrency the usage rows of the people concerned are locked (``SELECT … FOR UPDATE``,
in hash order, so two campaigns never deadlock) before they are read, and written in the same
transaction as the grants: a second campaign reads what the first added. ``LOCKING = False``
exists only for the race test's control run."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F

from .enums import Kind
from .models import CapUsage, Policy

LOCKING = True
ZERO = Decimal("0.00")


def usage_ensure(*, kind: str, year: int, hashes) -> None:
    """A usage row for each person (one INSERT … ON CONFLICT DO NOTHING)."""
    CapUsage.objects.bulk_create([CapUsage(person_hash=h, kind=kind, year=year) for h in set(hashes)],
                                 ignore_conflicts=True)


def usage_read(*, kind: str, year: int, hashes, lock: bool) -> dict[str, tuple[Decimal, int]]:
    """{hash: (amount, times)} of the people, locked when ``lock`` (and LOCKING)."""
    rows = CapUsage.objects.filter(kind=kind, year=year, person_hash__in=hashes)
    if lock and LOCKING:
        rows = rows.select_for_update(of=("self",)).order_by("person_hash")
    return {h: (a, t) for h, a, t in rows.values_list("person_hash", "amount", "times")}


def cap_refusal(*, policy: Policy, year: int, amount: Decimal, used: tuple[Decimal, int] | None) -> str:
    """The Chinese reason a person may not receive ``amount`` now, naming the cap; "" if they may."""
    label = Kind(policy.kind).label
    spent, times = used or (ZERO, 0)
    if amount > policy.cap_per_occasion:
        return f"超过「{label}」每次上限 {policy.cap_per_occasion} 元"
    if times + 1 > policy.times_per_year:
        return f"已达「{label}」{year} 年度次数上限（{policy.times_per_year} 次，本年已领 {times} 次）"
    if spent + amount > policy.cap_per_year:
        return f"已达「{label}」{year} 年度上限 {policy.cap_per_year} 元（本年已领 {spent} 元）"
    return ""


def usage_add(*, kind: str, year: int, by_amount: dict[Decimal, list[str]]) -> None:
    """Add one time and its amount to each person's row: one UPDATE per distinct amount."""
    for amount, hashes in by_amount.items():
        if hashes:
            CapUsage.objects.filter(kind=kind, year=year, person_hash__in=hashes).update(
                amount=F("amount") + amount, times=F("times") + 1)
