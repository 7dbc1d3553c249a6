"""The 2025 demo: 166 orders from 12351, 100 % closed through the workflow, 146 accounts."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.accounts.demo import seed_users
from apps.core.scoping import scopes_disabled
from apps.members.demo import seed_members
from apps.organizations.demo import seed_organizations
from apps.petitions.demo import seed_petitions
from apps.petitions.enums import CaseStatus
from apps.petitions.models import Case, CaseEvent, PlatformAccount
from apps.petitions.selectors import accounts_to_review, case_rates

pytestmark = pytest.mark.django_db


def test_demo_reproduces_the_report_and_reruns_change_nothing():
    seed_organizations()
    seed_users()
    seed_members(0)
    assert seed_petitions() == {"cases": 166, "accounts": 146}
    with scopes_disabled():
        events = CaseEvent.objects.count()
        assert Case.objects.filter(source="12351", received_at__year=2025).count() == 166
        assert set(Case.objects.values_list("status", flat=True)) == {CaseStatus.VISITED}
        # made through the workflow: every case has its whole history, reopened ones twice
        assert CaseEvent.objects.filter(action="close").count() == 166 + 3
        assert CaseEvent.objects.filter(action="reopen").count() == 3
        [total] = case_rates(start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1), by=())
        assert (total.received, total.close_rate, total.solve_rate) == (166, 100.0, 100.0)
        assert 80 <= total.response_rate <= 100 and total.avg_reply_hours > 0
        units = case_rates(by=("unit",))
        assert len(units) >= 15 and sum(r.received for r in units) == 166
        assert len({r.labels["category"] for r in case_rates(by=("category",))}) >= 6
        assert PlatformAccount.objects.filter(status="active").count() == 146
        assert accounts_to_review() == []
    assert seed_petitions() == {"cases": 166, "accounts": 146}
    with scopes_disabled():
        assert CaseEvent.objects.count() == events
        assert PlatformAccount.objects.count() == 146
