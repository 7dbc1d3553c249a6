"""Milestones (入职/入会 5, 10, 20, 30 年): each month, every working member whose start of
work (从教日期, the registry's date of starting work) or joining the union (入会日期) turns a
milestone that month gets ONE message in the outbox (``apps/core/outbox.py``), naming every
milestone of the month. The dedup key (member and month) is unique: running the month again
adds nothing."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from apps.core.outbox import NewMessage, outbox_enqueue_many
from apps.core.scoping import scopes_disabled
from apps.members.enums import EmploymentType, MemberStatus
from apps.members.models import Member

from .enums import MILESTONE_YEARS, MilestoneKind

FIELDS = ((MilestoneKind.WORK, "teaching_since"), (MilestoneKind.UNION, "joined_on"))


def milestone_key(*, member_id: int, year: int, month: int) -> str:
    return f"milestone:{year}-{month:02d}:member:{member_id}"


def milestones_of_month(*, year: int, month: int) -> dict[int, dict]:
    """{member id: {"name", "unit", "organization_id", "items": [(kind label, years, date)]}}."""
    people: dict[int, dict] = {}
    found: dict[int, list] = defaultdict(list)
    with scopes_disabled():  # the monthly run looks at the whole city
        working = Member.objects.filter(status=MemberStatus.ACTIVE).exclude(employment_type=EmploymentType.RETIRED)
        for kind, field in FIELDS:
            rows = working.filter(**{f"{field}__year__in": [year - n for n in MILESTONE_YEARS],
                                     f"{field}__month": month}).values_list(
                "id", "name", "organization_id", "organization__name", field)
            for member_id, name, org_id, unit, day in rows:
                people[member_id] = {"name": name, "organization_id": org_id, "unit": unit}
                found[member_id].append((kind.label, year - day.year, day))
    for member_id, items in found.items():
        people[member_id]["items"] = sorted(items, key=lambda i: -i[1])  # stable: 入职 before 入会
    return people


def _message(member_id: int, person: dict, *, year: int, month: int) -> NewMessage:
    names = "、".join(f"{label}{n}周年" for label, n, _ in person["items"])
    lines = [f"> **{person['name']}**（{person['unit']}）"]
    lines += [f"> {label} {n} 周年（{day:%Y年%m月}{label}）" for label, n, day in person["items"]]
    lines.append("")
    lines.append(f"{year}年{month}月，北京市教育工会向您致以诚挚的问候，感谢您多年来的辛勤付出！")
    return NewMessage(organization_id=person["organization_id"], recipient_member_id=member_id,
                      dedup_key=milestone_key(member_id=member_id, year=year, month=month),
                      subject=f"{person['name']}：{names}", body="\n".join(lines))


def milestones_run(*, year: int | None = None, month: int | None = None, deliver: bool = True) -> dict:
    """Put the month's milestone messages in the outbox (one per person; idempotent)."""
    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    people = milestones_of_month(year=year, month=month)
    created = outbox_enqueue_many(messages=[_message(pk, p, year=year, month=month) for pk, p in people.items()],
                                  deliver=deliver)
    return {"year": year, "month": month, "people": len(people), "created": created}
