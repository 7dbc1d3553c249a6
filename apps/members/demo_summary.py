"""The member registry's line in the run's demo summary (apps/core/demo_summary.py)."""

from __future__ import annotations

from django.db.models import Count, Q

from .enums import MemberStatus
from .models import Member


def members_line() -> str:
    counts = Member.objects.aggregate(all=Count("id"), active=Count("id", filter=Q(status=MemberStatus.ACTIVE)))
    return f"{counts['all']} 人（在会 {counts['active']} 人）"
