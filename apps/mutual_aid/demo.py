"""Mutual-aid demo, made through the services: 2025 enrolments of three universities' members
(住院医疗, 重大疾病, 女职工特殊疾病), every model worker on the roll in the special plan, and a
few claims approved by the tiers and paid — the batches are approved by the two demo payment
approvers and disbursed through the payments engine (``demo_pay_seeder``, after the seed's
transaction). Idempotent: enrolment skips who is enrolled; the claims are made once."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from django.db import connection
from django.db.models import Count, Q

from apps.core.scoping import scopes_disabled
from apps.members.enums import MemberStatus
from apps.members.models import Member
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization
from apps.payments.demo import pay_demo_batches

from .models import Claim, Enrolment, Plan
from .services import claim_file, claim_transition, enrol_members, enrol_model_workers

YEAR = 2025
TAG = "【演示】"
PLANS = ("hospital", "critical-illness", "women-illness")
# (plan, days in hospital, diagnosis)
CLAIMS = [("hospital", 6, "急性阑尾炎住院"), ("hospital", 12, "肺炎住院"), ("hospital", 21, "腰椎间盘突出手术"),
          ("hospital", 70, "脑梗塞住院康复"), ("critical-illness", None, "恶性肿瘤确诊")]


def _admin():
    from apps.accounts.models import User

    return User.objects.filter(username="admin").first()


def demo_units() -> list[Organization]:
    """清华 and the two other universities with the most members (at least 10 each)."""
    units = (Organization._base_manager.filter(kind=OrgKind.UNIVERSITY, is_active=True)
             .annotate(n=Count("members", filter=Q(members__status=MemberStatus.ACTIVE))).filter(n__gte=10))
    chosen = [u for u in units if u.code == "U-THU"]
    chosen += [u for u in units.exclude(code="U-THU").order_by("-n", "path")[:2]]
    return chosen


def seed_mutual_aid() -> dict[str, int]:
    with scopes_disabled():  # demo seeding spans the whole city
        actor = _admin()
        units = demo_units()
        # the plans are reference data loaded by migration; a test database flushed by an earlier
        # transactional test has none (like the petitions demo without its categories)
        if actor is None or not units or not Plan.objects.exists():
            return {"enrolled": 0, "claims": 0}
        enrolled = 0
        for unit in units:
            for code in PLANS:
                enrolled += enrol_members(plan=Plan.objects.get(code=code), year=YEAR, organization=unit,
                                          members=Member._base_manager.all(), actor=actor)
        try:
            enrolled += enrol_model_workers(year=YEAR, actor=actor)
        except ValidationError:  # no special plan enabled: nothing to enrol
            pass
        claims = 0
        if not Claim._base_manager.filter(diagnosis__startswith=TAG).exists():
            people = list(Enrolment._base_manager.filter(plan__code="hospital", year=YEAR, organization=units[0])
                          .exclude(member__bank_account="").select_related("member").order_by("member_id")
                          [:len(CLAIMS)])
            for (code, days, diagnosis), enrolment in zip(CLAIMS, people, strict=False):
                plan = Plan.objects.get(code=code)
                if code != "hospital":
                    enrol_members(plan=plan, year=YEAR, organization=units[0], actor=actor,
                                  members=Member._base_manager.filter(pk=enrolment.member_id))
                claim = claim_file(member=enrolment.member, plan=plan, event_date=dt.date(YEAR, 3 + claims, 10),
                                   days=days, diagnosis=f"{TAG}{diagnosis}", actor=actor)
                claim = claim_transition(claim=claim, action="unit_approve", actor=actor)
                if claim.status == "unit_approved":
                    claim = claim_transition(claim=claim, action="municipal_approve", actor=actor)
                claim_transition(claim=claim, action="pay", actor=actor)
                claims += 1
    return {"enrolled": enrolled, "claims": claims}


def demo_batch_ids() -> list[int]:
    with scopes_disabled():  # the demo's claims, city-wide
        return list(Claim._base_manager.filter(diagnosis__startswith=TAG, batch__isnull=False)
                    .values_list("batch_id", flat=True))


def demo_seeder(options: dict) -> list[str]:
    done = seed_mutual_aid()
    return [f"互助保障：新参保 {done['enrolled']} 人次，新申报互助金 {done['claims']} 笔"] if any(done.values()) else []


def demo_pay_seeder(options: dict) -> list[str]:
    if connection.in_atomic_block:  # a caller's transaction (a test's): the bank is outside the portal
        return [f"{'互助金'}：演示批次已提交，待在事务外审批发放"] if demo_batch_ids() else []
    paid = pay_demo_batches(batch_ids=demo_batch_ids())
    return [f"互助金：{paid} 个批次已经两位审批人审批并发放"] if paid else []
