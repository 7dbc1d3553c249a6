"""Hardship demo, made through the services: the municipal love fund with donations from
three universities and three people (receipts numbered), hardship files at two unions (one
closed at its yearly review), and assistance applications approved by the tiers, granted out
of the fund and paid — the batches approved by the two demo approvers and disbursed through
the payments engine (``demo_pay_seeder``, after the seed's transaction). Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from apps.core.scoping import scopes_disabled
from apps.members.enums import MemberStatus
from apps.members.models import Member
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization
from apps.payments.demo import pay_demo_batches

from .fund import fund_create, fund_donate
from .models import AidApplication, HardshipFile, LoveFund
from .services import application_submit, application_transition, file_open, file_review

YEAR = 2025
TAG = "【演示】"
FUND_NAME = "北京市教育工会爱心基金"
PEOPLE_DONORS = [("张明远", "20000.00"), ("李淑华", "5000.00"), ("王建国", "3000.00")]
UNIT_DONATION = "50000.00"
# (level, causes, household size, yearly income)
FILES = [("deep", "本人患重大疾病，长期治疗", 3, "42000"), ("general", "配偶失业，子女上学", 4, "68000"),
         ("deep", "家庭成员残疾，需长期照护", 3, "36000"), ("general", "遭遇火灾，家庭财产损失", 2, "50000"),
         ("general", "父母重病住院", 5, "90000")]
# (kind, amount, reason, month, approve?)
APPLICATIONS = [("living", "2000.00", "春节前生活救助", 1, True), ("medical", "6000.00", "重大疾病医疗救助", 4, True),
                ("education", "3000.00", "子女大学助学", 9, True), ("temporary", "1500.00", "火灾临时救助", 6, True),
                ("living", "2000.00", "生活救助（材料不全）", 11, False)]


def _admin():
    from apps.accounts.models import User

    return User.objects.filter(username="admin").first()


def _people() -> list[Member]:
    members = (Member._base_manager.filter(status=MemberStatus.ACTIVE, organization__code__in=["D-HAIDIAN", "U-THU"])
               .exclude(bank_account="").order_by("organization__path", "id_hash"))
    return list(members[:len(FILES)])


def seed_hardship() -> dict[str, int]:
    with scopes_disabled():  # demo seeding spans the whole city
        actor = _admin()
        root = Organization._base_manager.filter(depth=1).order_by("path").first()
        if actor is None or root is None:
            return {"donations": 0, "applications": 0}
        fund = LoveFund._base_manager.filter(organization=root).first()
        donations = 0
        if fund is None:
            fund = fund_create(organization=root, name=FUND_NAME, actor=actor)
            universities = Organization._base_manager.filter(kind=OrgKind.UNIVERSITY).order_by("path")[:3]
            for i, unit in enumerate(universities):
                fund_donate(fund=fund, amount=UNIT_DONATION, donor_kind="unit", donor_unit=unit,
                            on_date=dt.date(YEAR, 1, 5 + i), note="年度爱心捐赠", actor=actor)
                donations += 1
            for i, (name, amount) in enumerate(PEOPLE_DONORS):
                fund_donate(fund=fund, amount=amount, donor_kind="person", donor_name=name,
                            on_date=dt.date(YEAR, 3, 1 + i), note="个人捐赠", actor=actor)
                donations += 1
        applications = 0
        people = _people()
        if people and not AidApplication._base_manager.filter(reason__startswith=TAG).exists():
            for member, (level, causes, size, income) in zip(people, FILES, strict=False):
                if not HardshipFile._base_manager.filter(id_hash=member.id_hash).exists():
                    file_open(member=member, level=level, causes=causes, household_size=size,
                              household_income=income, opened_on=dt.date(YEAR - 1, 12, 1), actor=actor)
            last = HardshipFile._base_manager.filter(id_hash=people[-1].id_hash, status="open").first()
            if last is not None:
                file_review(file=last, level="general", household_size=5, household_income="150000",
                            still_in_hardship=False, note="子女就业，已脱困", reviewed_on=dt.date(YEAR, 12, 1),
                            actor=actor)
            for member, (kind, amount, reason, month, approve) in zip(people, APPLICATIONS, strict=False):
                application = application_submit(member=member, kind=kind, amount=amount, reason=f"{TAG}{reason}",
                                                 applied_on=dt.date(YEAR, month, 8), fund=fund, actor=actor)
                applications += 1
                if not approve:
                    application_transition(application=application, action="reject", actor=actor,
                                           reason="证明材料不全，请补充后重新申报")
                    continue
                application = application_transition(application=application, action="unit_approve", actor=actor)
                if application.status == "unit_approved":
                    application = application_transition(application=application, action="municipal_approve",
                                                         actor=actor)
                application_transition(application=application, action="pay", actor=actor)
    return {"donations": donations, "applications": applications}


def demo_batch_ids() -> list[int]:
    with scopes_disabled():  # the demo's applications, city-wide
        return list(AidApplication._base_manager.filter(reason__startswith=TAG, batch__isnull=False)
                    .values_list("batch_id", flat=True))


def demo_seeder(options: dict) -> list[str]:
    done = seed_hardship()
    return [f"困难帮扶：爱心基金捐赠 {done['donations']} 笔，帮扶申请 {done['applications']} 件"] \
        if any(done.values()) else []


def demo_pay_seeder(options: dict) -> list[str]:
    if connection.in_atomic_block:  # a caller's transaction (a test's): the bank is outside the portal
        return [f"{'困难补助'}：演示批次已提交，待在事务外审批发放"] if demo_batch_ids() else []
    paid = pay_demo_batches(batch_ids=demo_batch_ids())
    return [f"困难补助：{paid} 个批次已经两位审批人审批并发放"] if paid else []
