"""Race on PostgreSQL: two grants approved at once that together exceed the love fund's
balance — with the fund's row lock one is refused in Chinese; the control run without the
lock shows the lost update the lock prevents (both paid, the book overdrawn).

Each thread waits at a barrier right after reading the balance (up to two seconds): without
the lock both read the same balance; with it the second waits for the first to commit."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.core.scoping import scope, scopes_disabled
from apps.hardship import fund as fund_module
from apps.hardship.enums import ApplicationStatus
from apps.hardship.models import AidApplication, FundEntry, LoveFund
from apps.hardship.services import application_transition
from tests.competitions.test_registration_race import run_together
from tests.factories.members import make_member
from tests.hardship.factories import make_application, make_fund

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def grant_race(tree, users, monkeypatch, *, locking: bool):
    monkeypatch.setattr(fund_module, "LOCKING", locking)
    read = threading.Barrier(2, timeout=2)
    real = fund_module._locked_fund

    def slow(fund):
        value = real(fund)
        try:
            read.wait()
        except threading.BrokenBarrierError:
            pass
        return value

    monkeypatch.setattr(fund_module, "_locked_fund", slow)
    fund = make_fund(tree, balance="1000.00")
    applications = [make_application(make_member(tree.haidian, name=f"困难职工{i}"), amount="600") for i in range(2)]
    admin = users["municipal"]

    def approve(application):
        with scope(paths=[tree.root.path]):
            return application_transition(application=application, action="unit_approve", actor=admin)

    outcomes = run_together([lambda a=a: approve(a) for a in applications])
    with scopes_disabled():
        fund = LoveFund.objects.get(pk=fund.pk)
        granted = sum(e.amount for e in FundEntry.objects.filter(fund=fund, kind="grant"))
        approved = AidApplication.objects.filter(status=ApplicationStatus.APPROVED).count()
    return outcomes, fund, granted, approved


def test_concurrent_grants_above_the_balance_one_is_refused(tree, users, monkeypatch):
    outcomes, fund, granted, approved = grant_race(tree, users, monkeypatch, locking=True)
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1, outcomes
    assert "余额不足" in refused[0].message_dict["amount"][0]
    assert approved == 1 and granted == Decimal("600.00")
    assert fund.balance == Decimal("400.00") and fund.balance == fund.donations_total - fund.grants_total


def test_control_without_the_lock_overdraws_the_book(tree, users, monkeypatch):
    outcomes, fund, granted, approved = grant_race(tree, users, monkeypatch, locking=False)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    # Both grants went out although only 1,000 was there: the lost update the lock prevents.
    assert approved == 2 and granted == Decimal("1200.00") > fund.donations_total
    assert fund.balance == Decimal("400.00")
