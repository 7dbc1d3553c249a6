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


def active_members_count(request=None) -> int:
    """Active members of the acting subtree (the admin's home page)."""
    from .enums import MemberStatus
    from .models import Member

    return Member.objects.filter(status=MemberStatus.ACTIVE).count()


def members_of_acting_units():
    """The acting subtree's members, filtered by the literal ids of its units.

    The scoped manager reaches a member's subtree through a join on the organisation's path;
    PostgreSQL then plans a district's list page as "every member of its units, then sort"
    (its cost grows with the district) and estimates the city's path badly. Reading the
    subtree's unit ids first (one indexed query on the small, scoped organisation table, so
    the scope still decides and fails closed) lets the list walk the ``member_list_order`` index
    (``organization_id = ANY(...)``, in order) and stop after one page. A person scope (a
    teacher) keeps the scoped manager's own rules."""
    from apps.core.scoping import get_scope
    from apps.organizations.models import Organization

    from .models import Member

    current = get_scope()
    if current is None or current.disabled or current.person is not None:
        return Member.objects.all()
    unit_ids = list(Organization.objects.values_list("pk", flat=True))  # scoped: the acting subtree's units
    return Member._base_manager.filter(organization_id__in=unit_ids)


def member_name_search(queryset, term: str):
    """Members whose name contains ``term``, looked up within the acting subtree first.

    The subtree's units are read first (one indexed ``path LIKE`` query on the small
    organisation table) and the members filtered by their ids, so a district searches its own
    few thousand rows through the ``(organization, name, id)`` index rather than the city's;
    a city-wide search is served by the trigram GIN index on ``UPPER(name)`` (PostgreSQL)."""
    from apps.core.scoping import get_scope
    from apps.organizations.models import Organization

    term = (term or "").strip()
    if not term:
        return queryset
    current = get_scope()
    if current is not None and not current.disabled:
        unit_ids = list(Organization.objects.values_list("pk", flat=True))  # scoped: the acting subtree
        queryset = queryset.filter(organization_id__in=unit_ids)
    for word in term.split():  # as the admin's search box: every word must match
        queryset = queryset.filter(name__icontains=word)
    return queryset
