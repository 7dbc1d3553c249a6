"""The work queue on the portal home and the admin home: what waits for the signed-in user.

Core knows no domain app: each app registers a provider in its ``AppConfig.ready()``::

    work_queue.register("payments", payments_queue, order=30)

A provider gets the user (acting role and scope already bound by the request) and returns
the items it has for them, each with a count and a link; it returns [] for roles it has
nothing for. Counts run in the active scope, so a unit sees only its subtree. Each provider
costs a fixed number of queries (one aggregate per item, never one per row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class QueueItem:
    label: str  # e.g. "待审核参赛报名"
    count: int
    url: str
    hint: str = ""  # one short line under the label
    section: str = ""  # e.g. "赛事"; items are grouped by it


Provider = Callable[[object], list[QueueItem]]


@dataclass(frozen=True)
class _Registered:
    key: str
    provider: Provider
    order: int


_providers: dict[str, _Registered] = {}


def register(key: str, provider: Provider, *, order: int = 100) -> None:
    """Register (or replace, so ready() may run twice) the provider named ``key``."""
    _providers[key] = _Registered(key, provider, order)


def queue_for(user) -> list[QueueItem]:
    """Every registered provider's items for ``user``, in registration order."""
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[QueueItem] = []
    for entry in sorted(_providers.values(), key=lambda e: (e.order, e.key)):
        items.extend(entry.provider(user))
    return items
