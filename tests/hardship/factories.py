"""Hardship test helpers: a funded love fund, a file, an application (through the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from apps.core.scoping import scopes_disabled
from apps.hardship.fund import fund_create, fund_donate
from apps.hardship.services import application_submit, file_open

PDF = b"%PDF-1.4\n% test\n"


def make_fund(tree, *, balance="10000.00"):
    with scopes_disabled():
        fund = fund_create(organization=tree.root, name="北京市教育工会爱心基金")
        if Decimal(balance) > 0:
            fund_donate(fund=fund, amount=balance, donor_kind="unit", donor_unit=tree.root)
        fund.refresh_from_db()
    return fund


def make_file(member, **kw):
    kw.setdefault("level", "deep")
    kw.setdefault("causes", "本人重病，子女上学")
    kw.setdefault("household_size", 3)
    kw.setdefault("household_income", "36000")
    with scopes_disabled():
        return file_open(member=member, **kw)


def make_application(member, *, kind="living", amount="2000.00", applied_on=None, actor=None, fund=None):
    with scopes_disabled():
        return application_submit(member=member, kind=kind, amount=amount, reason="生活困难",
                                  applied_on=applied_on or dt.date(2026, 3, 1), actor=actor, fund=fund)
