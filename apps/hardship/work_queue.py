"""What welfare aid puts in the work queue (apps/core/work_queue.py): applications and claims
to review, to approve at the municipal tier and to pay; hardship files due for their yearly
review. One aggregate query per model, in the acting subtree."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from apps.core.work_queue import QueueItem
from apps.mutual_aid.models import Claim

from .models import AidApplication, HardshipFile

SECTION = "互助与帮扶"


def _items(counts: dict, changelist: str, noun: str, *, unit: bool, municipal: bool, pay: bool) -> list[QueueItem]:
    items = []
    if unit:
        items.append(QueueItem(f"待单位审核的{noun}", counts["submitted"], f"{changelist}?status__exact=submitted",
                               "审核通过后，限额以上转市级审批", SECTION))
    if municipal:
        items.append(QueueItem(f"待市级审批的{noun}", counts["unit_approved"],
                               f"{changelist}?status__exact=unit_approved", "超过单位审批限额", SECTION))
    if pay:
        items.append(QueueItem(f"已批准待发放的{noun}", counts["approved"], f"{changelist}?status__exact=approved",
                               "生成发放批次，由另一位审批人审批后发放", SECTION))
    return items


def welfare_aid_queue(user) -> list[QueueItem]:
    pay = user.has_perm("payments.add_paymentbatch")
    items: list[QueueItem] = []
    by_status = {s: Count("id", filter=Q(status=s)) for s in ("submitted", "unit_approved", "approved")}
    if user.has_perm("hardship.view_aidapplication"):
        items += _items(AidApplication.objects.aggregate(**by_status),
                        reverse("admin:hardship_aidapplication_changelist"), "帮扶申请",
                        unit=user.has_perm("hardship.change_aidapplication"),
                        municipal=user.has_perm("hardship.approve_municipal"), pay=pay)
    if user.has_perm("mutual_aid.view_claim"):
        items += _items(Claim.objects.aggregate(**by_status), reverse("admin:mutual_aid_claim_changelist"),
                        "互助金申请", unit=user.has_perm("mutual_aid.change_claim"),
                        municipal=user.has_perm("mutual_aid.approve_municipal"), pay=pay)
    if user.has_perm("hardship.change_hardshipfile"):
        due = HardshipFile.objects.filter(status="open", next_review_on__lte=timezone.localdate()).count()
        items.append(QueueItem("待年度复核的困难档案", due, reverse("admin:hardship_hardshipfile_changelist")
                               + "?status__exact=open", "每年复核一次；已脱困的销档", SECTION))
    return items
