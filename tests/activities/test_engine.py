"""The activities engine through its services: first come within quota, eligibility rules
(refusals name the rule), the reproducible draw, withdrawal with promotion, check-in by the
venue QR code, no-shows, cost records and clubs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.activities import services
from apps.activities.drawing import draw_compute, list_hash
from apps.activities.enums import ActivityKind, Allocation, ApplicationStatus as S, CostKind, Payer
from apps.activities.models import Application, Participation
from apps.activities.selectors import applications_of, club_participation
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.members.enums import EmploymentType
from apps.members.idgen import make_id_number
from tests.activities.factories import bulk_members, make_activity

pytestmark = pytest.mark.django_db


def apply(session, member, **kw):
    with scopes_disabled():
        return services.application_apply(session=session, member=member, **kw)


def test_first_come_fills_places_then_waits_in_order_and_a_double_submit_acts_once(tree):
    _, session = make_activity(tree.root, places=2)
    a, b, c, d = bulk_members(tree.tsinghua, 4)
    first = apply(session, a)
    assert apply(session, a).pk == first.pk
    results = [apply(session, m).status for m in (b, c, d)]
    assert [first.status, *results] == [S.ALLOCATED, S.ALLOCATED, S.WAITLISTED, S.WAITLISTED]
    rows = applications_of(member=d)
    assert rows[0].position == 2


def test_unit_quota_holds_places_for_its_unit_and_the_rest_are_shared(tree):
    _, session = make_activity(tree.root, places=3, quotas={"U-THU": 2})
    haidian = bulk_members(tree.haidian, 3)
    thu = bulk_members(tree.tsinghua_branch, 2)
    statuses = [apply(session, m).status for m in haidian]
    assert statuses == [S.ALLOCATED, S.WAITLISTED, S.WAITLISTED]  # one shared place only
    assert [apply(session, m).via_quota for m in thu] == [True, True]


def test_refusals_name_each_rule_in_chinese(tree):
    from apps.honours.models import Honour, HonourTitle
    from apps.honours.titles import seed_titles

    young, = bulk_members(tree.tsinghua, 1, birth=dt.date(2000, 1, 1), employment=EmploymentType.DISPATCHED)
    _, session = make_activity(tree.root, rules=[{"rule": "honoured", "within_years": 5},
                                                 {"rule": "age", "min": 30, "max": 50},
                                                 {"rule": "employment", "types": ["permanent"]}])
    with pytest.raises(ValidationError) as exc:
        apply(session, young)
    text = " ".join(exc.value.message_dict["session"])
    assert "不符合荣誉条件" in text and "不符合年龄条件" in text and "不符合用工性质条件：限在编人员" in text
    # once honoured within the years, of the right age and employment, the same member may apply
    ok, = bulk_members(tree.tsinghua, 1, birth=dt.date(1980, 1, 1))
    with scopes_disabled():
        seed_titles(HonourTitle)
        Honour._base_manager.create(title=HonourTitle.objects.get(code="beijing_model_worker"), year=2024,
                                    member=ok, organization=ok.organization)
    assert apply(session, ok).status == S.ALLOCATED
    assert Application._base_manager.filter(member=young).count() == 0


def test_once_every_n_years_follows_the_person_across_a_transfer(tree):
    from apps.members.services import member_transfer

    person, = bulk_members(tree.tsinghua, 1)
    _, last_year = make_activity(tree.root, title="去年的疗休养", starts_on=dt.date.today() - dt.timedelta(days=300))
    with scopes_disabled():
        last = Application._base_manager.create(session=last_year, member=person, organization=person.organization)
        services.application_transition(applications=[last], to_status=S.ALLOCATED)
        services.application_check_in(application=last, today=last_year.starts_on)
        moved = member_transfer(member=person, to_organization=tree.haidian)
    _, session = make_activity(tree.root, title="今年的疗休养", rules=[{"rule": "once_every", "years": 5}])
    with pytest.raises(ValidationError) as exc:
        apply(session, moved)
    assert exc.value.message_dict["session"] == ["不符合疗休养间隔条件：5 年内已参加过疗休养。"]


def test_single_and_child_rules_check_what_is_declared(tree):
    parent, = bulk_members(tree.tsinghua, 1)
    _, mixer = make_activity(tree.root, kind=ActivityKind.MIXER, rules=[{"rule": "single"}])
    with pytest.raises(ValidationError) as exc:
        apply(mixer, parent)
    assert "declared_single" in exc.value.message_dict
    assert apply(mixer, parent, declared_single=True).status == S.ALLOCATED
    _, camp = make_activity(tree.root, kind=ActivityKind.CAMP, rules=[{"rule": "child", "min_age": 8, "max_age": 14}])
    with pytest.raises(ValidationError) as exc:
        apply(camp, parent, child_name="小明", child_id_number="110105201501010012")
    assert "child_id_number" in exc.value.message_dict  # wrong check digit, beside the field
    today = dt.date.today()
    too_young = make_id_number(today.replace(year=today.year - 3), 7)
    with pytest.raises(ValidationError) as exc:
        apply(camp, parent, child_name="小小", child_id_number=too_young)
    assert "不符合子女年龄条件" in exc.value.message_dict["session"][0]
    child = make_id_number(today.replace(year=today.year - 10), 8)
    other = make_id_number(today.replace(year=today.year - 12), 9)
    first = apply(camp, parent, child_name="小明", child_id_number=child)
    second = apply(camp, parent, child_name="小红", child_id_number=other)
    assert (first.status, second.status, first.child_id_masked[:4]) == (S.ALLOCATED, S.ALLOCATED, child[:4])
    with scopes_disabled():
        assert Application._base_manager.get(pk=first.pk).child_id_number == child  # stored, encrypted at rest


def test_draw_is_reproducible_quota_first_and_verifiable(tree):
    _, session = make_activity(tree.root, allocation=Allocation.DRAW, places=4, quotas={"U-THU": 2})
    members = bulk_members(tree.haidian, 6) + bulk_members(tree.tsinghua, 3)
    for m in members:
        assert apply(session, m).status == S.APPLIED
    with scopes_disabled():
        session.activity.closes_at = session.activity.opens_at + dt.timedelta(minutes=1)
        session.activity.save()
        drawn = services.session_draw(session=session, seed="demo-seed-2025")
        again = services.session_draw(session=drawn, seed="another-seed")
        assert again.draw_seed == "demo-seed-2025"  # a second draw does nothing
        result = draw_compute(applicants=drawn.draw_applicants, seed="demo-seed-2025", places=4,
                              quotas={"U-THU": 2})
        assert result["allocated"] == drawn.draw_result["allocated"]
        assert drawn.draw_hash == list_hash(drawn.draw_applicants) and len(drawn.draw_applicants) == 9
        apps = {a.pk: a for a in Application._base_manager.filter(session=session)}
        allocated = [apps[i] for i in result["allocated"]]
        assert sum(1 for a in allocated if a.quota_unit == "U-THU") >= 2  # quotas first
        assert [a.status for a in allocated] == [S.ALLOCATED] * 4
        waiting = sorted((a for a in apps.values() if a.status == S.WAITLISTED), key=lambda a: a.wait_rank)
        assert [a.pk for a in waiting] == result["waitlist"]  # the waiting list in draw order
        assert services.session_verify_draw(session=drawn)["ok"] is True
        drawn.draw_result = {**drawn.draw_result, "allocated": list(reversed(drawn.draw_result["allocated"]))}
        assert services.session_verify_draw(session=drawn)["ok"] is False  # a tampered result is caught
        assert AuditLog._base_manager.filter(action="activities.session_drawn").count() == 1


def test_draw_before_the_window_closes_is_refused(tree):
    _, session = make_activity(tree.root, allocation=Allocation.DRAW)
    with scopes_disabled(), pytest.raises(ValidationError) as exc:
        services.session_draw(session=session)
    assert exc.value.message_dict["session"] == ["报名截止后才能抽签。"]


def test_withdrawal_promotes_the_next_waiting_person_same_unit_first(tree):
    _, session = make_activity(tree.root, places=2, quotas={"U-THU": 1})
    thu_first, = bulk_members(tree.tsinghua, 1)
    other, = bulk_members(tree.haidian, 1)
    waiting_haidian, = bulk_members(tree.haidian, 1)
    waiting_thu, = bulk_members(tree.tsinghua, 1)
    a = apply(session, thu_first)
    apply(session, other)
    w1, w2 = apply(session, waiting_haidian), apply(session, waiting_thu)
    assert (a.via_quota, w1.status, w2.status) == (True, S.WAITLISTED, S.WAITLISTED)
    with scopes_disabled():
        withdrawn, promoted = services.application_withdraw(application=a)
        assert (withdrawn.status, promoted.pk, promoted.status) == (S.WITHDRAWN, w2.pk, S.ALLOCATED)
        assert promoted.notice.startswith("您已从候补递补") and promoted.promoted_at is not None
        assert AuditLog._base_manager.filter(action="activities.application_promoted").count() == 1
        from apps.core.models import OutboxMessage
        message = OutboxMessage.objects.get(dedup_key=f"activities.promoted.{promoted.pk}")
        assert (message.recipient_member_id, message.body) == (waiting_thu.pk, promoted.notice)
        assert services.application_withdraw(application=a)[1] is None  # twice: nothing more
        assert OutboxMessage.objects.filter(dedup_key__startswith="activities.promoted.").count() == 1
        assert services.waitlist_position(Application._base_manager.get(pk=w1.pk)) == 1


def test_check_in_by_the_venue_qr_then_no_shows_and_the_cost_record(tree):
    _, session = make_activity(tree.root, places=3, payer=Payer.UNION, cost_per_person=Decimal("1800.00"),
                               starts_on=dt.date.today())
    came, missed = bulk_members(tree.tsinghua, 2)
    apply(session, came), apply(session, missed)
    token = services.checkin_token(session)
    with scopes_disabled():
        with pytest.raises(ValidationError):
            services.member_check_in_by_token(token=token + "x", member=came)
        done = services.member_check_in_by_token(token=token, member=came)
        assert services.member_check_in_by_token(token=token, member=came).pk == done.pk  # twice: once
        assert (done.status, done.check_in_method) == (S.ATTENDED, "qr")
        assert Participation._base_manager.filter(session=session).count() == 1
        with pytest.raises(ValidationError):
            services.session_record_no_shows(session=session)  # not ended yet
        assert services.session_record_no_shows(session=session, today=session.ends_on + dt.timedelta(days=1)) == 1
        assert Application._base_manager.get(member=missed).status == S.NO_SHOW
        record = services.session_settle(session=session)
        assert (record.kind, record.headcount, record.amount, record.payee) == (
            CostKind.VENDOR_PAYMENT, 1, Decimal("1800.00"), "北戴河疗养院")
        assert services.session_settle(session=session).pk == record.pk


def test_clubs_are_open_city_wide_and_participation_is_counted_per_club_and_year(tree):
    from apps.activities.models import Club

    with scopes_disabled():
        club = services.club_save(club=Club(name="清华书画兴趣汇", organization=tree.tsinghua))
    _, session = make_activity(tree.tsinghua, kind=ActivityKind.CLUB, club=club, title="书画雅集",
                               starts_on=dt.date(2025, 5, 10), open_now=False)
    people = bulk_members(tree.chaoyang_school, 5)
    with scopes_disabled():
        services.club_join(club=club, member=people[0])
        services.club_join(club=club, member=people[0])
        assert club.memberships.count() == 1
        assert services.participation_record_bulk(session=session, member_ids=[p.pk for p in people]) == 5
        assert services.participation_record_bulk(session=session, member_ids=[p.pk for p in people]) == 0
    with scope(paths=[tree.tsinghua.path]):
        assert club_participation(year=2025) == [{"club": club.pk, "name": "清华书画兴趣汇", "year": 2025,
                                                  "participations": 5, "people": 5}]
    with scope(paths=[tree.chaoyang.path]):
        assert club_participation(year=2025) == []  # counted where the club is hosted


def test_honours_recuperation_trips_move_into_the_engine_with_their_people(tree):
    """The data migration: an old honours trip becomes an activity whose participants are
    attended applications, and the old row is gone (one mechanism)."""
    import importlib

    from django.apps import apps as registry

    from apps.honours.models import Activity as OldActivity

    migration = importlib.import_module("apps.activities.migrations.0002_recuperation_trips_from_honours")
    people = bulk_members(tree.tsinghua, 3)
    with scopes_disabled():
        old = OldActivity._base_manager.create(kind="recuperation", date=dt.date(2025, 7, 15),
                                               title="2025年劳模疗休养（张家界）", organization=tree.root, notes="劳模")
        old.participants.set(people)
        kept = OldActivity._base_manager.create(kind="lecture_tour", date=dt.date(2025, 5, 1), title="宣讲团",
                                                organization=tree.root)
        migration.forwards(registry, None)
        from apps.activities.models import Activity

        trip = Activity._base_manager.get(title="2025年劳模疗休养（张家界）")
        session = trip.sessions.get()
        assert (trip.kind, session.places, session.starts_on) == ("recuperation", 3, dt.date(2025, 7, 15))
        assert sorted(session.applications.values_list("member_id", "status")) == sorted(
            (p.pk, S.ATTENDED) for p in people)
        assert session.participations.count() == 3
        assert list(OldActivity._base_manager.values_list("pk", flat=True)) == [kept.pk]


def test_the_verify_command_recomputes_a_published_draw(tree):
    import io

    from django.core.management import call_command

    _, session = make_activity(tree.root, allocation=Allocation.DRAW, places=1)
    for m in bulk_members(tree.haidian, 3):
        apply(session, m)
    with scopes_disabled():
        session.activity.closes_at = session.activity.opens_at + dt.timedelta(minutes=1)
        session.activity.save()
        services.session_draw(session=session, seed="verify-seed-01")
    out = io.StringIO()
    call_command("activities_verify_draw", str(session.pk), stdout=out)
    assert '"ok": true' in out.getvalue() and '"applicants": 3' in out.getvalue()
