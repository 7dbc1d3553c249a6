"""Writes of the activities engine. Every status change of an application goes through
``application_transition`` (moves table, row lock, re-check, audit). Places are counted
under the session's row lock (``select_for_update``), so concurrent applications and
withdrawals are served one after another: a session never holds more than its places and a
freed place goes to exactly one waiting person."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.crypto import lookup_hash
from apps.core.outbox import outbox_enqueue
from apps.members.enums import MemberStatus
from apps.members.validation import birth_date_of, normalize_id_number
from apps.organizations.models import Organization

from .drawing import draw_compute, list_hash
from .eligibility import member_check, needs, rules_validate
from .enums import APPLICATION_MOVES, HOLDS_PLACE, LIVE, Allocation, ApplicationStatus, CheckInMethod, CostKind, Payer
from .models import Activity, Application, Club, ClubMembership, CostRecord, Participation, Session

S = ApplicationStatus
LOCKING = True  # the race tests' control run turns the session lock off to show what it prevents
CHECKIN_SALT = "activities.checkin"


# --- the one writer of Application.status ---------------------------------------------------------------


def application_transition(*, applications: Iterable, to_status: str, actor=None, reason: str = "",
                           changes: dict | None = None) -> list[Application]:
    """Move applications (instances or ids) to ``to_status``: rows locked, each move checked
    against the table, already-there rows left alone (a double submit acts once), one audit
    entry per call. ``changes`` are other fields written with the move (check-in time …)."""
    ids = sorted({a if isinstance(a, int) else a.pk for a in applications})
    if not ids:
        return []
    with transaction.atomic():
        rows = list(Application._base_manager.select_for_update(of=("self",)).filter(pk__in=ids)
                    .select_related("session").order_by("pk"))
        moved = []
        for row in rows:
            if row.status == to_status:
                continue
            if to_status not in APPLICATION_MOVES[row.status]:
                raise ValidationError({"status": [
                    f"状态为「{S(row.status).label}」的报名不能改为「{S(to_status).label}」。"]})
            row.status = to_status
            row.updated_at = timezone.now()
            for field, value in (changes or {}).items():
                setattr(row, field, value)
            moved.append(row)
        if not moved:
            return []
        Application._base_manager.bulk_update(moved, ["status", "updated_at", *(changes or {})])
        first = moved[0]
        audit_record(actor=actor, action=f"activities.application_{to_status}",
                     target=first if len(moved) == 1 else first.session,
                     organization=first.session.activity.organization if len(moved) > 1 else first.organization,
                     data={"applications": [r.pk for r in moved][:1000], "count": len(moved), "to": to_status,
                           "reason": reason})
        return moved


# --- activities and sessions --------------------------------------------------------------------------


def activity_save(*, activity: Activity, actor=None) -> Activity:
    """Create or change an activity (its rules checked as data); audited."""
    activity.rules = rules_validate(activity.rules or [])
    if activity.opens_at and activity.closes_at and activity.closes_at <= activity.opens_at:
        raise ValidationError({"closes_at": ["报名截止时间应晚于开始时间。"]})
    if activity.club_id and activity.club.organization_id != activity.organization_id:
        raise ValidationError({"club": ["兴趣汇活动应由承办该兴趣汇的工会组织。"]})
    created = activity.pk is None
    with transaction.atomic():
        if created and activity.created_by_id is None and getattr(actor, "pk", None):
            activity.created_by = actor
        activity.save()
        audit_record(actor=actor, action="activities.activity_created" if created else "activities.activity_changed",
                     target=activity, data={"title": activity.title})
    return activity


def session_validate(*, session: Session) -> None:
    """A session's unit quotas name real units and fit in its places; a drawn session keeps them."""
    quotas = session.quotas or {}
    if not isinstance(quotas, dict) or any(not isinstance(v, int) or v < 0 for v in quotas.values()):
        raise ValidationError({"quotas": ["单位名额应为「单位编码: 名额」，名额为非负整数。"]})
    if sum(quotas.values()) > session.places:
        raise ValidationError({"quotas": [f"单位名额合计 {sum(quotas.values())} 超过本期名额 {session.places}。"]})
    known = set(Organization._base_manager.filter(code__in=list(quotas)).values_list("code", flat=True))
    if set(quotas) - known:
        raise ValidationError({"quotas": [f"没有这些单位编码：{'、'.join(sorted(set(quotas) - known))}。"]})
    if session.drawn_at and session.pk:
        before = Session._base_manager.get(pk=session.pk)
        if (before.places, before.quotas) != (session.places, session.quotas):
            raise ValidationError({"places": ["已抽签的期次不能再改名额。"]})


def session_save(*, session: Session, actor=None) -> Session:
    """Create or change a session (validated by ``session_validate``); audited."""
    session_validate(session=session)
    quotas = session.quotas or {}
    created = session.pk is None
    with transaction.atomic():
        session.save()
        audit_record(actor=actor, action="activities.session_created" if created else "activities.session_changed",
                     target=session, organization=session.activity.organization,
                     data={"places": session.places, "quotas": quotas})
    return session


def _lock_session(session_id: int) -> Session:
    queryset = Session._base_manager.select_related("activity__organization")
    if LOCKING:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=session_id)


def _quota_unit(session: Session, organization: Organization) -> str:
    """The code of the deepest unit at or above the applicant's unit that has a quota here."""
    if not session.quotas:
        return ""
    path = organization.path
    ancestors = [path[:i] for i in range(4, len(path) + 1, 4)]
    row = (Organization._base_manager.filter(path__in=ancestors, code__in=list(session.quotas))
           .order_by("-depth").values_list("code", flat=True).first())
    return row or ""


def held_counts(session: Session) -> tuple[int, dict[str, int]]:
    """(places held, places held through each unit's quota) of a session."""
    held = Application._base_manager.filter(session=session, status__in=HOLDS_PLACE)
    total = held.count()
    by_unit: dict[str, int] = {}
    for unit in held.filter(via_quota=True).values_list("quota_unit", flat=True):
        by_unit[unit] = by_unit.get(unit, 0) + 1
    return total, by_unit


def _next_wait_rank(session: Session) -> int:
    last = (Application._base_manager.filter(session=session, wait_rank__isnull=False)
            .order_by("-wait_rank").values_list("wait_rank", flat=True).first())
    return (last or 0) + 1


def _first_come_place(session: Session, quota_unit: str) -> tuple[bool, bool]:
    """(gets a place, through its unit's quota) for the next first-come applicant."""
    total, by_unit = held_counts(session)
    if total >= session.places:
        return False, False
    quotas = session.quotas or {}
    if quota_unit and by_unit.get(quota_unit, 0) < quotas.get(quota_unit, 0):
        return True, True
    pool = session.places - sum(quotas.values())
    return total - sum(by_unit.values()) < pool, False


def application_apply(*, session: Session, member, actor=None, declared_single: bool = False,
                      child_name: str = "", child_id_number: str = "", now: dt.datetime | None = None
                      ) -> Application:
    """A member applies for a session. Refusals name the rule; a second submit returns the
    first application. First-come sessions decide at once (place or waiting list); draw
    sessions wait for the draw."""
    now = now or timezone.now()
    activity = session.activity
    if not activity.published:
        raise ValidationError({"session": ["活动尚未发布。"]})
    if not activity.opens_at <= now <= activity.closes_at:
        raise ValidationError({"session": [
            f"不在报名时间内（{timezone.localtime(activity.opens_at):%Y-%m-%d %H:%M}"
            f" 至 {timezone.localtime(activity.closes_at):%Y-%m-%d %H:%M}）。"]})
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member": ["只有在会会员可以报名。"]})
    if not activity.city_wide and not member.organization.path.startswith(activity.organization.path):
        raise ValidationError({"session": [f"本活动仅限{activity.organization.name}及其下级单位的会员报名。"]})
    wanted = needs(activity)
    child_birth, child_hash = None, ""
    if "child" in wanted:
        errors = {}
        if not child_name.strip():
            errors["child_name"] = ["请填写子女姓名。"]
        try:
            child_id_number = normalize_id_number(child_id_number)
        except ValidationError as exc:
            errors["child_id_number"] = exc.messages
        if not errors:
            child_hash = lookup_hash(child_id_number)
            if child_hash == member.id_hash:
                errors["child_id_number"] = ["子女身份证号不能是报名人本人的。"]
            child_birth = birth_date_of(child_id_number)
        if errors:
            raise ValidationError(errors)
    else:
        child_name, child_id_number = "", ""
    if "single" in wanted and not declared_single:
        raise ValidationError({"declared_single": ["本活动面向单身教职工，请先声明本人单身。"]})
    refusals = member_check(activity=activity, member=member, day=session.starts_on, declared_single=declared_single,
                            child_birth_date=child_birth)
    if refusals:
        raise ValidationError({"session": [str(r) for r in refusals]})
    with transaction.atomic():
        session = _lock_session(session.pk)
        live = Application._base_manager.filter(session__activity=activity, member=member, status__in=LIVE,
                                                child_id_hash=child_hash)
        same = live.filter(session=session).first()
        if same is not None:
            return same
        if live.exists():
            raise ValidationError({"session": ["您已报名本活动的其他期次，请先退出再换期次。"]})
        application = Application._base_manager.create(
            session=session, member=member, organization=member.organization,
            quota_unit=_quota_unit(session, member.organization), declared_single=declared_single,
            child_name=child_name.strip(), child_birth_date=child_birth, child_id_number=child_id_number,
            child_id_hash=child_hash)
        audit_record(actor=actor, action="activities.application_applied", target=application,
                     data={"session": session.pk})
        if activity.allocation == Allocation.FIRST_COME:
            place, via_quota = _first_come_place(session, application.quota_unit)
            if place:
                application_transition(applications=[application], to_status=S.ALLOCATED, actor=actor,
                                       changes={"via_quota": via_quota})
            else:
                application_transition(applications=[application], to_status=S.WAITLISTED, actor=actor,
                                       changes={"wait_rank": _next_wait_rank(session)})
        application.refresh_from_db()
    return application


# --- withdrawal and promotion -------------------------------------------------------------------------


def promotion_notify(application: Application) -> None:
    """The promoted member's notice goes through the outbox (apps/core/outbox.py) in the same
    transaction as the promotion; the dedup key makes it one message per promotion."""
    outbox_enqueue(organization=application.member.organization, dedup_key=f"activities.promoted.{application.pk}",
                   subject="候补递补通知", body=application.notice, recipient_member=application.member)


def _promote_next(*, session: Session, freed: Application, actor) -> Application | None:
    waiting = (Application._base_manager.filter(session=session, status=S.WAITLISTED)
               .order_by("wait_rank", "id"))
    nxt, via_quota = None, False
    if freed.via_quota and freed.quota_unit:
        nxt = waiting.filter(quota_unit=freed.quota_unit).first()
        via_quota = nxt is not None
    if nxt is None:
        nxt = waiting.first()
    if nxt is None:
        return None
    now = timezone.now()
    notice = f"您已从候补递补获得「{session}」的名额，请确认参加。"
    application_transition(applications=[nxt], to_status=S.ALLOCATED, actor=actor,
                           reason=f"递补：报名 {freed.pk} 退出",
                           changes={"via_quota": via_quota, "promoted_at": now, "notice": notice,
                                    "notice_at": now})
    nxt.refresh_from_db()
    audit_record(actor=actor, action="activities.application_promoted", target=nxt,
                 data={"freed": freed.pk, "wait_rank": nxt.wait_rank})
    promotion_notify(nxt)
    return nxt


def application_withdraw(*, application: Application, actor=None) -> tuple[Application, Application | None]:
    """Withdraw; a freed place goes to the next waiting person (same unit's quota first),
    under the session's lock. Returns (the withdrawn application, the promoted one or None)."""
    with transaction.atomic():
        session = _lock_session(application.session_id)
        current = Application._base_manager.get(pk=application.pk)
        if current.status == S.WITHDRAWN:
            return current, None
        held = current.status in (S.ALLOCATED, S.CONFIRMED)
        application_transition(applications=[current], to_status=S.WITHDRAWN, actor=actor)
        current.refresh_from_db()
        promoted = _promote_next(session=session, freed=current, actor=actor) if held else None
    return current, promoted


def application_confirm(*, application: Application, actor=None) -> Application:
    application_transition(applications=[application], to_status=S.CONFIRMED, actor=actor)
    application.refresh_from_db()
    return application


def waitlist_position(application: Application) -> int | None:
    """1-based place on the waiting list (None when not waiting)."""
    if application.status != S.WAITLISTED or application.wait_rank is None:
        return None
    return Application._base_manager.filter(session_id=application.session_id, status=S.WAITLISTED,
                                            wait_rank__lt=application.wait_rank).count() + 1


# --- the draw ------------------------------------------------------------------------------------------


def session_draw(*, session: Session, actor=None, seed: str = "", now: dt.datetime | None = None) -> Session:
    """Draw a session: freeze the applicants (with their SHA-256), compute the result from
    the seed (published with it), allocate, and put everyone else on the waiting list in
    draw order. A second call finds it drawn and does nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(session.pk)
        if session.drawn_at:
            return session
        activity = session.activity
        if activity.allocation != Allocation.DRAW:
            raise ValidationError({"session": ["本活动按先到先得分配名额，无需抽签。"]})
        if now < activity.closes_at:
            raise ValidationError({"session": ["报名截止后才能抽签。"]})
        seed = (seed or secrets.token_hex(16)).strip()
        if not 8 <= len(seed) <= 64:
            raise ValidationError({"seed": ["抽签种子应为 8–64 个字符。"]})
        frozen = [[pk, unit] for pk, unit in Application._base_manager.filter(session=session, status=S.APPLIED)
                  .order_by("pk").values_list("pk", "quota_unit")]
        quotas = dict(session.quotas or {})
        result = draw_compute(applicants=frozen, seed=seed, places=session.places, quotas=quotas)
        via = set(result["via_quota"])
        rows = []
        for pk in result["allocated"]:
            rows.append(Application(pk=pk, via_quota=pk in via, wait_rank=None))
        for rank, pk in enumerate(result["waitlist"], start=1):
            rows.append(Application(pk=pk, via_quota=False, wait_rank=rank))
        Application._base_manager.bulk_update(rows, ["via_quota", "wait_rank"], batch_size=1000)
        application_transition(applications=result["allocated"], to_status=S.ALLOCATED, actor=actor,
                               reason="抽签")
        application_transition(applications=result["waitlist"], to_status=S.WAITLISTED, actor=actor,
                               reason="抽签未中，进入候补")
        session.draw_seed = seed
        session.draw_applicants = frozen
        session.draw_hash = list_hash(frozen)
        session.draw_result = {"places": session.places, "quotas": quotas, **result}
        session.drawn_at = now
        session.drawn_by = actor if getattr(actor, "pk", None) else None
        session.save(update_fields=["draw_seed", "draw_applicants", "draw_hash", "draw_result", "drawn_at",
                                    "drawn_by"])
        audit_record(actor=actor, action="activities.session_drawn", target=session,
                     organization=activity.organization,
                     data={"seed": seed, "hash": session.draw_hash, "applicants": len(frozen),
                           "allocated": len(result["allocated"]), "waitlist": len(result["waitlist"])})
    return session


def session_verify_draw(*, session: Session) -> dict:
    """Recompute a session's draw from its published seed and frozen list."""
    if not session.drawn_at:
        raise ValidationError({"session": ["本期尚未抽签。"]})
    stored = session.draw_result
    recomputed = draw_compute(applicants=session.draw_applicants, seed=session.draw_seed,
                              places=stored["places"], quotas=stored["quotas"])
    hash_ok = list_hash(session.draw_applicants) == session.draw_hash
    same = all(recomputed[k] == stored[k] for k in ("allocated", "via_quota", "waitlist"))
    return {"seed": session.draw_seed, "hash": session.draw_hash, "hash_matches": hash_ok,
            "result_matches": same, "ok": hash_ok and same, "applicants": len(session.draw_applicants),
            "allocated": len(recomputed["allocated"]), "waitlist": len(recomputed["waitlist"])}


# --- attendance -----------------------------------------------------------------------------------------


def checkin_token(session: Session) -> str:
    """The signed token in the QR code the organiser shows at the venue."""
    return signing.dumps({"s": session.pk}, salt=CHECKIN_SALT)


def session_from_token(token: str) -> int:
    try:
        return int(signing.loads(token, salt=CHECKIN_SALT)["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError({"token": ["签到二维码无效。"]}) from None


def application_check_in(*, application: Application, actor=None, method: str = CheckInMethod.LIST,
                         today: dt.date | None = None) -> Application:
    """签到: an allocated/confirmed application becomes attended and is counted as participation."""
    today = today or timezone.localdate()
    session = application.session
    if not session.starts_on - dt.timedelta(days=1) <= today <= session.ends_on:
        raise ValidationError({"session": [f"只能在活动期间签到（{session.starts_on} 至 {session.ends_on}）。"]})
    with transaction.atomic():
        current = Application._base_manager.select_related("session").get(pk=application.pk)
        if current.status == S.ATTENDED:
            return current
        if current.status not in (S.ALLOCATED, S.CONFIRMED):
            raise ValidationError({"status": [f"状态为「{S(current.status).label}」的报名不能签到。"]})
        application_transition(applications=[current], to_status=S.ATTENDED, actor=actor,
                               changes={"checked_in_at": timezone.now(), "check_in_method": method})
        Participation._base_manager.get_or_create(application=current, defaults={
            "session": current.session, "member_id": current.member_id, "method": method, "attended_on": today})
        current.refresh_from_db()
    return current


def member_check_in_by_token(*, token: str, member, actor=None, today: dt.date | None = None) -> Application:
    """The member scans the venue's QR code: their application of that session is checked in."""
    session_id = session_from_token(token)
    application = (Application._base_manager.filter(session_id=session_id, member=member)
                   .exclude(status=S.WITHDRAWN).select_related("session").order_by("id").first())
    if application is None:
        raise ValidationError({"token": ["您没有报名本期活动。"]})
    return application_check_in(application=application, actor=actor, method=CheckInMethod.QR, today=today)


def session_record_no_shows(*, session: Session, actor=None, today: dt.date | None = None) -> int:
    """After the session ended, those with a place who never checked in are recorded as 未到."""
    today = today or timezone.localdate()
    if today <= session.ends_on:
        raise ValidationError({"session": ["活动结束后才能登记未到人员。"]})
    pending = Application._base_manager.filter(session=session, status__in=(S.ALLOCATED, S.CONFIRMED))
    return len(application_transition(applications=list(pending.values_list("pk", flat=True)),
                                      to_status=S.NO_SHOW, actor=actor, reason="未签到"))


def session_settle(*, session: Session, actor=None) -> CostRecord:
    """The session's cost for the ledger: attended × cost per person, as a payment to the
    vendor (union pays) or a subsidy record (unit pays). Once per session."""
    activity = session.activity
    if activity.payer == Payer.SELF:
        raise ValidationError({"session": ["费用由个人自理，无需登记费用。"]})
    with transaction.atomic():
        _lock_session(session.pk)
        existing = CostRecord._base_manager.filter(session=session).first()
        if existing is not None:
            return existing
        headcount = Participation._base_manager.filter(session=session).count()
        if headcount == 0:
            raise ValidationError({"session": ["本期还没有签到记录。"]})
        kind = CostKind.VENDOR_PAYMENT if activity.payer == Payer.UNION else CostKind.SUBSIDY
        record = CostRecord._base_manager.create(
            session=session, kind=kind, payee=activity.vendor or activity.organization.name, headcount=headcount,
            per_person=activity.cost_per_person, amount=(activity.cost_per_person * headcount).quantize(Decimal("0.01")),
            created_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, action="activities.cost_recorded", target=record, organization=activity.organization,
                     data={"amount": str(record.amount), "headcount": headcount, "kind": kind})
    return record


# --- clubs ------------------------------------------------------------------------------------------------


def club_save(*, club: Club, actor=None) -> Club:
    created = club.pk is None
    with transaction.atomic():
        club.save()
        audit_record(actor=actor, action="activities.club_created" if created else "activities.club_changed",
                     target=club)
    return club


def club_join(*, club: Club, member, actor=None, day: dt.date | None = None) -> ClubMembership:
    """Any active member city-wide may join a club; joining twice is one membership."""
    if not club.is_active:
        raise ValidationError({"club": ["该兴趣汇已停止活动。"]})
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member": ["只有在会会员可以加入兴趣汇。"]})
    with transaction.atomic():
        membership, created = ClubMembership._base_manager.get_or_create(
            club=club, member=member, defaults={"joined_on": day or timezone.localdate()})
        if created:
            audit_record(actor=actor, action="activities.club_joined", target=club, data={"member": member.pk})
    return membership


def participation_record_bulk(*, session: Session, member_ids: list[int], actor=None,
                              day: dt.date | None = None) -> int:
    """The organiser's attendance list of a club activity recorded in one go (no applications:
    e.g. an open rehearsal); a person already recorded is skipped. Returns rows added."""
    day = day or session.starts_on
    with transaction.atomic():
        _lock_session(session.pk)
        have = set(Participation._base_manager.filter(session=session, application__isnull=True)
                   .values_list("member_id", flat=True))
        rows = [Participation(session=session, member_id=m, method=CheckInMethod.BULK, attended_on=day)
                for m in dict.fromkeys(member_ids) if m not in have]
        Participation._base_manager.bulk_create(rows, batch_size=2000)
        if rows:
            audit_record(actor=actor, action="activities.participation_recorded", target=session,
                         organization=session.activity.organization, data={"count": len(rows)})
    return len(rows)
