"""Petitions demo: the 2025 work report's 166 orders from 12351 (办结率 100 %) and the 146
staff accounts on the 12351 platform.

Every order is received and moved through ``case_transition`` with realistic working-time
gaps on the real 2025 calendar (dispatch within hours, signing, first contact, a reply within
the urgency's limit, closure, callback; a few pauses, extensions and one unsatisfied callback
that is reopened and closed again). Idempotent: an order already there is skipped, so a
second run changes nothing; accounts are looked up by holder and unit first.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction

from apps.core.scoping import scopes_disabled
from apps.members.models import Member
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization

from .calendar import load_calendar
from .enums import Action, Satisfaction, Source, Urgency
from .models import Case, Category, PlatformAccount
from .services import account_register, case_receive, case_transition

DEMO_ORDERS = 166
DEMO_ACCOUNTS = 146
SEED = 12351
TZ = ZoneInfo("Asia/Shanghai")
HOUR = 3600

# (category code, weight, a title, what is asked)
TOPICS = [
    ("wages-performance", 18, "绩效工资发放不及时", "反映学校本学期绩效工资迟迟未发放，希望尽快落实。"),
    ("wages-arrears", 10, "民办学校拖欠工资", "反映所在民办学校拖欠两个月工资，要求督促支付。"),
    ("wages-allowance", 8, "班主任津贴标准咨询", "咨询班主任津贴的发放标准和依据。"),
    ("insurance-pension", 9, "养老保险缴费基数", "反映单位未按实际工资缴纳养老保险。"),
    ("insurance-medical", 6, "医疗保险报销问题", "咨询在职教职工医疗费用报销流程。"),
    ("insurance-housing", 6, "住房公积金缴存", "反映住房公积金缴存比例低于规定。"),
    ("contract-signing", 9, "劳动合同续签", "合同到期后学校未续签也未通知，询问权益。"),
    ("contract-termination", 7, "解除劳动合同补偿", "被学校解除合同，询问经济补偿如何计算。"),
    ("titles", 10, "职称评聘程序", "对本年度职称评审结果有异议，希望复核。"),
    ("non-staff", 9, "非在编教师同工同酬", "反映非在编教师待遇与在编教师差距较大。"),
    ("environment", 5, "办公条件与安全", "反映教学楼维修影响正常办公。"),
    ("mental", 3, "工作压力与心理疏导", "希望工会提供心理疏导服务。"),
    ("other", 4, "其他诉求", "反映其他与工作相关的问题。"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


def _units() -> list[Organization]:
    districts = list(Organization._base_manager.filter(kind=OrgKind.DISTRICT).order_by("path"))
    universities = list(Organization._base_manager.filter(kind=OrgKind.UNIVERSITY).order_by("path")[:20])
    others = list(Organization._base_manager.filter(
        kind__in=[OrgKind.AFFILIATED, OrgKind.PRIVATE_FEDERATION]).order_by("path"))
    return districts * 3 + universities + others * 2  # districts carry most orders


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return rng.choice(["139", "138", "136", "135", "186", "158"]) + f"{rng.randrange(10**8):08d}"


def _received(rng: random.Random, calendar) -> dt.datetime:
    """Mostly office hours of a 2025 working day; some evenings and weekends (a platform order
    can arrive any time)."""
    while True:
        day = dt.date(2025, 1, 2) + dt.timedelta(days=rng.randrange(340))
        minute = rng.randrange(8 * 60, 20 * 60) if rng.random() < 0.85 else rng.randrange(24 * 60)
        moment = dt.datetime.combine(day, dt.time(), tzinfo=TZ) + dt.timedelta(minutes=minute)
        if calendar.is_workday(day) or rng.random() < 0.1:
            return moment


def _after(calendar, moment: dt.datetime, low: float, high: float, rng: random.Random) -> dt.datetime:
    return calendar.add(moment, int(rng.uniform(low, high) * HOUR))


def _play(case: Case, rng: random.Random, calendar, *, unsatisfied: bool) -> None:
    urgency = case.urgency
    t = _after(calendar, case.received_at, 0.3, 3 if urgency != Urgency.URGENT else 0.8, rng)
    step = lambda action, when, **kw: case_transition(case=case, action=action, at=when, **kw)  # noqa: E731
    step(Action.DISPATCH, t, unit=case.petitioner_unit)
    rounds = 2 if unsatisfied else 1
    for round_no in range(rounds):
        t = _after(calendar, t, 0.1, 1.8 if urgency != Urgency.URGENT else 1.2, rng)
        step(Action.SIGN, t)
        t = _after(calendar, t, 0.2, 0.9 if urgency == Urgency.URGENT else 6, rng)
        step(Action.CONTACT, t, contact_at=t)
        if urgency == Urgency.COMPLEX and rng.random() < 0.3:
            step(Action.REQUEST_EXTENSION, t, hours=40, note="需协调人社、财政等部门，申请延期5个工作日")
            t = _after(calendar, t, 1, 4, rng)
            step(Action.APPROVE_EXTENSION, t)
        if rng.random() < 0.08:
            step(Action.PAUSE, t, note="等待诉求人补充材料")
            t = t + dt.timedelta(days=rng.randrange(1, 6))
            step(Action.RESUME, t)
        limit = {Urgency.URGENT: 0.5, Urgency.NORMAL: 40, Urgency.COMPLEX: 100}[urgency]
        t = _after(calendar, t, min(0.3, limit / 2), limit * 0.9, rng)
        step(Action.REPLY, t, reply_text="经核实，已与诉求人沟通并协调学校落实，诉求人表示理解。")
        t = _after(calendar, t, 1, 8, rng)
        step(Action.CLOSE, t)
        t = _after(calendar, t, 2, 12, rng)
        if unsatisfied and round_no == 0:
            step(Action.CALLBACK, t, satisfaction=Satisfaction.UNSATISFIED, note="诉求人认为未解决")
            t = _after(calendar, t, 0.5, 3, rng)
            step(Action.REOPEN, t)
        else:
            satisfaction = Satisfaction.SATISFIED if rng.random() < 0.85 else Satisfaction.BASIC
            step(Action.CALLBACK, t, satisfaction=satisfaction, note="电话回访")


@transaction.atomic
def seed_petitions() -> dict[str, int]:
    with scopes_disabled():  # the demo writes the city's whole year of orders
        if not Category.objects.exists():
            return {"cases": 0, "accounts": 0}
        return {"cases": _seed_cases(), "accounts": _seed_accounts()}


def _seed_cases() -> int:
    rng = random.Random(SEED)
    calendar = load_calendar()
    units = _units()
    categories = {c.code: c for c in Category.objects.all()}
    weights = [w for _, w, _, _ in TOPICS]
    done = set(Case.objects.filter(source=Source.P12351, order_no__startswith="BJ12351-2025-")
               .values_list("order_no", flat=True))
    unsatisfied = {17, 88, 140}
    for n in range(1, DEMO_ORDERS + 1):
        order_no = f"BJ12351-2025-{n:05d}"
        code, _, title, content = rng.choices(TOPICS, weights=weights)[0]
        received = _received(rng, calendar)
        unit = rng.choice(units)
        urgency = rng.choices([Urgency.URGENT, Urgency.NORMAL, Urgency.COMPLEX], weights=[8, 72, 20])[0]
        name, phone = _name(rng), _phone(rng)
        if order_no in done:
            continue
        case, created = case_receive(
            source=Source.P12351, order_no=order_no, received_at=received, petitioner_name=name,
            petitioner_phone=phone, petitioner_unit=unit, category=categories[code], urgency=urgency,
            title=title, content=content)
        if created:
            _play(case, random.Random(SEED * 1000 + n), calendar, unsatisfied=n in unsatisfied)
    return Case.objects.filter(source=Source.P12351, order_no__startswith="BJ12351-2025-").count()


def _seed_accounts() -> int:
    if PlatformAccount.objects.filter(notes="演示账号").count() >= DEMO_ACCOUNTS:
        return DEMO_ACCOUNTS
    rng = random.Random(SEED + 1)
    units = sorted(set(_units()), key=lambda u: u.path)
    members = list(Member._base_manager.filter(status="active", organization__code__in=[
        "D-HAIDIAN", "D-CHAOYANG", "U-THU"]).order_by("pk")[:24])
    for n in range(DEMO_ACCOUNTS):
        member = members[n] if n < len(members) else None
        unit = _unit_of(member) if member else units[n % len(units)]
        holder = member.name if member else _name(rng)
        phone = _phone(rng)
        if PlatformAccount.objects.filter(organization=unit, holder_name=holder, notes="演示账号").exists():
            continue
        account_register(organization=unit, holder_name=holder, member=member, phone=phone,
                         opened_on=dt.date(2025, 3, 1), notes="演示账号")
    return PlatformAccount.objects.filter(notes="演示账号").count()


def _unit_of(member: Member) -> Organization:
    """The member's grassroots union (the account is opened for the district or university)."""
    path = member.organization.path
    return Organization._base_manager.get(path=path[: 2 * Organization.steplen])


def demo_seeder(options: dict) -> list[str]:
    """``seed_demo``'s part (registered in PetitionsConfig.ready): 2025's 166 orders from 12351, all
    closed through the workflow, and the 146 platform accounts."""
    petitions = seed_petitions()
    return [f"12351 诉求：2025 年派单 {petitions['cases']} 件（全部办结），平台账号 {petitions['accounts']} 个"]
