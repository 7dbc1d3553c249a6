"""Reads of the competitions app used in more than one place (pages, API, admin, services).

Sections:

* judges' entries — the one conflict-of-interest rule deciding which entries a judge may see
  or score: never an entry of their own grassroots union (the union of the unit their judge
  role is at, subtree included) nor of a unit they declared a conflict with. It is the rule
  of the judge's person scope (``models/person_scopes.py``), applied here explicitly too;
* teachers — the member a teacher's self-service account is linked to, their entries and
  invitations;
* units' quotas — places, approved (used) and left;
* stages — the entries that reached a stage, the final and the next stage.

Every function takes keyword arguments only and writes nothing.
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.accounts.enums import Role
from apps.accounts.models import RoleAssignment
from apps.core.scoping import scopes_disabled

from .enums import EntryStatus, InvitationStatus
from .models.person_scopes import judge_entry_q, judge_reach
from .models import (
    LIVE_ENTRY, ConflictDeclaration, Criterion, Edition, Entry, Group, JudgeAssignment, Stage, TeacherAccount, TeamMember,
    UnitQuota,
)

TAKEN_TEAM = (InvitationStatus.INVITED, InvitationStatus.ACCEPTED)


# --- judges' entries (conflicts of interest) ----------------------------------------------


def judge_units(*, judge) -> list:
    """The organisations of the user's active judge roles."""
    with scopes_disabled():  # a judge's roles name their own union, whoever asks (staff assigning them)
        return [a.organization for a in RoleAssignment.objects.filter(
            user=judge, role=Role.JUDGE, is_active=True).select_related("organization").order_by("id")]


def judge_conflicted_paths(*, judge) -> list[str]:
    """Path prefixes of every unit whose entries the judge must not see (the rule of the
    judge's person scope, ``models.person_scopes.judge_reach``)."""
    return list(judge_reach(judge.pk).conflicts)


def entries_for_judge(*, judge, stage=None, group=None) -> QuerySet:
    """Approved entries in the groups/stages the judge is assigned to, minus conflicts.

    The same rule the judge's person scope applies to ``Entry`` (``person_scopes``), here as
    an explicit filter over the caller's scope: in the judge's own scope a second fence, for
    the municipal admin the answer about that judge. An entry is in a stage when its
    ``current_stage`` is that stage or a later one (it reached the stage)."""
    q = judge_entry_q(judge_reach(judge.pk), stage_id=getattr(stage, "pk", stage),
                      group_id=getattr(group, "pk", group))
    return Entry.objects.filter(q).select_related("group", "edition", "current_stage")


def judge_may_see(*, judge, entry: Entry) -> bool:
    return entries_for_judge(judge=judge).filter(pk=entry.pk).exists()


def judge_has_conflict(*, judge, organization) -> bool:
    path = organization.path
    return any(path.startswith(prefix) for prefix in judge_conflicted_paths(judge=judge))


# --- teachers ------------------------------------------------------------------------------


def teacher_member_or_none(*, user):
    """The member the user's self-service account is linked to (cached on the user), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_competition_member", False)
    if cached is not False:
        return cached
    with scopes_disabled():  # one's own link, by the user's id, in any role (staff pages ask too)
        account = TeacherAccount.objects.select_related("member__organization").filter(user=user).first()
    member = account.member if account else None
    user._competition_member = member
    return member


def member_live_entry(*, member, edition, exclude_entry=None, pending: bool = True) -> Entry | None:
    """The live entry of the edition the member already belongs to: their own, or a team they
    joined (or, with ``pending``, were invited to and have not answered)."""
    with scopes_disabled():  # a person's entries city-wide decide, though the caller may not see them
        own = Entry.objects.filter(LIVE_ENTRY, edition=edition, member=member)
        team = Entry.objects.filter(LIVE_ENTRY, edition=edition, team_members__member=member,
                                    team_members__status__in=TAKEN_TEAM if pending else [InvitationStatus.ACCEPTED])
        if exclude_entry is not None:
            own, team = own.exclude(pk=exclude_entry.pk), team.exclude(pk=exclude_entry.pk)
        return own.first() or team.first()


def entries_of_teacher(*, member) -> list[Entry]:
    """The member's own entries and the team entries they were invited to or joined (in the
    teacher's person scope; the filter on the member is the second fence)."""
    return list(Entry.objects.filter(Q(member=member) | Q(
        team_members__member=member, team_members__status__in=TAKEN_TEAM))
        .distinct().select_related("edition", "group", "organization", "member").order_by("-created_at"))


def invitations_for(*, member) -> list[TeamMember]:
    """The invitations addressed to the member (all states, newest first), in the caller's
    (the teacher's) scope."""
    return list(TeamMember.objects.filter(member=member)
                .select_related("entry__group", "entry__edition", "entry__member", "entry__organization")
                .order_by("-invited_at", "-id"))


def entries_pending_count() -> int:
    """Entries of the acting subtree waiting for their unit's approval (the home page)."""
    return Entry.objects.filter(status=EntryStatus.SUBMITTED).count()


# --- units' quotas -------------------------------------------------------------------------


def quota_used(*, group: Group, organization) -> int:
    """Entries of the unit approved in the group (what counts against its quota)."""
    with scopes_disabled():  # the count is the unit's own, whoever asks
        return Entry.objects.filter(group=group, organization=organization,
                                    status=EntryStatus.APPROVED).count()


def quotas_with_used(*, queryset: QuerySet) -> QuerySet:
    """Unit quotas annotated with ``approved`` (their approved entries) in the list's own query."""
    approved = (Entry._base_manager.filter(group_id=OuterRef("group_id"), organization_id=OuterRef("organization_id"),
                                           status=EntryStatus.APPROVED)
                .order_by().values("group_id").annotate(n=Count("id")).values("n"))
    return queryset.annotate(approved=Coalesce(Subquery(approved), 0))


def group_figures(*, groups, organization) -> dict[int, dict]:
    """Per group: ``places_left`` (city-wide, None when uncapped) and ``my_quota`` (the
    ``organization``'s quota, used and left; None without one) — three queries for any
    number of groups."""
    ids = [g.pk for g in groups]
    capped = [g.pk for g in groups if g.capacity is not None]
    with scopes_disabled():  # city-wide live counts and the acting unit's own quota rows
        live = dict(Entry.objects.filter(LIVE_ENTRY, group_id__in=capped).values_list("group_id")
                    .annotate(n=Count("id")).order_by()) if capped else {}
        quotas, used = {}, {}
        if organization is not None and ids:
            quotas = dict(UnitQuota.objects.filter(group_id__in=ids, organization=organization)
                          .values_list("group_id", "quota"))
            used = dict(Entry.objects.filter(group_id__in=list(quotas), organization=organization,
                                             status=EntryStatus.APPROVED)
                        .values_list("group_id").annotate(n=Count("id")).order_by()) if quotas else {}
    out = {}
    for g in groups:
        mine = None
        if g.pk in quotas:
            mine = {"quota": quotas[g.pk], "used": used.get(g.pk, 0), "left": max(quotas[g.pk] - used.get(g.pk, 0), 0)}
        out[g.pk] = {"places_left": None if g.capacity is None else max(g.capacity - live.get(g.pk, 0), 0),
                     "my_quota": mine}
    return out


def quota_summary(*, group: Group, organization) -> dict | None:
    """A unit's quota in a group: places, approved (used) and left; None without a quota."""
    if organization is None:
        return None
    with scopes_disabled():  # the unit's own quota row, whoever asks (a teacher sees their unit's places)
        row = UnitQuota.objects.filter(group=group, organization=organization).first()
    if row is None:
        return None
    used = quota_used(group=group, organization=organization)
    return {"quota": row.quota, "used": used, "left": max(row.quota - used, 0)}


def quota_usage(*, group: Group, organization) -> dict[str, int]:
    """A unit's places in a group: {quota, used (approved), left}. No quota row = 0 places."""
    with scopes_disabled():  # the unit's own quota row, whoever of its staff asks
        quota = UnitQuota.objects.filter(group=group, organization=organization).values_list("quota", flat=True)
        quota = quota[0] if quota else 0
    used = quota_used(group=group, organization=organization)
    return {"quota": quota, "used": used, "left": max(quota - used, 0)}


# --- stages --------------------------------------------------------------------------------


def stage_entries(*, stage: Stage, group=None) -> QuerySet:
    """Approved entries that reached ``stage`` (current stage is this one or a later one)."""
    with scopes_disabled():  # a stage's ranking is city-wide, whoever asks (the keeper only)
        qs = Entry.objects.filter(edition_id=stage.edition_id, status=EntryStatus.APPROVED,
                                  current_stage__order__gte=stage.order)
        if group is not None:
            qs = qs.filter(group=group)
        return qs.select_related("organization", "member", "group")


def criteria_for_pairs(*, pairs) -> dict[tuple[int, int], list]:
    """{(stage_id, group_id): that group's score sheet in that stage} for many pairs in one
    query (a group's own criteria, else the stage's shared ones; in tie-break order)."""
    pairs = set(pairs)
    shared: dict[int, list] = {}
    own: dict[tuple[int, int], list] = {}
    for criterion in Criterion.objects.filter(stage_id__in={s for s, _ in pairs}).order_by("order", "id"):
        if criterion.group_id is None:
            shared.setdefault(criterion.stage_id, []).append(criterion)
        else:
            own.setdefault((criterion.stage_id, criterion.group_id), []).append(criterion)
    return {(s, g): own.get((s, g), shared.get(s, [])) for s, g in pairs}


def stage_final(*, edition: Edition) -> Stage | None:
    return Stage.objects.filter(edition=edition).order_by("-order").first()


def stage_next(*, stage: Stage) -> Stage | None:
    return Stage.objects.filter(edition_id=stage.edition_id, order__gt=stage.order).order_by("order").first()
