"""The 2025 condolence campaigns of the union's work report, made by the portal's own services
and idempotent (a second ``seed_demo`` changes nothing):

* the policies in force from 2025-01-01 (every kind);
* 全员慰问 of 20,000+ staff at 北京大学 and 3 other universities (慰问品, with per-unit
  distribution lists and receipts) — with ``--members`` ≥ ``ALL_STAFF_MIN_MEMBERS`` the four
  universities are first topped up to ``ALL_STAFF_PER_UNIT`` active members each, in bulk, by
  the members' own generator;
* 夏送清凉 (慰问品) and 两节送温暖 (春节慰问金, cash) for the front-line staff of 5 university
  hospitals and 3 universities;
* 春节慰问金 for the retirees of the 17 district unions;
* one 生病住院 occasion approved at 清华 and paid in a batch of its own.

Cash goes through the payments engine: the batches are submitted by their maker, approved by
``approver1``/``approver2`` and paid in process (``demo_pay_seeder``, outside the transaction)."""

from __future__ import annotations

from django.db import connection

import datetime as dt
import random
from collections import Counter

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone

from apps.accounts.models import User
from apps.core.audit import audit_record
from apps.core.scoping import scope, scopes_disabled
from apps.members.demo import MemberGenerator
from apps.members.enums import MemberStatus
from apps.members.models import Member, MemberStatusChange
from apps.organizations.models import Organization
from apps.payments.demo import pay_demo_batches

from .campaigns import campaign_create, campaign_generate
from .distributions import distribution_confirm
from .enums import CampaignStatus, Form, Kind, OccasionStatus, Payer
from .models import Campaign, Distribution, Grant, Occasion, Policy
from .occasions import occasion_record, occasion_transition
from .policies import policy_create

YEAR = 2025
ALL_STAFF_UNITS = ("U-PKU", "U-RUC", "U-BNU", "U-BUAA")
ALL_STAFF_PER_UNIT = 5100
# The four universities are topped up only for a demo city of at least this many members (``make run``'s
# 3,000); smaller demo cities (the test suite's) keep their few members there.
ALL_STAFF_MIN_MEMBERS = 3000
HOSPITALS = ("H-BUCMDF", "H-BUCMDZM", "H-PKUFH", "H-PKUPH", "H-PKUTH")
FRONT_LINE_UNIVERSITIES = ("U-CUMTB", "U-CUPB", "U-NCEPU")
DISTRICTS = ("D-DONGCHENG", "D-XICHENG", "D-CHAOYANG", "D-HAIDIAN", "D-FENGTAI", "D-SHIJINGSHAN", "D-MENTOUGOU",
             "D-FANGSHAN", "D-TONGZHOU", "D-SHUNYI", "D-CHANGPING", "D-DAXING", "D-HUAIROU", "D-PINGGU", "D-MIYUN",
             "D-YANQING", "D-YANSHAN")

D = str
POLICIES = (
    # kind, form, amount, front-line, retired, item, unit value, cap per occasion, cap per year, times, payer
    (Kind.NEW_YEAR, Form.CASH, D(200), None, None, "", None, D(200), D(200), 1, Payer.ANY),
    (Kind.SPRING_FESTIVAL, Form.CASH, D(500), D(800), D(600), "", None, D(800), D(800), 1, Payer.ANY),
    (Kind.LABOUR_DAY, Form.CASH, D(200), None, None, "", None, D(200), D(200), 1, Payer.ANY),
    (Kind.DRAGON_BOAT, Form.GOODS, None, None, None, "端午节粽子礼盒", D(150), D(150), D(150), 1, Payer.ANY),
    (Kind.MID_AUTUMN, Form.GOODS, None, None, None, "中秋节月饼礼盒", D(200), D(200), D(200), 1, Payer.ANY),
    (Kind.NATIONAL_DAY, Form.CASH, D(200), None, None, "", None, D(200), D(200), 1, Payer.ANY),
    (Kind.WINTER_WARMTH, Form.CASH, D(300), D(500), None, "", None, D(500), D(500), 1, Payer.ANY),
    (Kind.SUMMER_COOL, Form.GOODS, None, None, None, "防暑降温慰问品", D(200), D(200), D(400), 2, Payer.ANY),
    (Kind.ALL_STAFF, Form.GOODS, None, None, None, "全员慰问品", D(300), D(300), D(300), 1, Payer.MUNICIPAL),
    (Kind.BIRTHDAY, Form.CASH, D(100), None, None, "", None, D(100), D(100), 1, Payer.GRASSROOTS),
    (Kind.WEDDING, Form.CASH, D(500), None, None, "", None, D(500), D(500), 1, Payer.GRASSROOTS),
    (Kind.CHILDBIRTH, Form.CASH, D(500), None, None, "", None, D(500), D(1000), 2, Payer.GRASSROOTS),
    (Kind.ILLNESS, Form.CASH, D(500), None, None, "", None, D(500), D(1000), 2, Payer.GRASSROOTS),
    (Kind.RETIREMENT, Form.CASH, D(500), None, None, "", None, D(500), D(500), 1, Payer.GRASSROOTS),
    (Kind.BEREAVEMENT, Form.CASH, D(1000), None, None, "", None, D(1000), D(2000), 2, Payer.GRASSROOTS),
)

CAMPAIGNS = (
    # title, kind, date, target
    ("2025年北京大学等4所高校教职工全员慰问", Kind.ALL_STAFF, dt.date(YEAR, 1, 10), {"units": list(ALL_STAFF_UNITS)}),
    ("2025年附属医院及高校一线教职工夏送清凉", Kind.SUMMER_COOL, dt.date(YEAR, 7, 15),
     {"units": [*HOSPITALS, *FRONT_LINE_UNIVERSITIES], "front_line": True}),
    ("2025年附属医院及高校一线教职工两节送温暖", Kind.SPRING_FESTIVAL, dt.date(YEAR, 1, 20),
     {"units": [*HOSPITALS, *FRONT_LINE_UNIVERSITIES], "front_line": True}),
    ("2025年区教育工会退休教职工春节慰问", Kind.SPRING_FESTIVAL, dt.date(YEAR, 1, 21),
     {"units": list(DISTRICTS), "retired": True}),
)


def _policies(admin) -> int:
    made = 0
    for kind, form, amount, front, retired, item, value, per_occasion, per_year, times, payer in POLICIES:
        if Policy.objects.filter(kind=kind, valid_from=dt.date(YEAR, 1, 1)).exists():
            continue
        policy_create(actor=admin, kind=kind, valid_from=dt.date(YEAR, 1, 1), form=form, amount=amount or value,
                      amount_front_line=front, amount_retired=retired, item_name=item, item_unit_value=value,
                      item_quantity=1, cap_per_occasion=per_occasion, cap_per_year=per_year, times_per_year=times,
                      payer=payer, note="2025 年标准（演示）")
        made += 1
    return made


def top_up_units(codes, per_unit: int, *, seed: int = 2026) -> int:
    """Bring each unit to ``per_unit`` active members, in bulk, with the members' own
    generator (valid IDs, keyed hashes, encryption on save). Returns how many were added."""
    units = list(Organization._base_manager.filter(code__in=codes).order_by("code"))
    have = Counter(dict(Member._base_manager.filter(organization__in=units, status=MemberStatus.ACTIVE)
                        .values_list("organization").annotate(n=Count("id")).order_by()))
    plan = [u for u in units for _ in range(max(0, per_unit - have[u.pk]))]
    if not plan:
        return 0
    today = timezone.localdate()
    current = Member._base_manager.count()
    rng = random.Random(f"condolences-demo:{seed}:{current}")
    generator = MemberGenerator(rng, today=today, taken=set(Member._base_manager.values_list("id_hash", flat=True)),
                                counter=current)
    branches = {u.pk: list(Organization._base_manager.filter(path__startswith=u.path, depth=u.depth + 1))
                for u in units}
    for start in range(0, len(plan), 2000):
        objs = Member._base_manager.bulk_create([generator.member(u, branches[u.pk]) for u in plan[start:start + 2000]])
        MemberStatusChange._base_manager.bulk_create(
            [MemberStatusChange(member_id=m.pk, from_status="", to_status=MemberStatus.ACTIVE,
                                changed_on=m.joined_on or today, reason="登记入会") for m in objs])
    audit_record(actor=None, action="member.seed", target=units[0], data={"created": len(plan), "units": list(codes)})
    return len(plan)


def _campaigns(admin, root) -> list[Campaign]:
    done = []
    with scope(paths=[root.path]):
        for title, kind, date, target in CAMPAIGNS:
            campaign = Campaign.objects.filter(organization=root, title=title).first()
            if campaign is None:
                codes = set(Organization.objects.filter(code__in=target["units"]).values_list("code", flat=True))
                target = {**target, "units": [c for c in target["units"] if c in codes]}
                campaign = campaign_create(kind=kind, title=title, date=date, organization=root, target=target,
                                           actor=admin)
            if campaign.status == CampaignStatus.DRAFT:
                try:
                    campaign = campaign_generate(campaign=campaign, actor=admin)
                except ValidationError:  # nobody there yet (a bare demo city): left as a draft
                    pass
            done.append(campaign)
        for distribution in Distribution.objects.filter(campaign__in=done, campaign__kind=Kind.ALL_STAFF):
            ids = list(Grant.objects.filter(distribution=distribution, received_at__isnull=True)
                       .values_list("pk", flat=True))
            if ids:
                distribution_confirm(distribution=distribution, grant_ids=ids, actor=admin)
    return done


def _occasion() -> Occasion | None:
    """An illness occasion at 清华, recorded by its clerk, approved by its admin, paid at once."""
    clerk = User.objects.filter(username="tsinghua_clerk").first()
    boss = User.objects.filter(username="tsinghua").first()
    unit = Organization._base_manager.filter(code="U-THU").first()
    if not (clerk and boss and unit):
        return None
    member = (Member._base_manager.filter(teacher_account__user__username="teacher1", status=MemberStatus.ACTIVE)
              .exclude(bank_account="").first()
              or Member._base_manager.filter(organization=unit, status=MemberStatus.ACTIVE).exclude(bank_account="")
              .order_by("id").first())
    if member is None:
        return None
    existing = Occasion._base_manager.filter(member=member, kind=Kind.ILLNESS, date=dt.date(YEAR, 3, 12)).first()
    with scope(paths=[unit.path]):
        occasion = existing or occasion_record(member=member, kind=Kind.ILLNESS, date=dt.date(YEAR, 3, 12),
                                               note="住院治疗（演示）", immediate=True, actor=clerk)
        if occasion.status == OccasionStatus.SUBMITTED:
            occasion = occasion_transition(occasion=occasion, to=OccasionStatus.APPROVED, actor=boss)
    return occasion


def demo_batch_ids() -> list[int]:
    with scopes_disabled():  # the demo's batches, city-wide
        ids = [b for b in Campaign.objects.filter(title__in=[c[0] for c in CAMPAIGNS], batch__isnull=False)
               .values_list("batch_id", flat=True)]
        ids += list(Grant.objects.filter(occasion__isnull=False, occasion__note="住院治疗（演示）", batch__isnull=False)
                    .values_list("batch_id", flat=True))
    return ids


def demo_seeder(options: dict) -> list[str]:
    with scopes_disabled():  # demo seeding acts city-wide, through the services
        admin = User.objects.filter(username="admin").first()
        root = Organization._base_manager.filter(depth=1).order_by("path").first()
        if admin is None or root is None:
            return []
        policies = _policies(admin)
        added = (top_up_units(ALL_STAFF_UNITS, ALL_STAFF_PER_UNIT)
                 if (options.get("members") or 0) >= ALL_STAFF_MIN_MEMBERS else 0)
    campaigns = _campaigns(admin, root)
    occasion = _occasion()
    lines = [f"慰问标准：本次新增 {policies} 个；全员慰问高校会员本次新增 {added} 人"]
    for c in campaigns:
        if c.status != CampaignStatus.GENERATED:
            lines.append(f"  {c.title}：暂无符合条件的人员，未生成")
            continue
        lines.append(f"  {c.title}：{c.summary.get('count', 0)} 人，{c.summary.get('sum', '0')} 元"
                     f"（不予发放 {c.summary.get('excluded_count', 0)} 人）")
    if occasion is not None:
        lines.append(f"  个人慰问（生病住院）：{occasion.get_status_display()}")
    return lines


def demo_pay_seeder(options: dict) -> list[str]:
    if connection.in_atomic_block:  # a caller's transaction (a test's): the bank is outside the portal
        return ["慰问发放批次：已生成，待在事务外审批发放"] if demo_batch_ids() else []
    paid = pay_demo_batches(batch_ids=demo_batch_ids())
    return [f"慰问发放批次：本次支付 {paid} 个"]


def summary_line() -> str:
    rows = Campaign.objects.filter(status=CampaignStatus.GENERATED).count()
    grants = Grant.objects.count()
    return f"{rows} 个已生成，发放记录 {grants} 条"
