"""Honours for tests: titles seeded idempotently (a transactional test's flush removes the
migration's rows), honours written through the service."""

from __future__ import annotations

from apps.core.scoping import scopes_disabled
from apps.honours.models import HonourTitle
from apps.honours.services import honour_create
from apps.honours.titles import seed_titles


def title(code: str) -> HonourTitle:
    seed_titles(HonourTitle)
    return HonourTitle.objects.get(code=code)


def make_honour(*, code="beijing_advanced_worker", year=2020, actor=None, **fields):
    with scopes_disabled():
        return honour_create(title=title(code), year=year, actor=actor, **fields)
