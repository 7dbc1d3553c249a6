"""The honours' line in the run's demo summary (apps/core/demo_summary.py)."""

from __future__ import annotations

from .models import Honour, NominationCampaign
from .selectors import honour_roll


def roll_line() -> str:
    people = honour_roll().count()
    collectives = Honour.objects.filter(member__isnull=True).count()
    campaigns = NominationCampaign.objects.count()
    return f"在册 {people} 人、先进集体 {collectives} 个；推荐评选 {campaigns} 次"
