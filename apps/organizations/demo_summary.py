"""The organisation tree's line in the run's demo summary (apps/core/demo_summary.py)."""

from __future__ import annotations

from django.db.models import Count, Q

from .enums import GRASSROOTS_KINDS
from .models import Organization


def units_line() -> str:
    counts = Organization.objects.aggregate(units=Count("id"), grassroots=Count("id", filter=Q(kind__in=GRASSROOTS_KINDS)))
    return f"{counts['units']} 个（其中基层工会 {counts['grassroots']} 个）"
