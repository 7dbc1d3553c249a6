"""Demo data (filled in below)."""

from __future__ import annotations


def demo_seeder(options: dict) -> list[str]:
    return []
