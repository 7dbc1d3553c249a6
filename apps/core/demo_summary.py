"""What the demo holds, for the run's output: each app registers its own lines (core knows no domain app).

    # apps/<app>/apps.py, in ready():
    demo_summary.register("会员", lambda: f"{Member.objects.count()} 人", order=20)

``summary_lines()`` asks every provider at call time, so the figures come from the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .scoping import scopes_disabled


@dataclass(frozen=True)
class _Entry:
    label: str
    text: Callable[[], str]
    order: int


_entries: dict[str, _Entry] = {}


def register(label: str, text: Callable[[], str], *, order: int = 100) -> None:
    """Register one line of the demo summary (idempotent by label)."""
    _entries[label] = _Entry(label, text, order)


def summary_lines() -> list[str]:
    lines = []
    with scopes_disabled():  # the demo summary counts the whole city, whatever scope is active
        for entry in sorted(_entries.values(), key=lambda e: (e.order, e.label)):
            lines.append(f"{entry.label}：{entry.text()}")
    return lines
