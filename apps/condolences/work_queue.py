"""What condolences put in the work queue: occasions to approve (unit administrators) and
draft campaigns to preview and generate, in the acting subtree. One aggregate per item."""

from __future__ import annotations

from django.urls import reverse

from apps.core.work_queue import QueueItem

from .enums import CampaignStatus, OccasionStatus
from .models import Campaign, Occasion
from .occasions import APPROVE_PERMISSION

SECTION = "职工慰问"


def condolences_queue(user) -> list[QueueItem]:
    items = []
    if user.has_perm(APPROVE_PERMISSION):
        count = Occasion.objects.filter(status=OccasionStatus.SUBMITTED).count()  # scoped: the acting subtree
        items.append(QueueItem("待审批的个人慰问", count,
                               reverse("admin:condolences_occasion_changelist") + "?status__exact=submitted",
                               "核对情况与证明材料后批准或退回", SECTION))
    if user.has_perm("condolences.change_campaign"):
        count = Campaign.objects.filter(status=CampaignStatus.DRAFT).count()
        items.append(QueueItem("待生成的慰问活动", count,
                               reverse("admin:condolences_campaign_changelist") + "?status__exact=draft",
                               "预览不予发放的人员及原因后生成", SECTION))
    return items
