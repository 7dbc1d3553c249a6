"""The per-person caps (per occasion, per calendar year in amount and in times), counted by
the ID's keyed hash over every campaign and paying unit of the year: the grants themselves
are the count (``Grant`` rows of that kind and year, city-wide — not the acting scope's).

Under concurrency, whoever adds grants of a kind and year (a campaign's generation, an
occasion's approval) first takes a transaction-scoped lock of that kind and year (a
PostgreSQL advisory lock), then reads what the people received and writes in the same
transaction: a second campaign reads what the first added. ``LOCKING = False`` exists only
for the race test's control run. (SQLite, the development database, has one writer at a time.)"""

from __future__ import annotations

import zlib
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum

from .enums import Kind
from .models import Grant, Policy

LOCKING = True
ZERO = Decimal("0.00")


def cap_lock(*, kind: str, year: int) -> None:
    """Serialise the writers of one kind's grants of one year, until the transaction ends."""
    if LOCKING and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [zlib.crc32(b"condolence-cap") & 0x7FFFFFFF,
                                                                    zlib.crc32(f"{kind}:{year}".encode()) & 0x7FFFFFFF])


def usage_read(*, kind: str, year: int, hashes, lock: bool) -> dict[str, tuple[Decimal, int]]:
    """{hash: (amount, times)} the people received of ``kind`` in ``year``, city-wide (one
    aggregate over the grants); ``lock`` takes the kind's lock first (writers)."""
    if lock:
        cap_lock(kind=kind, year=year)
    rows = (Grant._base_manager.filter(kind=kind, year=year, person_hash__in=hashes)  # caps count city-wide
            .values("person_hash").annotate(spent=Sum("amount"), times=Count("id")).order_by())
    return {r["person_hash"]: (r["spent"], r["times"]) for r in rows}


def cap_refusal(*, policy: Policy, year: int, amount: Decimal, used: tuple[Decimal, int] | None) -> str:
    """The Chinese reason a person may not receive ``amount`` now, naming the cap; "" if they may."""
    label = Kind(policy.kind).label
    spent, times = used or (ZERO, 0)
    spent = Decimal(spent).quantize(Decimal("0.01"))
    if amount > policy.cap_per_occasion:
        return f"超过「{label}」每次上限 {policy.cap_per_occasion} 元"
    if times + 1 > policy.times_per_year:
        return f"已达「{label}」{year} 年度次数上限（{policy.times_per_year} 次，本年已领 {times} 次）"
    if spent + amount > policy.cap_per_year:
        return f"已达「{label}」{year} 年度上限 {policy.cap_per_year} 元（本年已领 {spent} 元）"
    return ""
