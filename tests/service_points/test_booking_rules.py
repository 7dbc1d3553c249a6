"""The booking rules, each refused with its Chinese reason and changing nothing; the status
moves; the check-in code; the .ics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.accounts.enums import Role
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.service_points import services
from apps.service_points.enums import BookingStatus
from apps.service_points.models import Booking, FairUsePolicy
from tests.factories.orgs import make_user
from tests.service_points.factories import make_resource, make_slot, make_teachers

pytestmark = pytest.mark.django_db


def reason(exc) -> str:
    return exc.value.message_dict["slot"][0]


def count() -> int:
    with scopes_disabled():
        return Booking.objects.count()


def test_outsider_books_a_city_wide_slot_and_a_double_submit_acts_once(tree):
    slot = make_slot(make_resource(tree.tsinghua), capacity=2)
    teacher = make_teachers(tree.haidian_school, 1)[0]
    booking, created = services.slot_book(slot=slot, user=teacher)
    again, created_again = services.slot_book(slot=slot, user=teacher)
    assert (created, created_again, again.pk, booking.own_staff) == (True, False, booking.pk, False)
    assert booking.organization == tree.haidian_school and count() == 1
    assert AuditLog._base_manager.filter(action="service_points.book").count() == 1


def test_own_staff_only_resource_refuses_outsiders_by_name(tree):
    slot = make_slot(make_resource(tree.tsinghua, audience="own"))
    outsider, own = make_teachers(tree.haidian_school, 1)[0], make_user("t_own", tree.tsinghua_branch, Role.TEACHER)
    with pytest.raises(ValidationError) as exc:
        services.slot_book(slot=slot, user=outsider)
    assert reason(exc) == "该场地仅对清华大学工会的教职工开放预约。" and count() == 0
    assert services.slot_book(slot=slot, user=own)[0].own_staff is True


def test_reserved_share_keeps_places_for_own_staff(tree):
    slot = make_slot(make_resource(tree.tsinghua, reserved_own=1), capacity=2)
    a, b = make_teachers(tree.haidian_school, 2)
    services.slot_book(slot=slot, user=a)
    with pytest.raises(services.SlotFull) as exc:
        services.slot_book(slot=slot, user=b)
    assert reason(exc) == "该时段向外单位开放的 1 个名额已约满（另有 1 个名额留给本单位教职工）。"
    own = make_user("t_own", tree.tsinghua, Role.TEACHER)
    services.slot_book(slot=slot, user=own)
    with pytest.raises(services.SlotFull) as exc:
        services.slot_book(slot=slot, user=make_user("t_own2", tree.tsinghua, Role.TEACHER))
    assert reason(exc) == services.FULL and count() == 2


def test_week_and_pending_limits_come_from_the_policy(tree):
    FairUsePolicy.objects.create(name="测试规则", max_per_week=2, max_pending=5)
    resource = make_resource(tree.tsinghua)
    slots = [make_slot(resource, in_hours=24 * 8 + h * 2) for h in range(3)]  # one week, three slots
    teacher = make_teachers(tree.haidian_school, 1)[0]
    services.slot_book(slot=slots[0], user=teacher)
    services.slot_book(slot=slots[1], user=teacher)
    with pytest.raises(ValidationError) as exc:
        services.slot_book(slot=slots[2], user=teacher)
    assert reason(exc) == "每人每周最多预约 2 次，您在该时段所在的一周已预约 2 次。"
    FairUsePolicy.objects.update(max_per_week=9, max_pending=2)
    with pytest.raises(ValidationError) as exc:
        services.slot_book(slot=slots[2], user=teacher)
    assert reason(exc) == "您已有 2 个待使用的预约（最多 2 个），请使用或取消后再预约。" and count() == 2


def test_no_shows_above_the_limit_block_booking_for_a_while(tree):
    FairUsePolicy.objects.create(name="测试规则", no_show_limit=1, block_days=14, max_pending=9, max_per_week=9)
    resource = make_resource(tree.tsinghua)
    teacher = make_teachers(tree.haidian_school, 1)[0]
    now = timezone.now()
    for days in (5, 3):
        past = make_slot(resource, in_hours=-24 * days)
        booking, _ = services.slot_book(slot=past, user=teacher, now=past.starts_at - dt.timedelta(hours=3))
        services.booking_transition(booking=booking, action="no_show", now=now)
    future = make_slot(resource, in_hours=30)
    with pytest.raises(ValidationError) as exc:
        services.slot_book(slot=future, user=teacher, now=now)
    until = (now - dt.timedelta(days=3) + dt.timedelta(days=14)).astimezone(services.TZ).date()
    assert reason(exc) == f"您近 30 天爽约 2 次（超过 1 次），{until:%Y年%m月%d日}前暂停预约。"
    later = make_slot(resource, in_hours=24 * 13)
    booking, created = services.slot_book(slot=later, user=teacher, now=now + dt.timedelta(days=12))
    assert created


def test_past_and_closed_slots_and_non_teachers_are_refused(tree, users):
    resource = make_resource(tree.tsinghua)
    teacher = make_teachers(tree.haidian_school, 1)[0]
    with pytest.raises(ValidationError) as exc:
        services.slot_book(slot=make_slot(resource, in_hours=-1), user=teacher)
    assert reason(exc) == services.STARTED
    with pytest.raises(PermissionDenied):
        services.slot_book(slot=make_slot(resource, in_hours=5), user=users["haidian"])
    resource.is_open = False
    resource.save()
    with pytest.raises(ValidationError) as exc:
        services.slot_book(slot=make_slot(resource, in_hours=9), user=teacher)
    assert reason(exc) == services.CLOSED and count() == 0


def test_cancel_until_the_cutoff_then_refused(tree):
    resource = make_resource(tree.tsinghua, cutoff=2)
    teacher, other = make_teachers(tree.haidian_school, 2)
    early, _ = services.slot_book(slot=make_slot(resource, in_hours=5), user=teacher)
    late, _ = services.slot_book(slot=make_slot(resource, in_hours=1), user=teacher)
    with pytest.raises(PermissionDenied):
        services.booking_transition(booking=early, action="cancel", actor=other)
    done = services.booking_transition(booking=early, action="cancel", actor=teacher)
    assert done.status == BookingStatus.CANCELLED and done.cancelled_at is not None
    assert services.booking_transition(booking=early, action="cancel", actor=teacher).status == "cancelled"
    with pytest.raises(ValidationError) as exc:
        services.booking_transition(booking=late, action="cancel", actor=teacher)
    assert exc.value.message_dict["action"] == ["已过取消截止时间（开始前 2 小时），不能取消。"]
    with scopes_disabled():
        assert Booking.objects.get(pk=late.pk).status == BookingStatus.BOOKED


def test_host_checks_in_by_the_signed_code_and_others_cannot(tree, users):
    slot = make_slot(make_resource(tree.tsinghua), in_hours=0.25)
    teacher = make_teachers(tree.haidian_school, 1)[0]
    booking, _ = services.slot_book(slot=slot, user=teacher)
    token = services.checkin_token(booking=booking)
    with pytest.raises(ValidationError):
        with scope(paths=[tree.tsinghua.path]):
            services.booking_from_token(token=token[:-2] + "xx")
    with scope(paths=[tree.haidian.path]), pytest.raises(Booking.DoesNotExist):
        services.booking_from_token(token=token)  # another host's booking is not found
    with scope(paths=[tree.haidian.path]), pytest.raises(PermissionDenied):
        services.booking_transition(booking=booking, action="check_in", actor=users["haidian"])
    with scope(paths=[tree.tsinghua.path]):
        found = services.booking_from_token(token=token)
        done = services.booking_transition(booking=found, action="check_in", actor=users["tsinghua"])
    assert done.status == BookingStatus.CHECKED_IN and done.checked_in_at is not None
    with pytest.raises(ValidationError):
        services.booking_transition(booking=done, action="no_show", actor=None)


def test_sweep_marks_past_bookings_as_no_shows(tree):
    resource = make_resource(tree.tsinghua)
    teacher = make_teachers(tree.haidian_school, 1)[0]
    past = make_slot(resource, in_hours=-3)
    booking, _ = services.slot_book(slot=past, user=teacher, now=past.starts_at - dt.timedelta(hours=1))
    assert services.bookings_mark_no_shows() == 1
    with scopes_disabled():
        assert Booking.objects.get(pk=booking.pk).status == BookingStatus.NO_SHOW
    assert services.bookings_mark_no_shows() == 0
