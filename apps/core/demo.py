"""The demo seeders of the apps, run in order by ``manage.py seed_demo`` (core knows no domain app).

Each app registers its seeder in ``AppConfig.ready()``::

    register_seeder("members", seed, order=30, report=20)

A seeder takes the command's options (``members``, ``seed``) and returns the lines it wants
printed; ``order`` is when it runs (all in one transaction, except the seeders registered with
``atomic=False``, which run after it, e.g. paying the demo batches: the bank is outside the portal),
``report`` where its lines go.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Seeder:
    name: str
    seed: Callable[[dict], list[str]]
    order: int
    report: int
    atomic: bool = True


_seeders: dict[str, Seeder] = {}


def register_seeder(name: str, seed: Callable[[dict], list[str]], *, order: int, report: int | None = None,
                    atomic: bool = True) -> None:
    _seeders[name] = Seeder(name=name, seed=seed, order=order, report=order if report is None else report,
                            atomic=atomic)


def seeders() -> list[Seeder]:
    return sorted(_seeders.values(), key=lambda s: s.order)
