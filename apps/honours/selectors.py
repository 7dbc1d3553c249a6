"""Reads of the honour roll (scoped by the default manager; explicit filters as a second fence)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery

from .enums import HonourStatus
from .models import Honour


def honour_roll(*, statuses: Iterable[str] = (HonourStatus.ON_ROLL,), year: int | None = None) -> QuerySet[Honour]:
    """The roll of persons: each person once, with their highest title (smallest rank;
    the earliest award of it on a tie). A person is one resident ID, so a member who moved
    unit and holds honours under both registrations still appears once. With ``year``,
    only the honours awarded in that year count (a reward round's honourees)."""
    statuses = list(statuses)
    awarded = {} if year is None else {"year": year}
    best = (
        Honour.objects.filter(member__id_hash=OuterRef("member__id_hash"), status__in=statuses, **awarded)
        .order_by("title__rank", "year", "id")
        .values("id")[:1]
    )
    return (
        Honour.objects.filter(member__isnull=False, status__in=statuses, id=Subquery(best), **awarded)
        .select_related("title", "member", "organization")
        .order_by("title__rank", "organization__path", "member__name", "id")
    )


def campaigns_with_my_quota(queryset: QuerySet, *, organization) -> QuerySet:
    """Campaigns annotated with one unit's places (``my_places``, None without a quota row) and
    nominations counted against them (``my_used``): the API list's quota column without a query
    per campaign (``campaign_quota_summary`` counts the same way)."""
    from django.db.models import Count, IntegerField

    from .models import Nomination, NominationQuota

    if organization is None:
        return queryset
    places = NominationQuota.objects.filter(campaign=OuterRef("pk"), organization=organization).values("quota")[:1]
    used = (Nomination.objects.filter(campaign=OuterRef("pk"), organization=organization).order_by()
            .values("campaign").annotate(n=Count("pk")).values("n")[:1])
    return queryset.annotate(my_places=Subquery(places, output_field=IntegerField()),
                             my_used=Subquery(used, output_field=IntegerField()))
