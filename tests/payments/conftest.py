from __future__ import annotations

from decimal import Decimal

import pytest

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.payments.enums import BatchPurpose
from apps.payments.services import payment_batch_add_items, payment_batch_create
from tests.factories.members import make_member
from tests.factories.orgs import PASSWORD, make_user


@pytest.fixture
def approvers(tree):
    """Two payment approvers at the municipal union, with real passwords (re-auth)."""
    return [make_user(f"t_approver{n}", tree.root, Role.PAYMENT_APPROVER, password=PASSWORD) for n in (1, 2)]


@pytest.fixture
def make_batch(tree, users):
    """make_batch(n=3, amount="100.00") → a draft batch of 海淀 with n members."""

    def make(n=3, amount="100.00", *, org=None, actor=None, accounts=None):
        org = org or tree.haidian
        actor = actor or users["haidian"]
        with scopes_disabled():
            batch = payment_batch_create(organization=org, title="2026 春节慰问", purpose=BatchPurpose.FESTIVAL_CONDOLENCE,
                                         actor=actor)
            members = [
                make_member(org, name=f"会员{i}", bank_account=(accounts or {}).get(i, f"62220202001{i:08d}"))
                for i in range(n)
            ]
            payment_batch_add_items(batch=batch, entries=[(m, Decimal(amount)) for m in members], actor=actor)
        return batch

    return make


@pytest.fixture
def password():
    return PASSWORD
