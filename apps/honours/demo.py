"""Honours demo data: the 2025 roll, the 2025 reward round and the year's allowance batches.

``seed_honours()`` is what ``manage.py seed_demo`` calls (after the organisations, users and
members). It reproduces the figures of the union's 2025 work report (DOMAIN.md, "Honours"):

* the roll: 73 national and 685 municipal model workers (758 people, one honour each,
  drawn from the demo members), among them the 2025 honourees — 6 national and 68
  municipal advanced workers (74 people) — and 9 model collectives (teams, not people);
* allowance schedules and their 2025 payment batches (drafts of the municipal union, built
  through ``allowance_generate`` and so through the payments engine): honour allowance,
  Spring Festival and National Day condolence money for the 758, together 1,054,000 yuan;
  the reward round's bonus and one-off subsidy for the 74, together 1,580,000 yuan;
* an open 2026 nomination campaign with places for the demo users' units. (The 2025
  recuperation trip of 31 model workers to 张家界 is an activity of the activities engine:
  ``apps/activities/demo.py`` seeds it from this roll.)

Idempotent: the honours are created only when no demo honour (certificate "DEMO-…") exists;
schedules, runs and the campaign are looked up by name first.

Where the 758 people come from: active members with a bank account, in a fixed
pseudo-random order, at most 5 from each demo user's unit. The demo never generates
members (the city's size is ``seed_demo --members N``'s, and the members' seed promises
that plain ``seed_demo`` leaves only the 30-member demo sets): the roll, the trip and the
batches need ``seed_demo --members 1000`` or more; with fewer suitable members only the
titles, the schedules and the campaign are created, and a later run with enough members
adds the rest. Honours are written with ``bulk_create`` in one go, with one audit entry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import scopes_disabled
from apps.members.demo import DEMO_UNITS
from apps.members.enums import MemberStatus
from apps.members.models import Member
from apps.organizations.enums import GRASSROOTS_KINDS, OrgKind
from apps.organizations.models import Organization
from apps.payments.demo import pay_demo_batches

from .allowance_models import AllowanceKind, AllowanceRun, AllowanceSchedule
from .allowances import allowance_generate, allowance_schedule_create
from .models import Honour, HonourTitle, NominationCampaign, NominationQuota
from .titles import seed_titles

YEAR = 2025
CERTIFICATE_PREFIX = "DEMO-"
# (title code, how many people, award years cycled through) — 73 national + 685 municipal.
ROLL = (
    ("national_advanced_worker", 6, (YEAR,)),  # the 2025 honourees
    ("national_model_worker", 40, (2000, 2005, 2010, 2015, 2020)),
    ("national_advanced_worker", 27, (2005, 2010, 2015, 2020)),
    ("beijing_advanced_worker", 68, (YEAR,)),  # the 2025 honourees
    ("beijing_model_worker", 320, (1995, 2000, 2005, 2010, 2015, 2020)),
    ("beijing_advanced_worker", 197, (2005, 2010, 2015, 2020)),
    ("capital_labour_medal", 100, (2016, 2018, 2020, 2022, 2024)),
)
ROLL_SIZE = sum(n for _, n, _ in ROLL)  # 758
PER_DEMO_UNIT = 5  # model workers among the demo users' units' members
COLLECTIVES = ("思政课教学团队", "数学教研组", "附属医院急诊科", "后勤保障中心", "青年教师发展中心", "语文教研组",
               "特殊教育教研组", "实验教学中心", "心理健康教育中心")

# (name, kind, {level: yuan}, awarded_in_year, period). 73 × 6,650 + 685 × 830 = 1,054,000;
# 6 × 31,000 + 68 × 20,500 = 1,580,000.
SCHEDULES = (
    ("劳模荣誉津贴", AllowanceKind.HONOUR_ALLOWANCE, {"national": "4650", "municipal": "430"}, None, f"{YEAR}"),
    ("劳模春节慰问金", AllowanceKind.SPRING_FESTIVAL, {"national": "1000", "municipal": "200"}, None,
     f"{YEAR}-春节"),
    ("劳模国庆走访慰问金", AllowanceKind.NATIONAL_DAY, {"national": "1000", "municipal": "200"}, None,
     f"{YEAR}-国庆"),
    (f"{YEAR}年评选表彰奖金", AllowanceKind.BONUS, {"national": "30000", "municipal": "20000"}, YEAR, f"{YEAR}"),
    (f"{YEAR}年评选表彰一次性补贴", AllowanceKind.SUBSIDY, {"national": "1000", "municipal": "500"}, YEAR, f"{YEAR}"),
)
CAMPAIGN = "2026年北京市先进工作者和模范集体推荐评选"
CAMPAIGN_QUOTAS = {"U-THU": 3, "D-HAIDIAN": 3, "D-CHAOYANG": 3}


def _pick_people() -> list[Member]:
    """758 active members with a bank account (a payment needs one), in a fixed pseudo-random
    order, at most ``PER_DEMO_UNIT`` from each demo user's unit (so their 30 demo members are
    mostly ordinary staff, with a few model workers to see)."""
    people, per_unit = [], {}
    members = (Member._base_manager.filter(status=MemberStatus.ACTIVE).exclude(bank_account="")
               .select_related("organization").order_by("id_hash"))
    for member in members.iterator(chunk_size=2000):
        code = member.organization.code
        if code in DEMO_UNITS:
            if per_unit.get(code, 0) >= PER_DEMO_UNIT:
                continue
            per_unit[code] = per_unit.get(code, 0) + 1
        people.append(member)
        if len(people) == ROLL_SIZE:
            break
    return people


def _people() -> list[Member]:
    """The people of the roll, or none when the city has fewer than 758 suitable members
    (the demo never generates members of its own: the city's size is ``seed_demo --members``')."""
    people = _pick_people()
    return people if len(people) == ROLL_SIZE else []


def _seed_roll(actor) -> int:
    titles = {t.code: t for t in HonourTitle.objects.all()}
    people = _people()
    if not people:
        return 0
    honours, start, numbers = [], 0, {}
    for code, count, years in ROLL:
        for i, member in enumerate(people[start:start + count]):
            year = years[i % len(years)]
            numbers[code] = numbers.get(code, 0) + 1
            honours.append(Honour(title=titles[code], year=year, member=member, organization_id=member.organization_id,
                                  certificate_no=f"{CERTIFICATE_PREFIX}{code}-{numbers[code]:04d}",
                                  created_by=actor))
        start += count
    units = list(Organization._base_manager.filter(kind=OrgKind.UNIVERSITY, is_active=True).order_by("path")
                 [:len(COLLECTIVES)])
    collective = titles["beijing_model_collective"]
    for n, (unit, name) in enumerate(zip(units, COLLECTIVES, strict=False), start=1):
        honours.append(Honour(title=collective, year=YEAR, collective_name=f"{unit.short_name or unit.name}{name}",
                              organization=unit, certificate_no=f"{CERTIFICATE_PREFIX}collective-{n:04d}",
                              created_by=actor))
    Honour._base_manager.bulk_create(honours, batch_size=1000)
    root = Organization._base_manager.filter(depth=1).order_by("path").first()
    audit_record(actor=actor, action="honour.seed", target=root, data={"created": len(honours)})
    return len(honours)


def _seed_campaign() -> None:
    if NominationCampaign.objects.filter(name=CAMPAIGN).exists():
        return
    today = timezone.localdate()
    campaign = NominationCampaign.objects.create(year=2026, name=CAMPAIGN, opens_on=today,
                                                 closes_on=today + dt.timedelta(days=60))
    campaign.titles.set(HonourTitle.objects.filter(code__in=("beijing_advanced_worker", "beijing_model_collective")))
    units = Organization._base_manager.filter(code__in=list(CAMPAIGN_QUOTAS), kind__in=GRASSROOTS_KINDS)
    NominationQuota._base_manager.bulk_create(
        [NominationQuota(campaign=campaign, organization=u, quota=CAMPAIGN_QUOTAS[u.code]) for u in units])


def _seed_payments(actor, *, generate: bool) -> int:
    """The schedules always; their 2025 batches once the roll is there."""
    generated = 0
    for name, kind, rates, awarded, period in SCHEDULES:
        schedule = AllowanceSchedule.objects.filter(name=name).first()
        if schedule is None:
            schedule = allowance_schedule_create(name=name, kind=kind, actor=actor, awarded_in_year=awarded,
                                                 rates={level: Decimal(v) for level, v in rates.items()})
        if generate and not AllowanceRun.objects.filter(schedule=schedule, period=period).exists():
            allowance_generate(schedule=schedule, period=period, actor=actor)
            generated += 1
    return generated


def demo_batch_ids() -> list[int]:
    """The payments batches of the demo schedules' runs (paid by ``payments.demo`` after the seed)."""
    with scopes_disabled():  # the demo's city-wide batches
        runs = AllowanceRun.objects.filter(schedule__name__in=[row[0] for row in SCHEDULES], batch__isnull=False)
        return list(runs.values_list("batch_id", flat=True))


def seed_honours() -> dict[str, int]:
    """Load the honours demo (see the module docstring); returns what was added now."""
    from apps.accounts.models import User

    with scopes_disabled():  # demo seeding spans the whole city
        seed_titles(HonourTitle)
        if not Organization._base_manager.filter(depth=1).exists():
            return {"honours": 0, "batches": 0}
        actor = User.objects.filter(username="admin").first()
        created = batches = 0
        with transaction.atomic():
            _seed_campaign()
            if not Honour._base_manager.filter(certificate_no__startswith=CERTIFICATE_PREFIX).exists():
                created = _seed_roll(actor)
            on_roll = Honour._base_manager.filter(certificate_no__startswith=CERTIFICATE_PREFIX).exists()
            batches = _seed_payments(actor, generate=on_roll)
    return {"honours": created, "batches": batches}


def demo_seeder(options: dict) -> list[str]:
    """``seed_demo``'s part (registered in HonoursConfig.ready): the 2025 roll (758), reward round
    (74) and allowance batches, given enough members."""
    seed_honours()
    return []


def demo_pay_seeder(options: dict) -> list[str]:
    """``seed_demo``'s part after its transaction (registered in HonoursConfig.ready): the demo
    batches are submitted, approved by approver1/approver2 and paid through the payments engine,
    in process (no worker); a re-run finds them paid and does nothing."""
    paid = pay_demo_batches(batch_ids=demo_batch_ids())
    return [f"发放：{paid} 个演示批次已经两位审批人审批并发放完成"] if paid else []
