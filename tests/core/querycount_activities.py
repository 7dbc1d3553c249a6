"""Query-count makers for apps/activities (found by tests/core/test_query_counts.py by name)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.factories.members import make_member


def _activity(ctx, i):
    from apps.activities.models import Activity, Session

    now = timezone.now()
    activity = Activity.objects.create(kind="recuperation", title=f"疗休养{i}", organization=ctx.unit(i),
                                       opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=5),
                                       published=True, city_wide=True)
    Session.objects.create(activity=activity, name="第1期", starts_on=dt.date(2026, 7, 1) + dt.timedelta(days=i),
                           ends_on=dt.date(2026, 7, 5) + dt.timedelta(days=i), places=10)
    return activity


def _session(ctx, i):
    return _activity(ctx, i).sessions.get()


def _application(ctx, i):
    from apps.activities.models import Application
    from apps.activities.services import application_transition

    session = ctx.once("qc-session", lambda: _session(ctx, 99))
    member = make_member(ctx.unit(i), name=f"报名{i:02d}", branch=None)
    application = Application.objects.create(session=session, member=member, organization=member.organization,
                                             wait_rank=i + 1)
    application_transition(applications=[application], to_status="waitlisted")


def _drawn_session(ctx, i):
    session = _session(ctx, i)
    session.draw_seed, session.draw_hash, session.drawn_at = f"seed-{i:04d}", "0" * 64, timezone.now()
    session.draw_applicants, session.draw_result = [], {"places": 10, "quotas": {}, "allocated": [],
                                                        "via_quota": [], "waitlist": []}
    session.save()


def _club(ctx, i):
    from apps.activities.models import Club, ClubMembership

    club = Club.objects.create(name=f"兴趣汇{i}", organization=ctx.unit(i))
    ClubMembership.objects.create(club=club, member=make_member(ctx.unit(i), name=f"社员{i:02d}", branch=None),
                                  joined_on=dt.date(2025, 3, 1))


def _participation(ctx, i):
    from apps.activities.models import Participation

    session = ctx.once("qc-psession", lambda: _session(ctx, 98))
    Participation.objects.create(session=session, member=make_member(ctx.unit(i), name=f"参加{i:02d}", branch=None),
                                 method="bulk", attended_on=dt.date(2025, 5, 1))


def _cost(ctx, i):
    from apps.activities.models import CostRecord

    CostRecord.objects.create(session=_session(ctx, i), kind="vendor_payment", payee="承办方", headcount=10,
                              per_person=100, amount=1000)


ADMIN_MAKERS = {
    "activities.Activity": _activity,
    "activities.Session": _session,
    "activities.Application": _application,
    "activities.Club": _club,
    "activities.Participation": _participation,
    "activities.CostRecord": _cost,
}

API_LISTS = {
    "welfare/activities": (_activity, lambda ctx: "/api/v1/welfare/activities/"),
    "welfare/sessions": (_session, lambda ctx: "/api/v1/welfare/sessions/"),
    "welfare/applications": (_application, lambda ctx: "/api/v1/welfare/applications/"),
    "welfare/draws": (_drawn_session, lambda ctx: "/api/v1/welfare/draws/"),
    "welfare/clubs": (_club, lambda ctx: "/api/v1/welfare/clubs/"),
}
