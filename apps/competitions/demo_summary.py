"""The competitions' line in the run's demo summary (apps/core/demo_summary.py)."""

from __future__ import annotations

from .enums import EditionStatus
from .models import Edition, Entry


def editions_line() -> str:
    editions = list(Edition.objects.select_related("series").order_by("year", "id"))
    entries = Entry.objects.count()
    names = "；".join(f"{e} {EditionStatus(e.status).label}" for e in editions)
    return f"{len(editions)} 届，报名 {entries} 个" + (f"（{names}）" if names else "")
