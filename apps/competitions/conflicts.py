"""Conflicts of interest: the one rule deciding which entries a judge may see or score.

A judge never sees an entry of their own grassroots union (the union of the unit their judge
role is at, subtree included) nor of a unit they declared a conflict with. Judges work
across units, so these queries run unscoped and filter explicitly.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.accounts.enums import Role
from apps.accounts.models import RoleAssignment
from apps.core.scoping import scopes_disabled

from .models import ConflictDeclaration, Entry, JudgeAssignment


def judge_units(user):
    """The organisations of the user's active judge roles."""
    with scopes_disabled():
        return [a.organization for a in RoleAssignment.objects.filter(
            user=user, role=Role.JUDGE, is_active=True).select_related("organization")]


def conflicted_paths(user) -> list[str]:
    """Path prefixes of every unit whose entries the judge must not see."""
    with scopes_disabled():
        paths = {org.grassroots_path() for org in judge_units(user)}
        paths |= {org.grassroots_path() for org in (
            d.organization for d in ConflictDeclaration.objects.filter(judge=user).select_related("organization"))}
        paths |= set(JudgeAssignment.objects.filter(judge=user).values_list("organization__path", flat=True))
    return sorted(paths)


def _conflict_q(paths: list[str], prefix: str = "organization__path") -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{prefix}__startswith": path})
    return q


def entries_for_judge(user, *, stage=None, group=None) -> QuerySet:
    """Approved entries in the groups/stages the judge is assigned to, minus conflicts.

    Unscoped by design (a judge from 北大 scores 清华's teachers); the explicit filters are
    the scope. An entry is in a stage when its ``current_stage`` is that stage or a later
    one (it reached the stage)."""
    from .enums import EntryStatus

    with scopes_disabled():
        assignments = JudgeAssignment.objects.filter(judge=user)
        if stage is not None:
            assignments = assignments.filter(stage=stage)
        if group is not None:
            assignments = assignments.filter(group=group)
        reach = Q(pk__in=[])
        for a in assignments.select_related("stage"):
            reach |= Q(group_id=a.group_id, edition_id=a.stage.edition_id,
                       current_stage__order__gte=a.stage.order)
        return (Entry.objects.filter(reach, status=EntryStatus.APPROVED)
                .exclude(_conflict_q(conflicted_paths(user)))
                .select_related("group", "edition", "current_stage"))


def judge_may_see(user, entry: Entry) -> bool:
    with scopes_disabled():
        return entries_for_judge(user).filter(pk=entry.pk).exists()


def has_conflict(user, organization) -> bool:
    path = organization.path
    return any(path.startswith(prefix) for prefix in conflicted_paths(user))
