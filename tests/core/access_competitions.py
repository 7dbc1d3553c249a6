"""Access-matrix entries for apps/competitions (imported at the end of test_access_matrix).

Each region below belongs to one part of the app; the helpers (check_detail, check_org_list,
check_api_post, csrf_post, World …) come from test_access_matrix. Foreign objects are owned
by 朝阳 (``tree.chaoyang``)."""

from __future__ import annotations

from collections.abc import Callable

from tests.core import test_access_matrix as m  # noqa: F401  (helpers: m.check_detail, m.World …)

# maker(tree, users, member) -> {Model: an instance owned by 朝阳}
MAKERS: list[Callable] = []

# --- structure: admin + /api/v1/competitions/editions|groups (editions, groups, quotas, judges) ---


def _structure_entries() -> dict:
    return {}
# --- end structure ---

# --- registration: teacher pages, uploads, /api/v1/competitions/entries ---


def _registration_entries() -> dict:
    return {}
# --- end registration ---

# --- judging: judge pages, /api/v1/competitions/score-sheets, publishing ---


def _judging_entries() -> dict:
    return {}
# --- end judging ---

# --- results: certificates, verification page, yearbook, bonuses, /api/v1/competitions/awards ---


def _results_entries() -> dict:
    return {}
# --- end results ---


def entries() -> dict:
    out: dict = {}
    for part in (_structure_entries, _registration_entries, _judging_entries, _results_entries):
        out.update(part())
    return out
