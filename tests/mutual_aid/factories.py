"""Mutual-aid test helpers (through the services)."""

from __future__ import annotations

import datetime as dt

from apps.core.scoping import scopes_disabled
from apps.members.models import Member
from apps.mutual_aid.models import Plan
from apps.mutual_aid.services import claim_file, enrol_members

PDF = b"%PDF-1.4\n% test\n"


def plan(code: str) -> Plan:
    return Plan.objects.get(code=code)


def enrol(member, code="hospital", year=2026, organization=None):
    with scopes_disabled():
        enrol_members(plan=plan(code), year=year, organization=organization or member.organization,
                      members=Member.objects.filter(pk=member.pk))
    return member


def make_claim(member, *, code="hospital", days=10, on=dt.date(2026, 5, 10), actor=None, diagnosis="肺炎住院"):
    with scopes_disabled():
        return claim_file(member=member, plan=plan(code), event_date=on, days=days, diagnosis=diagnosis, actor=actor)


def make_model_worker(member, actor):
    from apps.honours.models import HonourTitle
    from apps.honours.services import honour_create
    from apps.honours.titles import seed_titles

    with scopes_disabled():
        seed_titles(HonourTitle)
        title = HonourTitle.objects.filter(holder_kind="person").order_by("rank").first()
        return honour_create(title=title, year=2020, member=member, actor=actor)
