"""What a teacher and a judge see of the competitions' records: the rules of their person
scopes (``apps/core/scoping.py``), used by the models' scoped managers.

A teacher is the user linked to a member record by a ``TeacherAccount``; they see that
member record, their own entries and the team entries they were invited to or joined, those
teams' invitations, their own certificates and awards, and their place in the talent pool.

A judge sees the approved entries of the groups and stages they are assigned to, minus
every entry of their own grassroots union, of a unit of their assignments, and of a unit
they declared a conflict with (subtrees included), and their own assignments, declared
conflicts and score sheets of those entries. Nothing else: a model without a rule for the
role returns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q

from apps.accounts.enums import Role
from apps.accounts.models import RoleAssignment
from apps.core.scoping import Scope
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization

from ..enums import EntryStatus, InvitationStatus

TEACHER = "member__teacher_account__user"  # from a member reference to the teacher's user
TAKEN_TEAM = (InvitationStatus.INVITED, InvitationStatus.ACCEPTED)


def teacher_entries(prefix: str = ""):
    """Entries (reached through ``prefix``) the acting teacher owns or was invited to."""
    def rule(scope: Scope) -> Q:
        return (Q(**{f"{prefix}{TEACHER}": scope.user_id})
                | Q(**{f"{prefix}team_members__{TEACHER}": scope.user_id,
                       f"{prefix}team_members__status__in": TAKEN_TEAM}))
    return rule


@dataclass(frozen=True)
class JudgeReach:
    """Where a judge may look: (group id, edition id, stage order) per assignment, and the
    path prefixes of every unit whose entries they must not see."""

    assignments: tuple[tuple[int, int, int, int], ...]  # (group, edition, stage id, stage order)
    conflicts: tuple[str, ...]


def _grassroots(path: str, kind: str) -> str:
    return path[: 2 * Organization.steplen] if kind in (OrgKind.BRANCH, OrgKind.GROUP) else path


def judge_reach(user_id: int) -> JudgeReach:
    """The judge's assignments and conflicts, read by the judge's own id (the explicit
    filter is the scope: ``_base_manager`` so staff asking about a judge get the same answer)."""
    # Through the app registry: models/judging.py builds its managers from this module's rules.
    JudgeAssignment = apps.get_model("competitions", "JudgeAssignment")  # noqa: N806
    ConflictDeclaration = apps.get_model("competitions", "ConflictDeclaration")  # noqa: N806
    assignments = tuple(JudgeAssignment._base_manager.filter(judge_id=user_id).values_list(
        "group_id", "stage__edition_id", "stage_id", "stage__order").order_by("id"))
    paths = {_grassroots(p, k) for p, k in RoleAssignment._base_manager.filter(
        user_id=user_id, role=Role.JUDGE, is_active=True).values_list("organization__path", "organization__kind")}
    paths |= {_grassroots(p, k) for p, k in ConflictDeclaration._base_manager.filter(
        judge_id=user_id).values_list("organization__path", "organization__kind")}
    paths |= set(JudgeAssignment._base_manager.filter(judge_id=user_id).values_list(
        "organization__path", flat=True))
    return JudgeReach(assignments=assignments, conflicts=tuple(sorted(paths)))


def judge_entry_q(reach: JudgeReach, *, prefix: str = "", stage_id: int | None = None,
                  group_id: int | None = None) -> Q:
    """Entries (through ``prefix``) a judge with ``reach`` may see, optionally of one
    assignment's stage and group. An entry is in a stage when it reached it
    (``current_stage`` is that stage or a later one)."""
    q = Q(**{f"{prefix}pk__in": []})
    for a_group, a_edition, a_stage, a_order in reach.assignments:
        if (stage_id is not None and a_stage != stage_id) or (group_id is not None and a_group != group_id):
            continue
        q |= Q(**{f"{prefix}group_id": a_group, f"{prefix}edition_id": a_edition,
                  f"{prefix}current_stage__order__gte": a_order})
    q &= Q(**{f"{prefix}status": EntryStatus.APPROVED})
    for path in reach.conflicts:
        q &= ~Q(**{f"{prefix}organization__path__startswith": path})
    return q


def _reach(scope: Scope) -> JudgeReach:
    return scope.memo("competitions.judge_reach", lambda: judge_reach(scope.user_id))


def judge_entries(prefix: str = ""):
    """The person rule: entries (through ``prefix``) the acting judge may see."""
    def rule(scope: Scope) -> Q:
        return judge_entry_q(_reach(scope), prefix=prefix)
    return rule


def judge_sheets(prefix: str = ""):
    """The acting judge's own sheets (through ``prefix``) of entries they may see."""
    def rule(scope: Scope) -> Q:
        return Q(**{f"{prefix}assignment__judge_id": scope.user_id}) & judge_entry_q(
            _reach(scope), prefix=f"{prefix}entry__")
    return rule


def teacher_team(scope: Scope) -> Q:
    """Team rows a teacher sees: invitations addressed to them, and the teams of entries
    they own or were invited to."""
    return Q(**{TEACHER: scope.user_id}) | teacher_entries("entry__")(scope)


def teacher_awards(scope: Scope) -> Q:
    """Awards of the teacher's entries, and awards they hold a certificate of."""
    return teacher_entries("entry__")(scope) | Q(**{f"certificates__{TEACHER}": scope.user_id})
