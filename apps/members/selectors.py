"""Read-side helpers for members: filters shared by the admin, pages and API."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from apps.core.crypto import lookup_hash

from .enums import YOUNG_MAX_AGE
from .validation import normalize_id_number


def young_cutoff(today: dt.date | None = None) -> dt.date:
    """Members born after this date are at most YOUNG_MAX_AGE years old today."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - YOUNG_MAX_AGE - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - YOUNG_MAX_AGE - 1, day=28)


def id_number_filter(term: str) -> Q | None:
    """An exact look-up by national ID via the keyed hash, or None if ``term`` is not an ID."""
    term = (term or "").strip()
    if len(term) != 18:
        return None
    try:
        return Q(id_hash=lookup_hash(normalize_id_number(term)))
    except Exception:
        return None
