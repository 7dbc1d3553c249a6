"""Competition editions, teachers, judges and entries for tests.

Structure and entries are written straight to the ORM (their services are under test
elsewhere); series are seeded idempotently because a transactional test's flush removes
the migration's rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.accounts.enums import Role
from apps.competitions.services.codes import entry_code
from apps.competitions.enums import EditionStatus, EntryKind, EntryStatus, StageLevel, Track
from apps.competitions.models import (
    Criterion, Edition, Entry, Group, Series, Stage, TeacherAccount, UnitQuota,
)
from apps.competitions.services.series import series_seed
from apps.core.scoping import scopes_disabled
from tests.factories.orgs import make_user

QJS_CRITERIA = (("教学设计", 20), ("课堂教学", 75), ("教学反思", 5))


def make_edition(*, series="qjs", number=14, year=2025, status=EditionStatus.OPEN, groups=(("理科", "science"),),
                 stages=(("决赛", None),), criteria=QJS_CRITERIA, entry_kind=EntryKind.INDIVIDUAL, team_size=1,
                 capacity=None, **fields) -> Edition:
    """An edition open for registration now (closing in a week), with its groups, stages
    (name, advance_count) and the same criteria on every stage."""
    series_seed(model=Series)
    now = timezone.now()
    fields.setdefault("name", f"第{number}届{dict(Series.objects.values_list('code', 'name'))[series]}")
    fields.setdefault("registration_opens", now - dt.timedelta(days=7))
    fields.setdefault("registration_closes", now + dt.timedelta(days=7))
    fields.setdefault("age_limit", 40)
    fields.setdefault("age_cutoff", dt.date(year, 12, 31))
    edition = Edition.objects.create(series=Series.objects.get(code=series), number=number, year=year,
                                     status=status, **fields)
    for order, (name, code) in enumerate(groups):
        Group.objects.create(edition=edition, name=name, code=code, order=order, entry_kind=entry_kind,
                             team_size=team_size, capacity=capacity,
                             track=Track.PAPER if code.startswith("paper") else Track.TEACHING)
    for order, (name, advance) in enumerate(stages, start=1):
        stage = Stage.objects.create(edition=edition, order=order, name=name, advance_count=advance,
                                     level=StageLevel.DISTRICT if name.startswith("区") else StageLevel.MUNICIPAL)
        for c_order, (c_name, weight) in enumerate(criteria):
            Criterion.objects.create(stage=stage, name=c_name, weight=Decimal(weight), order=c_order)
    return edition


def make_quota(group: Group, organization, quota: int) -> UnitQuota:
    with scopes_disabled():
        return UnitQuota.objects.create(group=group, organization=organization, quota=quota)


def make_teacher(member, username: str | None = None, *, password=None):
    """A self-service teacher account linked to ``member``."""
    user = make_user(username or f"t_teacher_{member.pk}", member.organization, Role.TEACHER, password=password)
    with scopes_disabled():
        TeacherAccount._base_manager.get_or_create(user=user, defaults={"member": member})
    return user


def make_judge(username: str, organization, *, password=None):
    return make_user(username, organization, Role.JUDGE, password=password)


def make_entry(group: Group, member, *, status=EntryStatus.APPROVED, **fields) -> Entry:
    with scopes_disabled():
        edition = group.edition
        fields.setdefault("course_title", f"{member.name}的课")
        return Entry.objects.create(edition=edition, group=group, organization=member.organization, member=member,
                                    code=entry_code(edition=edition), status=status,
                                    current_stage=edition.stages.order_by("order").first(), **fields)
