from __future__ import annotations

import datetime as dt
import time

import pytest

from apps.accounts.enums import Role
from apps.core.scoping import scope, scopes_disabled
from tests.factories.members import make_member
from tests.factories.orgs import make_user

DAY = dt.date(2025, 12, 1)


def policy(kind="winter_warmth", *, valid_from=dt.date(2025, 1, 1), **values):
    from apps.condolences.models import Policy
    from apps.condolences.policies import policy_create

    values.setdefault("form", "cash")
    if values["form"] == "goods":
        values.setdefault("item_name", "羽绒马甲")
        values.setdefault("item_unit_value", "300")
        values.setdefault("amount", None)
    values.setdefault("amount", "300")
    values.setdefault("cap_per_occasion", "500")
    values.setdefault("cap_per_year", "500")
    values.setdefault("times_per_year", 1)
    values.setdefault("payer", "any")
    with scopes_disabled():
        existing = Policy.objects.filter(kind=kind, valid_from=valid_from).first()
        return existing or policy_create(actor=None, kind=kind, valid_from=valid_from, **values)


def people(unit, n, *, prefix="教工", **fields):
    fields.setdefault("post", "数学教师")
    return [make_member(unit, name=f"{prefix}{i:02d}", **fields) for i in range(n)]


def campaign(unit, actor, *, kind="winter_warmth", title="冬送温暖", date=DAY, target=None):
    from apps.condolences.campaigns import campaign_create

    with scope(paths=[unit.path]):
        return campaign_create(kind=kind, title=title, date=date, organization=unit, actor=actor,
                               target=target if target is not None else {"front_line": True})


def pay(batch, approvers):
    """Submit (by its maker), approve by the approvers, disburse in process: the engine's path."""
    from apps.payments.disbursement import payment_batch_disburse_now
    from apps.payments.services import payment_batch_approve, payment_batch_submit

    with scopes_disabled():
        batch = payment_batch_submit(batch=batch, actor=batch.created_by)
        for approver in approvers:
            if batch.status == "submitted":
                batch = payment_batch_approve(batch=batch, actor=approver, logged_in_at=time.time())
        payment_batch_disburse_now(batch=batch, actor=approvers[0])
        batch.refresh_from_db()
    return batch


@pytest.fixture
def approvers(tree):
    return [make_user(f"t_approver{n}", tree.root, Role.PAYMENT_APPROVER, password="Str0ng!Pass#2026")
            for n in (1, 2)]
