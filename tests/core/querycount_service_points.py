"""Query-count makers for apps/service_points (found by name by test_query_counts)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.accounts.enums import Role


def _point(ctx, i):
    from apps.service_points.models import ServicePoint

    return ServicePoint.objects.create(kind="staff_home", name=f"教职工小家{i:02d}", organization=ctx.unit(i),
                                       district="海淀区")


def _recognition(ctx, i):
    from apps.organizations.models import Cluster
    from apps.service_points.models import Recognition

    cluster = ctx.once("sp_cluster", lambda: Cluster.objects.create(code="C-SPQ", name="测试片组", kind="university",
                                                                    lead=ctx.tree.tsinghua))
    return Recognition.objects.create(point=_point(ctx, 100 + i), year=2025, title="市教育工会先进教职工小家",
                                      amount=1000, nominated_by=cluster)


def _resource(ctx, i):
    from apps.service_points.models import Resource

    return Resource.objects.create(organization=ctx.unit(i), name=f"场地{i:02d}", kind="gym", district="海淀区",
                                   address="校内", point=_point(ctx, 200 + i))


def _slot(ctx, i):
    from apps.service_points.models import Slot

    starts = timezone.now() + dt.timedelta(days=2, hours=i)
    return Slot.objects.create(resource=_resource(ctx, 300 + i), starts_at=starts,
                               ends_at=starts + dt.timedelta(hours=1), capacity=5)


def _booking(ctx, i):
    from apps.service_points.models import Booking
    from tests.factories.orgs import make_user

    slot = _slot(ctx, 400 + i)
    user = make_user(f"q_sp_teacher{i:02d}", ctx.unit(i), Role.TEACHER)
    return Booking.objects.create(slot=slot, user=user, organization=ctx.unit(i))


def _policy(ctx, i):
    from apps.service_points.models import FairUsePolicy

    return FairUsePolicy.objects.create(name=f"规则{i:02d}")


ADMIN_MAKERS = {
    "service_points.ServicePoint": _point,
    "service_points.Recognition": _recognition,
    "service_points.Resource": _resource,
    "service_points.Slot": _slot,
    "service_points.Booking": _booking,
    "service_points.FairUsePolicy": _policy,
}

API = "/api/v1/welfare/"
API_LISTS = {
    "welfare/service-points": (_recognition, lambda ctx: f"{API}service-points/"),
    "welfare/resources": (_resource, lambda ctx: f"{API}resources/"),
    "welfare/slots": (_slot, lambda ctx: f"{API}slots/"),
    "welfare/bookings": (_booking, lambda ctx: f"{API}bookings/"),
}
