from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.honours import services
from apps.honours.models import Nomination, NominationCampaign, NominationQuota
from apps.honours.services import ALREADY_NOMINATED, NO_QUOTA, QUOTA_FULL, nomination_submit
from tests.factories.members import make_member

from .factories import title


def make_campaign(tree, *, quota=2, opens=-5, closes=5, codes=("beijing_advanced_worker", "beijing_model_collective")):
    today = dt.date.today()
    with scopes_disabled():
        campaign = NominationCampaign.objects.create(year=today.year, name=f"{today.year}年北京市先进评选",
                                                     opens_on=today + dt.timedelta(days=opens),
                                                     closes_on=today + dt.timedelta(days=closes))
        campaign.titles.set([title(code) for code in codes])
        NominationQuota.objects.create(campaign=campaign, organization=tree.chaoyang, quota=quota)
    return campaign


def submit(tree, campaign, member=None, *, code="beijing_advanced_worker", lock=True, **fields):
    with scope(paths=[tree.chaoyang.path]):
        return nomination_submit(campaign=campaign, title=title(code), member=member, deed_summary="扎根一线三十年",
                                 lock=lock, **fields)


def error_of(exc: pytest.ExceptionInfo) -> str:
    return next(iter(exc.value.message_dict.values()))[0]


@pytest.mark.django_db
def test_nominations_stop_at_the_quota(tree, users):
    campaign = make_campaign(tree, quota=2)
    first = submit(tree, campaign, make_member(tree.chaoyang, name="甲"), actor=users["chaoyang"])
    submit(tree, campaign, collective_name="朝阳实验小学语文组", organization=tree.chaoyang,
           code="beijing_model_collective")
    with pytest.raises(ValidationError) as exc:
        submit(tree, campaign, make_member(tree.chaoyang, name="丙"))
    assert error_of(exc) == QUOTA_FULL
    with scopes_disabled():
        assert Nomination.objects.filter(campaign=campaign).count() == 2
        assert AuditLog.objects.filter(action="nomination.submit", object_id=str(first.pk)).count() == 1


@pytest.mark.django_db
def test_a_nominee_is_nominated_once_per_campaign(tree):
    campaign = make_campaign(tree, quota=5)
    member = make_member(tree.chaoyang)
    submit(tree, campaign, member)
    with pytest.raises(ValidationError) as exc:
        submit(tree, campaign, member)
    assert error_of(exc) == ALREADY_NOMINATED


@pytest.mark.django_db
def test_nomination_checks_window_title_and_unit_quota(tree):
    closed = make_campaign(tree, opens=-10, closes=-1)
    with pytest.raises(ValidationError) as exc:
        submit(tree, closed, make_member(tree.chaoyang))
    assert "campaign" in exc.value.message_dict
    campaign = make_campaign(tree)
    with pytest.raises(ValidationError) as exc:
        submit(tree, campaign, make_member(tree.chaoyang, name="乙"), code="national_model_worker")
    assert "title" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc, scope(paths=[tree.haidian.path]):
        nomination_submit(campaign=campaign, title=title("beijing_advanced_worker"),
                          member=make_member(tree.haidian, name="丁"), deed_summary="事迹")
    assert error_of(exc) == NO_QUOTA


def race(tree, campaign, monkeypatch, *, lock: bool) -> list[str]:
    """Two 朝阳 clerks submit the last place at the same moment. Each waits at a barrier
    after counting (up to a second), so without the lock both count the same free place."""
    start, counted = threading.Barrier(2), threading.Barrier(2, timeout=1)
    real = services.quota_used

    def slow_quota_used(**kwargs):
        used = real(**kwargs)
        try:
            counted.wait()  # with the lock the other clerk is blocked, so this times out
        except threading.BrokenBarrierError:
            pass
        return used

    monkeypatch.setattr(services, "quota_used", slow_quota_used)
    members = [make_member(tree.chaoyang, name=name) for name in ("甲", "乙")]
    outcomes: list[str] = []

    def clerk(member):
        try:
            start.wait()
            submit(tree, campaign, member, lock=lock)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(next(iter(exc.message_dict.values()))[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_exceed_the_quota(tree, monkeypatch):
    campaign = make_campaign(tree, quota=1)
    assert race(tree, campaign, monkeypatch, lock=True) == sorted(["ok", QUOTA_FULL])
    with scopes_disabled():
        assert Nomination.objects.filter(campaign=campaign).count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_exceeds_the_quota(tree, monkeypatch):
    """The control run: the same code without the lock lets both in, so the test above
    would catch an over-booking."""
    campaign = make_campaign(tree, quota=1)
    assert race(tree, campaign, monkeypatch, lock=False) == ["ok", "ok"]
    with scopes_disabled():
        assert Nomination.objects.filter(campaign=campaign).count() == 2
