"""The payments' line in the run's demo summary (apps/core/demo_summary.py)."""

from __future__ import annotations

from django.db.models import Count, Sum

from .enums import BatchStatus
from .models import PaymentBatch


def batches_line() -> str:
    rows = PaymentBatch.objects.values("status").annotate(n=Count("id"), total=Sum("total_amount")).order_by("status")
    by_status = {row["status"]: row for row in rows}
    total = sum(row["n"] for row in rows)
    parts = [f"{BatchStatus(s).label} {by_status[s]['n']}" for s in BatchStatus.values if s in by_status]
    return f"{total} 个" + (f"（{'，'.join(parts)}）" if parts else "")
