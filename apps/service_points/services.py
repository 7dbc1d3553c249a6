"""Cross-university booking (跨校预约共享): opening resources, weekly patterns materialised into
dated slots, booking under the fair-use rules, and the one transition function of a booking.

No double booking, ever: ``slot_book`` locks the person's user row (their own rules: per week,
pending, no-shows) and then the slot row (``select_for_update(of=("self",))``), counts the live
bookings under the lock and only then inserts. Concurrent requests for one slot are served one
after the other; ``LOCKING = False`` exists only for the race test's control run.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from apps.accounts.enums import Role
from apps.core.audit import audit_record
from apps.core.scoping import get_scope, in_scope, scopes_disabled
from apps.organizations.models import Organization

from .enums import Audience, BookingAction, BookingStatus
from .models import LIVE, Booking, FairUsePolicy, Resource, Slot, SlotPattern
from .person_scopes import teacher_unit_paths

BOOK_PERMISSION = "service_points.book_slot"
HOST_PERMISSION = "service_points.change_booking"  # the host checks in, marks no-shows
MANAGE_PERMISSION = "service_points.change_resource"
LOCKING = True  # the race test's control run turns it off, nothing else
CHECKIN_SALT = "service_points.checkin"
CHECKIN_EARLY = dt.timedelta(minutes=30)
MAX_WEEKS = 12
TZ = ZoneInfo(settings.TIME_ZONE)

FULL = "该时段已约满，请选择其他时段。"
NOT_STAFF = "只有教职工（教师账号）可以预约场地。"
CLOSED = "该场地暂停开放预约。"
STARTED = "该时段已开始或已结束，不能预约。"
NOT_YOURS = "只能取消自己的预约。"
NOT_HOST = "只有开放单位的工作人员可以办理签到和爽约登记。"
BAD_TOKEN = "签到码无效或已过期。"


def outside_full(*, open_places: int, reserved: int) -> str:
    return f"该时段向外单位开放的 {open_places} 个名额已约满（另有 {reserved} 个名额留给本单位教职工）。"


def own_only(*, unit: str) -> str:
    return f"该场地仅对{unit}的教职工开放预约。"


def week_limit(*, limit: int, used: int) -> str:
    return f"每人每周最多预约 {limit} 次，您在该时段所在的一周已预约 {used} 次。"


def pending_limit(*, limit: int, used: int) -> str:
    return f"您已有 {used} 个待使用的预约（最多 {limit} 个），请使用或取消后再预约。"


def blocked(*, days: int, count: int, limit: int, until: dt.date) -> str:
    return f"您近 {days} 天爽约 {count} 次（超过 {limit} 次），{until:%Y年%m月%d日}前暂停预约。"


def cutoff_passed(*, hours: int) -> str:
    return f"已过取消截止时间（开始前 {hours} 小时），不能取消。"


class SlotFull(ValidationError):
    """The slot has no place left for this person (API: 409 ``{"code": "full"}``)."""

    def __init__(self, message: str = FULL):
        super().__init__({"slot": [message]})
        self.code = "full"


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- resources, patterns, slots ------------------------------------------------------------


def _check_unit(organization: Organization, field: str = "organization") -> None:
    current = get_scope()
    if current is not None and not current.disabled and not in_scope(organization.path):
        raise ValidationError({field: ["所选单位不在您的管理范围内。"]})


@transaction.atomic
def resource_save(*, resource: Resource, actor=None) -> Resource:
    """Create or change a resource of a unit in the actor's subtree (audited)."""
    if resource.organization_id is None:
        raise ValidationError({"organization": ["请选择开放单位。"]})
    _check_unit(resource.organization)
    created = resource.pk is None
    resource.full_clean()
    resource.save()
    audit_record(actor=_user(actor), action="service_points.resource_create" if created else
                 "service_points.resource_change", target=resource,
                 data={"audience": resource.audience, "reserved_own": resource.reserved_own,
                       "is_open": resource.is_open})
    return resource


@transaction.atomic
def pattern_save(*, pattern: SlotPattern, actor=None) -> SlotPattern:
    if pattern.start_time and pattern.end_time and pattern.end_time <= pattern.start_time:
        raise ValidationError({"end_time": ["结束时间应晚于开始时间。"]})
    resource = pattern.resource
    if pattern.capacity is not None and pattern.capacity < resource.reserved_own:
        raise ValidationError({"capacity": [f"名额不能少于本单位保留名额（{resource.reserved_own} 个）。"]})
    pattern.full_clean()
    pattern.save()
    audit_record(actor=_user(actor), action="service_points.pattern_save", target=resource,
                 data={"weekday": pattern.weekday, "start": f"{pattern.start_time:%H:%M}",
                       "capacity": pattern.capacity})
    return pattern


@transaction.atomic
def slots_materialise(*, resource: Resource, start: dt.date, weeks: int = 4, actor=None) -> int:
    """Dated slots from the weekly patterns for ``weeks`` weeks from ``start``. A slot that
    exists already (same start) is left as it is: running it twice adds nothing."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError({"weeks": [f"一次最多生成 {MAX_WEEKS} 周的时段。"]})
    patterns = list(SlotPattern._base_manager.filter(resource=resource))
    if not patterns:
        raise ValidationError({"resource": ["请先设置每周开放时段。"]})
    with scopes_disabled():  # the resource's own slots, whoever asks (the caller holds the resource)
        existing = set(Slot.objects.filter(resource=resource).values_list("starts_at", flat=True))
    new = []
    for day in (start + dt.timedelta(days=n) for n in range(7 * weeks)):
        for p in patterns:
            if p.weekday != day.weekday():
                continue
            starts = dt.datetime.combine(day, p.start_time, tzinfo=TZ)
            if starts in existing:
                continue
            new.append(Slot(resource=resource, starts_at=starts, ends_at=dt.datetime.combine(day, p.end_time, tzinfo=TZ),
                            capacity=p.capacity, reserved_own=min(resource.reserved_own, p.capacity)))
    Slot.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        audit_record(actor=_user(actor), action="service_points.slots_materialise", target=resource,
                     data={"start": start.isoformat(), "weeks": weeks, "created": len(new)})
    return len(new)


# --- booking -------------------------------------------------------------------------------


def booker_unit(user) -> Organization | None:
    """The unit a person books as: the unit of the teacher role they act in, else their first
    teacher role's unit."""
    acting = getattr(user, "acting", None)
    if acting is not None and acting.role == Role.TEACHER:
        return acting.organization
    paths = teacher_unit_paths(user.pk)
    if not paths:
        return None
    with scopes_disabled():  # the person's own unit, read to decide who they book as
        return Organization.objects.get(path=paths[0])


def active_policy() -> FairUsePolicy:
    policy = FairUsePolicy.objects.filter(is_active=True).order_by("id").first()
    return policy or FairUsePolicy(name="默认规则")


def _week_bounds(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = moment.astimezone(TZ)
    monday = dt.datetime.combine(local.date() - dt.timedelta(days=local.weekday()), dt.time(), tzinfo=TZ)
    return monday, monday + dt.timedelta(days=7)


def booking_block(*, user, policy: FairUsePolicy, now: dt.datetime) -> str:
    """The no-show rule's refusal for ``user`` now ('' when they may book)."""
    window = now - dt.timedelta(days=policy.no_show_window_days)
    with scopes_disabled():  # a person's no-shows at every host count
        row = Booking.objects.filter(user=user, status=BookingStatus.NO_SHOW, slot__starts_at__gte=window,
                                     slot__starts_at__lte=now).aggregate(n=Count("id"), last=Max("slot__starts_at"))
    if row["n"] <= policy.no_show_limit:
        return ""
    until = (row["last"].astimezone(TZ) + dt.timedelta(days=policy.block_days)).date()
    if now.astimezone(TZ).date() >= until:
        return ""
    return blocked(days=policy.no_show_window_days, count=row["n"], limit=policy.no_show_limit, until=until)


def _person_problem(*, user, slot: Slot, policy: FairUsePolicy, now: dt.datetime) -> str:
    problem = booking_block(user=user, policy=policy, now=now)
    if problem:
        return problem
    start, end = _week_bounds(slot.starts_at)
    with scopes_disabled():  # a person's bookings at every host count against their limits
        mine = Booking.objects.filter(user=user)
        week = mine.filter(slot__starts_at__gte=start, slot__starts_at__lt=end).exclude(
            status=BookingStatus.CANCELLED).count()
        pending = mine.filter(status=BookingStatus.BOOKED, slot__ends_at__gt=now).count()
    if week >= policy.max_per_week:
        return week_limit(limit=policy.max_per_week, used=week)
    if pending >= policy.max_pending:
        return pending_limit(limit=policy.max_pending, used=pending)
    return ""


def _live_counts(slot: Slot) -> tuple[int, int]:
    """(live bookings, live bookings of outsiders) of the slot — what counts against its places."""
    with scopes_disabled():  # every unit's bookings count against the slot's places
        row = Booking.objects.filter(slot=slot, status__in=LIVE).aggregate(
            total=Count("id"), outside=Count("id", filter=Q(own_staff=False)))
    return row["total"], row["outside"]


def _first_look(slot: Slot, user) -> tuple[int, int | None]:
    """(live bookings of the slot, the person's live booking id) in one query, without any
    lock. When a slot is full most answers are "full", given here; it is only a hint: the
    count under the slot lock decides (a place freed meanwhile is seen by the next try)."""
    with scopes_disabled():  # every unit's bookings count against the slot's places
        row = Booking.objects.filter(slot=slot, status__in=LIVE).aggregate(
            total=Count("id"), mine=Max("id", filter=Q(user=user)))
    return row["total"], row["mine"]


def _lock_slot(slot: Slot) -> Slot:
    with scopes_disabled():  # the slot was found in the booker's scope; the lock re-reads it
        queryset = Slot.objects.select_related("resource__organization")
        if LOCKING:
            queryset = queryset.select_for_update(of=("self",))
        return queryset.get(pk=slot.pk)


def _lock_person(user) -> None:
    if LOCKING:
        get_user_model()._base_manager.select_for_update(of=("self",)).filter(pk=user.pk).first()


def slot_book(*, slot: Slot, user, now: dt.datetime | None = None) -> tuple[Booking, bool]:
    """A staff member books a place in a slot. Returns (booking, created); a repeated submit
    returns the live booking with ``created=False``. Raises ``SlotFull`` when no place is left
    for them, a ValidationError naming the rule otherwise."""
    now = now or timezone.now()
    if not user.has_perm(BOOK_PERMISSION):
        raise PermissionDenied(NOT_STAFF)
    unit = booker_unit(user)
    if unit is None:
        raise ValidationError({"slot": [NOT_STAFF]})
    total, mine = _first_look(slot, user)
    if mine is not None:  # a repeated submit
        with scopes_disabled():  # the person's own booking
            return Booking.objects.get(pk=mine), False
    if total >= slot.capacity:
        raise SlotFull()
    with transaction.atomic():
        _lock_person(user)  # the person's own rules (per week, pending) hold under this lock
        with scopes_disabled():  # re-read under the lock: a concurrent double submit
            existing = Booking.objects.filter(slot=slot, user=user, status__in=LIVE).first()
        if existing is not None:
            return existing, False
        resource = slot.resource
        host = resource.organization
        own = unit.path.startswith(host.path)
        if not resource.is_open:
            raise ValidationError({"slot": [CLOSED]})
        if slot.starts_at <= now:
            raise ValidationError({"slot": [STARTED]})
        if resource.audience == Audience.OWN and not own:
            raise ValidationError({"slot": [own_only(unit=host.short_name or host.name)]})
        problem = _person_problem(user=user, slot=slot, policy=active_policy(), now=now)
        if problem:
            raise ValidationError({"slot": [problem]})
        slot = _lock_slot(slot)  # held only for the count and the insert
        total, outside = _live_counts(slot)
        if total >= slot.capacity:
            raise SlotFull()
        open_places = slot.capacity - slot.reserved_own
        if not own and outside >= open_places:
            raise SlotFull(outside_full(open_places=open_places, reserved=slot.reserved_own))
        booking = Booking.objects.create(slot=slot, user=user, organization=unit, own_staff=own)
        audit_record(actor=user, action="service_points.book", target=booking, organization=host,
                     data={"slot": slot.pk, "own_staff": own, "unit": unit.code})
    return booking, True


# --- the one transition of a booking's status ------------------------------------------------

B = BookingStatus
MOVES: dict[str, tuple[frozenset[str], str]] = {
    BookingAction.CHECK_IN: (frozenset({B.BOOKED}), B.CHECKED_IN),
    BookingAction.NO_SHOW: (frozenset({B.BOOKED}), B.NO_SHOW),
    BookingAction.CANCEL: (frozenset({B.BOOKED}), B.CANCELLED),
}


def _may_host(actor, booking: Booking) -> bool:
    return actor.has_perm(HOST_PERMISSION) and in_scope(booking.slot.resource.organization.path)


def booking_transition(*, booking: Booking, action: str, actor=None, now: dt.datetime | None = None) -> Booking:
    """booked → checked_in / no_show / cancelled: the moves table, the row lock, a re-check
    under it and the audit entry in one transaction. The booker cancels until the cut-off (the
    host may cancel any time); the host checks in from 30 minutes before the start to the end
    and records a no-show after the end. ``actor=None`` is the system (the no-show sweep, the
    demo). A repeated move does nothing; an illegal one raises a Chinese ValidationError."""
    if action not in MOVES:
        raise ValidationError({"action": ["未知操作。"]})
    allowed_from, to_status = MOVES[action]
    now = now or timezone.now()
    actor = _user(actor)
    with transaction.atomic():
        with scopes_disabled():  # the booking was found in the actor's scope; the lock re-reads it
            booking = (Booking.objects.select_for_update(of=("self",))
                       .select_related("slot__resource__organization", "user").get(pk=booking.pk))
        if booking.status == to_status:
            return booking
        if booking.status not in allowed_from:
            raise ValidationError({"action": [f"预约{booking.get_status_display()}，不能{BookingAction(action).label}。"]})
        slot = booking.slot
        is_booker = actor is not None and actor.pk == booking.user_id
        host = actor is None or (not is_booker and _may_host(actor, booking))
        if action == BookingAction.CANCEL:
            if not (is_booker or host):
                raise PermissionDenied(NOT_YOURS)
            cutoff = slot.starts_at - dt.timedelta(hours=slot.resource.cancel_cutoff_hours)
            if is_booker and now > cutoff:
                raise ValidationError({"action": [cutoff_passed(hours=slot.resource.cancel_cutoff_hours)]})
            booking.cancelled_at = now
        elif not host:
            raise PermissionDenied(NOT_HOST)
        elif action == BookingAction.CHECK_IN:
            if not slot.starts_at - CHECKIN_EARLY <= now <= slot.ends_at:
                raise ValidationError({"action": ["只能在开始前 30 分钟至结束前签到。"]})
            booking.checked_in_at = now
        elif action == BookingAction.NO_SHOW and now < slot.ends_at:
            raise ValidationError({"action": ["时段结束后才能记为爽约。"]})
        from_status = booking.status
        booking.status = to_status
        booking.save(update_fields=["status", "cancelled_at", "checked_in_at"])
        audit_record(actor=actor, action=f"service_points.booking_{action}", target=booking,
                     organization=slot.resource.organization,
                     data={"from": from_status, "to": to_status, "slot": slot.pk})
    return booking


def bookings_mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """Every booking still 'booked' after its slot ended becomes a no-show (the sweep)."""
    now = now or timezone.now()
    with scopes_disabled():  # the city-wide sweep
        due = list(Booking.objects.filter(status=BookingStatus.BOOKED, slot__ends_at__lt=now).only("pk"))
    for booking in due:
        booking_transition(booking=booking, action=BookingAction.NO_SHOW, actor=None, now=now)
    return len(due)


# --- check-in codes --------------------------------------------------------------------------


def checkin_token(*, booking: Booking) -> str:
    """The signed code in a booking's QR: the booking and its person, tamper-proof."""
    return signing.dumps({"b": booking.pk, "u": booking.user_id}, salt=CHECKIN_SALT, compress=True)


def booking_from_token(*, token: str) -> Booking:
    """The booking a check-in code names, looked up in the acting scope (another host's
    booking is a 404 to the caller); a forged or altered code is refused."""
    try:
        data = signing.loads(token, salt=CHECKIN_SALT, max_age=dt.timedelta(days=120))
    except signing.BadSignature as exc:
        raise ValidationError({"token": [BAD_TOKEN]}) from exc
    return Booking.objects.select_related("slot__resource__organization", "user").get(pk=data["b"],
                                                                                       user_id=data["u"])
