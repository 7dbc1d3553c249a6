from .awards import Award, Certificate, PrizeBonus, PrizeRule
from .entries import LIVE_ENTRY, Entry, TalentPoolEntry, TeacherAccount, TeamMember
from .judging import ConflictDeclaration, JudgeAssignment, Score, ScoreSheet, StageResult
from .structure import Criterion, Edition, Group, Series, Stage, UnitQuota, criteria_by_group, criteria_for

__all__ = [
    "LIVE_ENTRY", "Award", "Certificate", "ConflictDeclaration", "Criterion", "Edition", "Entry", "Group",
    "JudgeAssignment", "PrizeBonus", "PrizeRule", "Score", "ScoreSheet", "Series", "Stage", "StageResult",
    "TalentPoolEntry", "TeacherAccount", "TeamMember", "UnitQuota", "criteria_by_group", "criteria_for",
]
