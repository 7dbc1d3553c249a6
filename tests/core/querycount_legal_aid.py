"""Query-count makers for the legal-aid consultations and the labour-relations warnings
(found by tests/core/test_query_counts.py by this module's name)."""

from __future__ import annotations

import datetime as dt


def _consultation(ctx, i):
    from apps.accounts.enums import Role
    from apps.core.scoping import scope
    from apps.legal_aid.services import consultation_ask, consultation_transition
    from tests.factories.orgs import make_user

    asker = make_user(f"q_asker{i}", ctx.unit(i), Role.TEACHER)
    lawyer = ctx.once("lawyer", lambda: make_user("q_lawyer", ctx.tree.root, Role.LAWYER))
    with scope(person="teacher", user_id=asker.pk):
        consultation, _ = consultation_ask(actor=asker, category="wages", title=f"咨询{i}", question="问题")
    consultation_transition(consultation=consultation, action="assign", actor=ctx.users["municipal"], lawyer=lawyer)


def _warning(ctx, i):
    from apps.petitions.enums import WarningKind, WarningLevel
    from apps.petitions.warnings import warning_report

    received = dt.datetime(2025, 9, 1 + i, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    warning_report(actor=None, warning_kind=WarningKind.values[i % 4], warning_level=WarningLevel.values[i % 3],
                   title=f"预警{i}", content="内容", reporter=f"报告人{i}", unit=ctx.unit(i), received_at=received)


ADMIN_MAKERS = {
    "legal_aid.Consultation": _consultation,
    "petitions.LabourWarning": _warning,
}

API_LISTS = {
    "legal-aid/consultations": (_consultation, lambda ctx: "/api/v1/legal-aid/consultations/"),
    "petitions/cases?kind=warning": (_warning, lambda ctx: "/api/v1/petitions/cases/?kind=warning&ordering=deadline"),
}
