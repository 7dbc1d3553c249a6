"""Labour-relations early warnings (劳动关系预警): cases of kind ``warning``.

A warning is received (``case_receive`` with its kind, level, reporter and steps taken),
dispatched to the responsible unit and handled through the same ``case_transition`` and
deadline machinery as a petition — its limits come from the ``DeadlineRule`` rows of its
warning kind (欠薪 …) and the urgency its level implies; it is closed with an outcome and is
never called back. This module adds the report shortcut and the work-queue entries."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.work_queue import QueueItem
from apps.organizations.models import Organization

from .enums import Action, CaseKind, CaseStatus, Source, Urgency, WarningKind, WarningLevel
from .models import Case, Category
from .selectors import work_queue
from .services import HANDLE_PERMISSION, case_receive, case_transition

# A warning's level sets how fast it must be handled.
LEVEL_URGENCY = {WarningLevel.SEVERE: Urgency.URGENT, WarningLevel.SERIOUS: Urgency.NORMAL,
                 WarningLevel.GENERAL: Urgency.COMPLEX}
KIND_CATEGORY = {WarningKind.WAGES: "wages-arrears", WarningKind.LAYOFF: "contract-termination",
                 WarningKind.COLLECTIVE: "other", WarningKind.OTHER: "other"}


@transaction.atomic
def warning_report(*, actor, warning_kind: str, warning_level: str, title: str, content: str, reporter: str,
                   unit: Organization | None = None, steps: str = "", received_at: dt.datetime | None = None,
                   order_no: str = "", source: str = Source.ONLINE) -> tuple[Case, bool]:
    """受理 a warning (and 派单 it to ``unit`` when given): the same services as a petition."""
    category = Category.objects.get(code=KIND_CATEGORY.get(warning_kind, "other"))
    case, created = case_receive(
        kind=CaseKind.WARNING, source=source, order_no=order_no, received_at=received_at or timezone.now(),
        petitioner_name=reporter or "—", petitioner_unit=unit, category=category,
        urgency=LEVEL_URGENCY.get(warning_level, Urgency.NORMAL), title=title, content=content, actor=actor,
        warning_kind=warning_kind, warning_level=warning_level, reporter=reporter, steps=steps)
    if created and unit is not None:
        case = case_transition(case=case, action=Action.DISPATCH, unit=unit, actor=actor,
                               at=case.received_at)
    return case, created


def warnings_queue(user) -> list[QueueItem]:
    """A unit's warnings to sign and to handle, and those due soon, on the home work queue."""
    if not user.has_perm(HANDLE_PERMISSION):
        return []
    queue = work_queue(Case.objects.filter(kind=CaseKind.WARNING, status__in=[
        CaseStatus.DISPATCHED, CaseStatus.SIGNED, CaseStatus.HANDLING]))
    url = reverse("admin:petitions_labourwarning_changelist")
    labels = [("to_sign", "待签收劳动关系预警"), ("to_handle", "办理中劳动关系预警"),
              ("due_soon", f"{settings.PETITIONS_DUE_SOON_HOURS} 工作小时内到期的预警")]
    return [QueueItem(label=label, count=len(queue[key]), url=url, section="诉求与预警") for key, label in labels
            if queue[key]]
