"""Query-count makers for apps/mutual_aid and apps/hardship (found by name by test_query_counts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

YEAR = dt.date.today().year


def _plans():
    from django.apps import apps

    from apps.mutual_aid.reference import load_plans

    load_plans(apps.get_model)


def _plan(ctx, i):
    from apps.mutual_aid.models import Plan

    Plan.objects.create(code=f"q-plan-{i}", name=f"查询测试计划{i}", contribution=Decimal("10"), rule="per_diagnosis",
                        fixed_sum=Decimal("1000"), yearly_cap=Decimal("1000"), rank=100 + i)


def _enrolled(ctx, i):
    from apps.members.models import Member
    from apps.mutual_aid.models import Plan
    from apps.mutual_aid.services import enrol_members

    _plans()
    member = ctx.member(i)
    enrol_members(plan=Plan.objects.get(code="hospital"), year=YEAR, organization=member.organization,
                  members=Member.objects.filter(pk=member.pk))
    return member


def _enrolment(ctx, i):
    _enrolled(ctx, i)


def _claim(ctx, i):
    from apps.mutual_aid.models import Plan
    from apps.mutual_aid.services import claim_file

    member = _enrolled(ctx, i)
    claim_file(member=member, plan=Plan.objects.get(code="hospital"), event_date=dt.date(YEAR, 1, 1 + i), days=5,
               diagnosis=f"诊断{i}")


def _file(ctx, i):
    from apps.hardship.services import file_open

    file_open(member=ctx.member(i), level=("general", "deep")[i % 2], causes="病", household_size=2,
              household_income="20000")


def _fund(ctx, i):
    from apps.organizations.enums import OrgKind
    from apps.organizations.services import organization_create

    from apps.hardship.fund import fund_create, fund_donate

    unit = organization_create(parent=ctx.unit(i), code=f"Q-FUND-{i:02d}", name=f"查询测试基金单位{i}工会",
                               kind=OrgKind.BRANCH)
    fund = fund_create(organization=unit, name=f"查询测试基金{i}")
    fund_donate(fund=fund, amount="100", donor_kind="unit", donor_unit=ctx.unit(i))
    return fund


def _city_fund(ctx):
    from apps.hardship.fund import fund_create, fund_donate

    def make():
        fund = fund_create(organization=ctx.tree.root, name="市爱心基金")
        fund_donate(fund=fund, amount="1000000", donor_kind="unit", donor_unit=ctx.tree.root)
        return fund
    return ctx.once("city_fund", make)


def _application(ctx, i):
    from apps.hardship.services import application_submit

    fund = _city_fund(ctx)
    application_submit(member=ctx.member(i), kind="living", amount="100", reason=f"事由{i}",
                       applied_on=dt.date(YEAR, 1, 1), fund=fund)


def _entry(ctx, i):
    from apps.hardship.fund import fund_donate

    fund_donate(fund=_city_fund(ctx), amount=str(10 + i), donor_kind="person", donor_name=f"捐赠人{i}")


ADMIN_MAKERS: dict[str, Callable] = {
    "mutual_aid.Plan": _plan,
    "mutual_aid.Enrolment": _enrolment,
    "mutual_aid.Claim": _claim,
    "hardship.HardshipFile": _file,
    "hardship.AidApplication": _application,
    "hardship.LoveFund": _fund,
    "hardship.FundEntry": _entry,
}

API_LISTS: dict[str, tuple[Callable, Callable]] = {
    "welfare/mutual-aid/plans": (_plan, lambda ctx: "/api/v1/welfare/mutual-aid/plans/"),
    "welfare/mutual-aid/enrolments": (_enrolment, lambda ctx: "/api/v1/welfare/mutual-aid/enrolments/"),
    "welfare/mutual-aid/claims": (_claim, lambda ctx: "/api/v1/welfare/mutual-aid/claims/"),
    "welfare/hardship/files": (_file, lambda ctx: "/api/v1/welfare/hardship/files/"),
    "welfare/hardship/applications": (_application, lambda ctx: "/api/v1/welfare/hardship/applications/"),
    "welfare/love-fund/funds": (_fund, lambda ctx: "/api/v1/welfare/love-fund/funds/"),
    "welfare/love-fund/entries": (_entry, lambda ctx: "/api/v1/welfare/love-fund/entries/"),
}
