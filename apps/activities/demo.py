"""Activities demo (placeholder, filled in below)."""

from __future__ import annotations


def demo_seeder(options: dict) -> list[str]:
    return []


def activities_line() -> str:
    from .models import Activity, Club, Participation

    return f"活动 {Activity.objects.count()} 个、兴趣汇 {Club.objects.count()} 个、参加记录 {Participation.objects.count()} 条"
