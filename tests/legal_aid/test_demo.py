"""The demo: lawyer1 with answered and open consultations of teacher1, warnings at private
schools — made through the services; a second run changes nothing."""

from __future__ import annotations

import pytest

from apps.accounts.demo import seed_users
from apps.accounts.enums import Role
from apps.accounts.models import RoleAssignment
from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from apps.legal_aid.demo import consultations_line, demo_seeder
from apps.legal_aid.models import Consultation, ConsultationMessage
from apps.organizations.demo import seed_organizations
from apps.petitions.enums import CaseKind, CaseStatus
from apps.petitions.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


def _counts() -> tuple:
    with scopes_disabled():
        return (Consultation.objects.count(), ConsultationMessage.objects.count(), CaseEvent.objects.count(),
                AuditLog.objects.count())


def test_demo_consultations_and_warnings_rerun_changes_nothing():
    seed_organizations()
    seed_users()
    demo_seeder({})
    with scopes_disabled():
        assert RoleAssignment.objects.get(user__username="lawyer1").role == Role.LAWYER
        statuses = sorted(Consultation.objects.values_list("status", flat=True))
        assert statuses == ["answered", "assigned", "closed"]
        assert set(Consultation.objects.values_list("lawyer__username", flat=True)) == {"lawyer1"}
        assert ConsultationMessage.objects.filter(kind="answer").count() == 3
        warnings = Case.objects.filter(kind=CaseKind.WARNING)
        assert warnings.count() == 3 and {w.organization.code for w in warnings} == {"P-MINBAN"}
        closed = warnings.get(status=CaseStatus.CLOSED)
        assert closed.outcome and closed.events.filter(action="close").count() == 1
    assert consultations_line() == "3 件（已答复或结束 2 件），劳动关系预警 3 件（已办结 1 件）"
    before = _counts()
    demo_seeder({})
    assert _counts() == before
