"""Query-count makers of apps/milestones and core's outbox (found by test_query_counts by name)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.factories.members import make_member, new_id_number


def _roll(ctx, i):
    from apps.milestones.models import ThirtyYearRoll
    from apps.organizations.enums import OrgKind
    from apps.organizations.services import organization_create

    unit = organization_create(parent=ctx.tree.root, code=f"U-Q{i:02d}", name=f"查询大学{i:02d}工会",
                               kind=OrgKind.UNIVERSITY)
    return ThirtyYearRoll.objects.create(organization=unit, year=2025, honoree_count=1)


def _honoree(ctx, i):
    from apps.milestones.models import ThirtyYearHonoree, ThirtyYearRoll

    roll = ctx.once("thirty-roll", lambda: ThirtyYearRoll.objects.create(organization=ctx.tree.tsinghua, year=2025))
    member = make_member(ctx.tree.tsinghua, name=f"教师{i:02d}", id_number=new_id_number(birth=dt.date(1970, 1, 1)),
                         teaching_since=dt.date(1995, 9, 1))
    return ThirtyYearHonoree.objects.create(roll=roll, member=member, name=member.name,
                                            teaching_since=member.teaching_since, code=f"QC{i:02d}ABCDEFGH",
                                            issued_at=timezone.now())


def _message(ctx, i):
    from apps.core.models import OutboxMessage

    member = ctx.member(i)
    return OutboxMessage.objects.create(organization=member.organization, recipient_member=member, channel="log",
                                        subject=f"消息{i:02d}", body="内容", dedup_key=f"q-{i}")


ADMIN_MAKERS = {
    "milestones.ThirtyYearRoll": _roll,
    "milestones.ThirtyYearHonoree": _honoree,
    "core.OutboxMessage": _message,
}

API_LISTS = {
    "thirty-years": (_roll, lambda ctx: "/api/v1/welfare/thirty-years/"),
    "thirty-years/honorees": (_honoree, lambda ctx: "/api/v1/welfare/thirty-years/honorees/"),
    "outbox": (_message, lambda ctx: "/api/v1/welfare/outbox/"),
}
