from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchPurpose(models.TextChoices):
    HONOUR_ALLOWANCE = "honour_allowance", _("荣誉津贴")
    FESTIVAL_CONDOLENCE = "festival_condolence", _("节日慰问")
    AWARD_BONUS = "award_bonus", _("奖金")
    HARDSHIP_GRANT = "hardship_grant", _("困难补助")
    CONDOLENCE = "condolence", _("慰问金")
    MUTUAL_AID = "mutual_aid", _("互助保障金")
    OTHER = "other", _("其他")


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已审批")
    DISBURSING = "disbursing", _("发放中")
    COMPLETED = "completed", _("已完成")
    COMPLETED_WITH_FAILURES = "completed_with_failures", _("部分失败")
    CANCELLED = "cancelled", _("已撤销")


# The only allowed moves; everything else is refused by payment_batch_transition.
BATCH_MOVES: dict[str, frozenset[str]] = {
    BatchStatus.DRAFT: frozenset({BatchStatus.SUBMITTED, BatchStatus.CANCELLED}),
    BatchStatus.SUBMITTED: frozenset({BatchStatus.APPROVED, BatchStatus.CANCELLED}),
    BatchStatus.APPROVED: frozenset({BatchStatus.DISBURSING}),
    BatchStatus.DISBURSING: frozenset({BatchStatus.COMPLETED, BatchStatus.COMPLETED_WITH_FAILURES}),
    BatchStatus.COMPLETED: frozenset(),
    BatchStatus.COMPLETED_WITH_FAILURES: frozenset(),
    BatchStatus.CANCELLED: frozenset(),
}

# From approval on, items and amounts are frozen (a PostgreSQL trigger enforces it too).
FROZEN_STATUSES = (
    BatchStatus.APPROVED, BatchStatus.DISBURSING, BatchStatus.COMPLETED, BatchStatus.COMPLETED_WITH_FAILURES,
)


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("待发放")
    SENT = "sent", _("已发送")
    PAID = "paid", _("已到账")
    FAILED = "failed", _("失败")


OPEN_ITEM_STATUSES = (ItemStatus.PENDING, ItemStatus.SENT)

# The only allowed moves of an item; ``payment_items_transition`` refuses everything else.
# A pending item may be settled directly by a bank return file (it names the reference).
ITEM_MOVES: dict[str, frozenset[str]] = {
    ItemStatus.PENDING: frozenset({ItemStatus.SENT, ItemStatus.PAID, ItemStatus.FAILED}),
    ItemStatus.SENT: frozenset({ItemStatus.PAID, ItemStatus.FAILED}),
    ItemStatus.PAID: frozenset(),
    ItemStatus.FAILED: frozenset(),
}


class TransferOutcome(models.TextChoices):
    PAID = "paid", _("已到账")
    FAILED = "failed", _("失败")
