"""Reads of the activities engine: what a member may apply to (and why not), their
applications with waiting-list positions, club participation per year."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from .eligibility import Refusal, member_check, rules_describe
from .enums import LIVE, ApplicationStatus
from .models import Activity, Application, Club, Participation, Session


@dataclass
class OpenActivity:
    activity: Activity
    sessions: list[Session]
    rules: list[str]
    refusals: list[Refusal] = field(default_factory=list)
    applied: bool = False

    @property
    def eligible(self) -> bool:
        return not self.refusals


def open_activities_for(*, member, now=None) -> list[OpenActivity]:
    """Published activities open for applications now and visible to the member (the
    teacher's scope: city-wide or organised above their unit), each with the rules the
    member fails."""
    now = now or timezone.now()
    activities = list(Activity.objects.filter(published=True, opens_at__lte=now, closes_at__gte=now)
                      .select_related("organization", "club").prefetch_related("sessions").order_by("closes_at", "id"))
    mine = set(Application._base_manager.filter(member=member, status__in=LIVE,
                                                session__activity__in=activities)
               .values_list("session__activity_id", flat=True))
    out = []
    for activity in activities:
        if not activity.city_wide and not member.organization.path.startswith(activity.organization.path):
            continue
        sessions = list(activity.sessions.all())
        if not sessions:
            continue
        day = sessions[0].starts_on
        out.append(OpenActivity(activity=activity, sessions=sessions, rules=rules_describe(activity.rules),
                                refusals=member_check(activity=activity, member=member, day=day),
                                applied=activity.pk in mine))
    return out


def applications_of(*, member) -> list[Application]:
    """The member's applications, newest first, each with ``position`` on the waiting list."""
    rows = list(Application._base_manager.filter(member=member)
                .select_related("session__activity__organization").order_by("-applied_at", "-id")[:100])
    waiting = [a for a in rows if a.status == ApplicationStatus.WAITLISTED and a.wait_rank is not None]
    for a in rows:
        a.position = None
    if waiting:
        counts = {}
        for a in waiting:
            counts[a.pk] = Application._base_manager.filter(
                session_id=a.session_id, status=ApplicationStatus.WAITLISTED, wait_rank__lt=a.wait_rank).count() + 1
        for a in rows:
            a.position = counts.get(a.pk)
    return rows


def club_participation(*, year: int | None = None) -> list[dict]:
    """Participations per club (and year) in the acting scope: the report's 近万人."""
    rows = (Participation.objects.filter(session__activity__club__isnull=False)
            .annotate(year=ExtractYear("attended_on"))
            .values("session__activity__club_id", "session__activity__club__name", "year")
            .annotate(participations=Count("id"), people=Count("member__id_hash", distinct=True))
            .order_by("session__activity__club__name", "year"))
    if year:
        rows = rows.filter(year=year)
    return [{"club": r["session__activity__club_id"], "name": r["session__activity__club__name"], "year": r["year"],
             "participations": r["participations"], "people": r["people"]} for r in rows]


def clubs_with_counts():
    return Club.objects.select_related("organization").annotate(member_count=Count("memberships", distinct=True))


def member_of(user):
    """The member record a self-service account is linked to (cached on the user), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_activities_member", False)
    if cached is not False:
        return cached
    from apps.members.models import Member

    member = (Member._base_manager.filter(teacher_account__user=user)  # one's own link, by the user's id
              .select_related("organization").first())
    user._activities_member = member
    return member
