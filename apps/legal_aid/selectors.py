"""Reads of legal-aid consultations used by pages, admin, API and the work queue (all scoped)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from apps.core.work_queue import QueueItem

from .enums import ConsultationStatus as S
from .models import Consultation
from .services import ANSWER_PERMISSION, ASK_PERMISSION, ASSIGN_PERMISSION


def consultations():
    """What the acting user may see: a member's own, a lawyer's assigned, the centre's all."""
    return Consultation.objects.select_related("asker_unit", "lawyer", "case").order_by("-created_at", "-id")


def legal_aid_queue(user) -> list[QueueItem]:
    """The work queue: the centre's 待分配律师, a lawyer's 待答复, a member's 律师已答复."""
    wanted = []
    if user.has_perm(ASSIGN_PERMISSION):
        wanted.append(("待分配律师的法律咨询", S.SUBMITTED, reverse("admin:legal_aid_consultation_changelist")
                       + "?status__exact=submitted"))
    if user.has_perm(ANSWER_PERMISSION):
        wanted.append(("待答复的法律咨询", S.ASSIGNED, reverse("legal_aid:index")))
    if user.has_perm(ASK_PERMISSION):
        wanted.append(("律师已答复的咨询", S.ANSWERED, reverse("legal_aid:index")))
    if not wanted:
        return []
    counts = Consultation.objects.aggregate(**{s: Count("pk", filter=Q(status=s)) for _, s, _ in wanted})
    return [QueueItem(label=label, count=counts[s], url=url, section="法律援助") for label, s, url in wanted
            if counts[s]]
