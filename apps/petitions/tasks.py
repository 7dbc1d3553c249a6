"""The deadline watch (Celery beat, every 15 minutes): warns the unit of a case due within
a working day and escalates (督办) an overdue one, each once per round, through case_transition."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from apps.core.scoping import scopes_disabled

from .deadlines import deadlines_for
from .enums import Action, CaseStatus
from .models import Case
from .services import case_transition


def deadlines_watch(*, now=None) -> dict[str, int]:
    now = now or timezone.now()
    soon = settings.PETITIONS_DUE_SOON_HOURS * 3600
    counts = {"warned": 0, "escalated": 0}
    with scopes_disabled():  # the city-wide watch of the municipal union: every unit's open cases
        cases = list(Case.objects.filter(
            status__in=[CaseStatus.DISPATCHED, CaseStatus.SIGNED, CaseStatus.HANDLING]))
        info = deadlines_for(cases, now=now)
        for case in cases:
            remaining = info[case.pk].remaining_seconds
            if remaining is None:
                continue
            action = Action.ESCALATE if remaining < 0 else Action.WARN if remaining <= soon else None
            if action is None:
                continue
            before = case.events.filter(action=action).count()
            case_transition(case=case, action=action, actor=None, at=now,
                            note=f"剩余 {info[case.pk].remaining_label}")
            if case.events.filter(action=action).count() > before:
                counts["warned" if action == Action.WARN else "escalated"] += 1
    return counts


@shared_task(name="apps.petitions.tasks.watch_deadlines", acks_late=True)
def watch_deadlines() -> dict[str, int]:
    return deadlines_watch()


from .exchange.jobs import import_orders_job  # noqa: E402,F401 - the worker finds the import job here
