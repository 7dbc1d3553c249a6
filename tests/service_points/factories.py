"""Resources, slots and teachers for the booking tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.service_points.models import Resource, Slot
from tests.factories.orgs import make_user


def make_resource(unit, *, name="体育馆", kind="gym", audience="city", reserved_own=0, cutoff=2, district="海淀区"):
    with scopes_disabled():
        return Resource.objects.create(organization=unit, name=name, kind=kind, audience=audience,
                                       reserved_own=reserved_own, cancel_cutoff_hours=cutoff, district=district,
                                       address=f"{unit.name}校内")


def make_slot(resource, *, capacity=10, reserved_own=None, in_hours=48, hours=1):
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(hours=in_hours)
    with scopes_disabled():
        return Slot.objects.create(resource=resource, starts_at=starts, ends_at=starts + dt.timedelta(hours=hours),
                                   capacity=capacity,
                                   reserved_own=resource.reserved_own if reserved_own is None else reserved_own)


def make_teachers(unit, count, *, prefix="t_book"):
    return [make_user(f"{prefix}{i:03d}", unit, Role.TEACHER) for i in range(count)]
