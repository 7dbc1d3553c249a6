"""Activities for tests: an open activity with one session, and members made in bulk."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from apps.activities.enums import ActivityKind, Allocation
from apps.activities.models import Activity, Session
from apps.activities.services import activity_save, session_save
from apps.core.crypto import lookup_hash
from apps.core.scoping import scopes_disabled
from apps.members.enums import EmploymentType
from apps.members.idgen import make_id_number
from apps.members.models import Member
from apps.members.validation import gender_of

_seq = itertools.count(1)


def make_activity(organization, *, title="北戴河疗休养", kind=ActivityKind.RECUPERATION,
                  allocation=Allocation.FIRST_COME, places=10, quotas=None, rules=None, city_wide=True,
                  open_now=True, starts_on=None, sessions=1, **fields) -> tuple[Activity, Session]:
    now = timezone.now()
    opens = now - dt.timedelta(days=1) if open_now else now - dt.timedelta(days=10)
    closes = now + dt.timedelta(days=10) if open_now else now - dt.timedelta(days=1)
    starts_on = starts_on or timezone.localdate() + dt.timedelta(days=20)
    with scopes_disabled():
        activity = activity_save(activity=Activity(
            kind=kind, title=title, organization=organization, opens_at=opens, closes_at=closes,
            allocation=allocation, rules=rules or [], city_wide=city_wide, published=True,
            cost_per_person=fields.pop("cost_per_person", 1500), vendor="北戴河疗养院", **fields))
        first = None
        for i in range(sessions):
            day = starts_on + dt.timedelta(days=7 * i)
            session = session_save(session=Session(activity=activity, name=f"第{i + 1}期", starts_on=day,
                                                   ends_on=day + dt.timedelta(days=4), places=places,
                                                   quotas=quotas or {}))
            first = first or session
    return activity, first


def bulk_members(organization, count: int, *, birth=dt.date(1985, 3, 1), prefix="教师",
                 employment=EmploymentType.PERMANENT) -> list[Member]:
    """``count`` members in one insert (valid IDs, encrypted; no audit): for races and counts."""
    rows = []
    for _ in range(count):
        n = next(_seq)
        number = make_id_number(birth + dt.timedelta(days=n % 3000), n, region="110105")
        rows.append(Member(organization=organization, name=f"{prefix}{n}", id_number=number,
                           id_hash=lookup_hash(number), gender=gender_of(number),
                           birth_date=birth + dt.timedelta(days=n % 3000), employment_type=employment))
    with scopes_disabled():
        Member._base_manager.bulk_create(rows)
        return list(Member._base_manager.filter(id_hash__in=[r.id_hash for r in rows]).select_related("organization")
                    .order_by("id"))
