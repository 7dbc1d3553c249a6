"""Query-count makers for apps/condolences (found by name by test_query_counts)."""

from __future__ import annotations

import datetime as dt

from apps.core.scoping import scope, scopes_disabled
from tests.factories.members import make_member

DAY = dt.date(2025, 7, 1)


def _policies(ctx):
    from apps.condolences.policies import policy_create

    def make():
        start = dt.date(2025, 1, 1)
        policy_create(actor=None, kind="summer_cool", valid_from=start, form="goods", item_name="防暑用品",
                      item_unit_value="200", amount=None, cap_per_occasion="200", cap_per_year="200")
        policy_create(actor=None, kind="illness", valid_from=start, amount="500", cap_per_occasion="500",
                      cap_per_year="5000", times_per_year=10)
        return True
    return ctx.once("condolence-policies", make)


def _policy(ctx, i):
    from apps.condolences.policies import policy_create

    with scopes_disabled():
        policy_create(actor=None, kind="new_year", valid_from=dt.date(2020, 1, 1) + dt.timedelta(days=i),
                      amount="100", cap_per_occasion="100", cap_per_year="100")


def _campaign(ctx, i):
    """A generated goods campaign per row (a list and a grant each), in three units."""
    from apps.condolences.campaigns import campaign_create, campaign_generate

    _policies(ctx)
    unit = ctx.unit(i)
    member = make_member(unit, name=f"慰问{i:02d}", branch=None, post="护士")
    with scope(paths=[unit.path]):
        made = campaign_create(kind="summer_cool", title=f"夏送清凉{i}", date=DAY, organization=unit,
                               target={"posts": ["护士"]}, actor=ctx.users["municipal"])
        # each campaign reaches its own new member only (the others reached their cap)
        campaign_generate(campaign=made, actor=ctx.users["municipal"])
    return member


def _occasion(ctx, i):
    from apps.condolences.occasions import occasion_record

    _policies(ctx)
    member = ctx.member(i)
    with scope(paths=[member.organization.path]):
        occasion_record(member=member, kind="illness", date=DAY, actor=ctx.users["municipal"])


ADMIN_MAKERS = {
    "condolences.Policy": _policy,
    "condolences.Campaign": _campaign,
    "condolences.Occasion": _occasion,
    "condolences.Distribution": _campaign,
    "condolences.Grant": _campaign,
}

API_LISTS = {
    "welfare/policies": (_policy, lambda ctx: "/api/v1/welfare/policies/"),
    "welfare/campaigns": (_campaign, lambda ctx: "/api/v1/welfare/campaigns/"),
    "welfare/occasions": (_occasion, lambda ctx: "/api/v1/welfare/occasions/"),
    "welfare/distributions": (_campaign, lambda ctx: "/api/v1/welfare/distributions/"),
}
