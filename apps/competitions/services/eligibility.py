"""Who may enter which group: the one eligibility rule for pages, API and services.

A member may enter a group of an edition when the edition's registration is open, the
member's membership is active, their age on the edition's cut-off date (from the ID birth
date) is within the limit, and their grassroots union is one of the participating units
(none chosen = every unit; a chosen parent unit includes its whole subtree).

Editions and groups are city-wide data; the member is passed in, so nothing here depends
on the acting scope.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.scoping import scopes_disabled
from apps.members.enums import MemberStatus
from apps.members.models import age_on

from ..enums import EditionStatus
from ..models import Edition, Group

NOT_OPEN = "本届比赛尚未开始报名。"
CLOSED = "报名已截止。"
NOT_ACTIVE = "会籍状态不是“在会”，不能报名。"
OUTSIDE_UNITS = "所在单位不在参赛范围内。"


def too_old(*, limit: int, cutoff: dt.date) -> str:
    return f"年龄超过本届比赛上限（{limit} 周岁，按 {cutoff:%Y-%m-%d} 计算）。"


def _unit_paths(edition: Edition) -> list[str]:
    """Paths of the participating units (units are scoped data; this rule is city-wide, so it
    reads them unscoped). Cached on the edition for a listing."""
    cached = getattr(edition, "_participating_paths", None)
    if cached is None:
        with scopes_disabled():  # the participating units are city-wide settings of the edition
            cached = list(edition.participating_units.values_list("path", flat=True))
        edition._participating_paths = cached
    return cached


def edition_registration_problem(*, edition: Edition, now: dt.datetime | None = None) -> str | None:
    """Why the edition takes no registration now (None when it does)."""
    now = now or timezone.now()
    if edition.registration_is_open(now):
        return None
    if edition.status == EditionStatus.OPEN and now < edition.registration_opens:
        return NOT_OPEN
    if edition.status == EditionStatus.DRAFT:
        return NOT_OPEN
    return CLOSED


def member_eligibility_problems(*, member, edition: Edition) -> list[str]:
    """What keeps the member out of the edition, registration window aside."""
    problems = []
    if member.status != MemberStatus.ACTIVE:
        problems.append(NOT_ACTIVE)
    if edition.age_limit is not None:
        cutoff = edition.age_cutoff or timezone.localdate()
        if age_on(member.birth_date, cutoff) > edition.age_limit:
            problems.append(too_old(limit=edition.age_limit, cutoff=cutoff))
    paths = _unit_paths(edition)
    if paths:
        own = member.organization.grassroots_path()
        if not any(own.startswith(path) for path in paths):
            problems.append(OUTSIDE_UNITS)
    return problems


def member_check_eligible(*, member, group: Group, now: dt.datetime | None = None) -> None:
    """Raise a ValidationError with the Chinese reason(s) the member may not enter ``group``."""
    edition = group.edition
    problem = edition_registration_problem(edition=edition, now=now)
    if problem:
        raise ValidationError({"group": [problem]}, code="closed")
    problems = member_eligibility_problems(member=member, edition=edition)
    if problems:
        raise ValidationError({"group": problems}, code="ineligible")


def groups_open(*, now: dt.datetime | None = None):
    """Groups of every edition open for registration now (city-wide, not scoped)."""
    now = now or timezone.now()
    return (Group.objects.filter(edition__status=EditionStatus.OPEN, edition__registration_opens__lte=now,
                                 edition__registration_closes__gt=now)
            .select_related("edition", "edition__series")
            .order_by("edition__registration_closes", "edition_id", "order", "id"))


def groups_eligible(*, member, now: dt.datetime | None = None) -> list[Group]:
    """The open editions' groups the member may enter."""
    verdict: dict[int, bool] = {}
    editions: dict[int, Edition] = {}
    out = []
    for group in groups_open(now=now):
        group.edition = editions.setdefault(group.edition_id, group.edition)  # one unit look-up per edition
        if group.edition_id not in verdict:
            verdict[group.edition_id] = not member_eligibility_problems(member=member, edition=group.edition)
        if verdict[group.edition_id]:
            out.append(group)
    return out
