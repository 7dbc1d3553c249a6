"""What honours put in the work queue (apps/core/work_queue.py): nominations awaiting the
municipal review, and for units the campaigns open for nomination and returned nominations."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from apps.core.work_queue import QueueItem

from .enums import NominationStatus
from .models import Nomination, NominationCampaign

SECTION = "劳模先进"


def honours_queue(user) -> list[QueueItem]:
    keeper = user.has_perm("honours.change_nomination")
    nominating = user.has_perm("honours.add_nomination")
    if not (keeper or nominating):
        return []
    nominations = reverse("admin:honours_nomination_changelist")
    counts = Nomination.objects.aggregate(  # scoped: the acting subtree
        recommended=Count("id", filter=Q(status=NominationStatus.RECOMMENDED)),
        initial=Count("id", filter=Q(status=NominationStatus.INITIAL_APPROVED)),
        returned=Count("id", filter=Q(status=NominationStatus.RETURNED)),
    )
    items = []
    if keeper:
        items += [
            QueueItem("待市级初审的推荐", counts["recommended"], f"{nominations}?status__exact=recommended",
                      "基层已推荐", SECTION),
            QueueItem("初审通过待公示", counts["initial"], f"{nominations}?status__exact=initial_approved",
                      "公示后审批", SECTION),
        ]
    if nominating and not keeper:
        today = timezone.localdate()
        open_campaigns = NominationCampaign.objects.filter(opens_on__lte=today, closes_on__gte=today).count()
        items += [
            QueueItem("进行中的推荐评选", open_campaigns, reverse("admin:honours_nominationcampaign_changelist"),
                      "在名额内推荐本单位人选", SECTION),
            QueueItem("被退回的推荐", counts["returned"], f"{nominations}?status__exact=returned",
                      "修改后重新推荐", SECTION),
        ]
    return items
