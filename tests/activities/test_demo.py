"""The activities demo reproduces the report's 2025 figures through the engine's services, and a
re-run of seed_demo changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.activities.demo import BEIDAIHE, CAMP, MIXER, OPEN_TRIP, ZHANGJIAJIE
from apps.activities.enums import ApplicationStatus as S
from apps.activities.models import Activity, Application, Club, CostRecord, Participation
from apps.activities.selectors import open_activities_for, member_of
from apps.activities.services import session_verify_draw
from apps.accounts.models import User
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled

pytestmark = pytest.mark.django_db(transaction=True)


def counts():
    with scopes_disabled():
        return (Activity.objects.count(), Application.objects.count(), Participation.objects.count(),
                CostRecord.objects.count(), Club.objects.count(),
                AuditLog.objects.filter(action__startswith="activities.").count())


def test_seed_demo_reproduces_the_reports_activities_and_reruns_change_nothing():
    call_command("seed_demo", members=1000)
    with scopes_disabled():
        beidaihe = Activity.objects.get(title=BEIDAIHE)
        assert Participation.objects.filter(session__activity=beidaihe).count() == 680
        assert beidaihe.sessions.count() == 4
        for session in beidaihe.sessions.all():
            assert session_verify_draw(session=session)["ok"] is True
            assert session.applications.filter(status=S.WAITLISTED).exists()
        assert Participation.objects.filter(session__activity__title=ZHANGJIAJIE).count() == 31
        assert Club.objects.count() == 10
        clubs = Participation.objects.filter(session__activity__club__isnull=False, attended_on__year=2025).count()
        assert 9000 <= clubs <= 10000
        assert Participation.objects.filter(session__activity__title=MIXER).count() >= 2000
        camp = Application.objects.filter(session__activity__title=CAMP, status=S.ATTENDED)
        assert camp.count() == 21 and not camp.filter(child_id_hash="").exists()
        teacher = User.objects.get(username="teacher1")
        member = member_of(teacher)
    with scope(person="teacher", user_id=teacher.pk):
        open_ = {o.activity.title: o for o in open_activities_for(member=member)}
    assert open_[OPEN_TRIP].eligible, open_[OPEN_TRIP].refusals
    assert any(not o.eligible for o in open_.values())  # and sees why not for another
    before = counts()
    call_command("seed_demo", members=1000)
    assert counts() == before
