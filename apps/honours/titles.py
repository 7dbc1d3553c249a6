"""The six honour titles the portal starts with (the data migration and tests seed them).

``rank``: a smaller number is a higher title (national before municipal); the roll shows
each person with the title of the smallest rank they hold.
"""

from __future__ import annotations

# (code, name, level, holder_kind, rank)
INITIAL_TITLES = (
    ("national_model_worker", "全国劳动模范", "national", "person", 10),
    ("national_advanced_worker", "全国先进工作者", "national", "person", 20),
    ("beijing_model_worker", "北京市劳动模范", "municipal", "person", 30),
    ("beijing_advanced_worker", "北京市先进工作者", "municipal", "person", 40),
    ("capital_labour_medal", "首都劳动奖章", "municipal", "person", 50),
    ("beijing_model_collective", "北京市模范集体", "municipal", "collective", 60),
)


def seed_titles(title_model) -> None:
    """Create the initial titles that are missing (idempotent; never overwrites edits)."""
    for code, name, level, holder_kind, rank in INITIAL_TITLES:
        title_model.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "holder_kind": holder_kind, "rank": rank})
