"""Registration services: teachers' self-service accounts, entries, and the unit's review.

Every write of an entry goes through here (pages, API, admin call these). Two limits are
race-safe with row locks on PostgreSQL:

* ``Group.capacity`` caps the city-wide live entries (submitted + approved) of a group at
  registration: ``entry_register`` locks the group row (``SELECT … FOR UPDATE``) before
  counting, so the registration that would exceed it gets ``GroupFull``;
* ``UnitQuota.quota`` caps how many entries a unit may approve in a group:
  ``entry_approve`` locks the quota row before counting.

``LOCKING`` exists only for the race tests' control runs, which switch it off to show the
limits being exceeded without the locks. A teacher has one entry per edition (a unique
constraint): a repeated submit, also a concurrent one, returns the first entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.enums import Role
from apps.accounts.models import User
from apps.accounts.services import role_assign
from apps.core.audit import audit_record
from apps.core.crypto import lookup_hash
from apps.core.scoping import get_scope, scope, scopes_disabled
from apps.core.uploads import check_document, original_name, random_name
from apps.members.enums import MemberStatus
from apps.members.models import Member
from apps.members.validation import normalize_id_number

from ..enums import EditionStatus, EntryKind, EntryStatus, InvitationStatus
from ..models import LIVE_ENTRY, Entry, Group, TeacherAccount, TeamMember, UnitQuota
from ..selectors import member_live_entry, teacher_member_or_none
from .codes import entry_code
from .eligibility import edition_registration_problem, member_eligibility_problems
from .entry_status import NOT_REVIEWABLE, REJECTED_BEFORE, entry_lock, entry_transition  # noqa: F401 (messages)

LOCKING = True  # the race tests' control runs switch the row locks off

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
LIVE = (EntryStatus.SUBMITTED, EntryStatus.APPROVED)

# --- messages ---------------------------------------------------------------------------
NO_MATCH = "姓名与身份证号不匹配或不是在册会员。"
ALREADY_LINKED = "该会员已绑定账号。"
OWN_ACCOUNT_LINKED = "您的账号已绑定会员信息。"
USERNAME_TAKEN = "该用户名已被使用。"
PASSWORDS_DIFFER = "两次输入的密码不一致。"
NO_ACCOUNT = "请先绑定会员信息（身份证号和姓名）后再报名。"
GROUP_FULL = "本组报名名额已满"
CLOSED_CHANGE = "报名已截止，不能修改"
NOT_YOURS = "只能操作自己的报名。"
IN_A_TEAM = "您已是本届比赛其他团队的成员，不能再单独报名。"
ONLY_SUBMITTED_EDITABLE = "报名已审核，不能再修改；如需修改请联系本单位工会。"
WITHDRAWN_ALREADY = "报名已撤回。"
NEEDS_REASON = "请填写未通过的原因。"
EDITION_NOT_OPEN = "本届比赛已进入评审阶段，不能再审核报名。"
BAD_URL = "视频链接格式错误，应以 http:// 或 https:// 开头。"


def quota_used_up(*, used: int, quota: int) -> str:
    return f"本单位该组别推荐名额已用完（{used}/{quota}）"


def other_group(*, name: str) -> str:
    return f"您已报名本届比赛的“{name}”组，如需更换组别请先撤回原报名。"


class GroupFull(ValidationError):
    """The group has no place left (API: 409 ``{"code": "full"}``)."""

    def __init__(self):
        super().__init__({"group": [GROUP_FULL]})
        self.code = "full"


# --- teachers' accounts -----------------------------------------------------------------


def member_by_identity(*, id_number: str, name: str) -> Member:
    """The active member with this ID number AND exactly this name. The error is the same
    whether the ID is unknown or belongs to someone of another name: it never tells which.
    Errors are keyed to ``id_number`` so a form shows them beside the ID field."""
    try:
        id_number = normalize_id_number(id_number)  # a Chinese error on a bad check digit
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    name = (name or "").strip()
    with scopes_disabled():  # a person is found city-wide by ID + name; a miss never says why
        member = (Member.objects.filter(id_hash=lookup_hash(id_number), status=MemberStatus.ACTIVE)
                  .select_related("organization").first())
    if member is None or not name or member.name != name:
        raise ValidationError({"id_number": ValidationError(NO_MATCH, code="no_match")})
    return member


def _link(*, user: User, member: Member, action: str) -> TeacherAccount:
    with scopes_disabled():  # a member is linked once city-wide, whoever asks
        if TeacherAccount.objects.filter(member=member).exists():
            raise ValidationError(ALREADY_LINKED, code="linked")
        try:
            with transaction.atomic():
                account = TeacherAccount.objects.create(user=user, member=member)
        except IntegrityError as exc:  # linked concurrently
            raise ValidationError(ALREADY_LINKED, code="linked") from exc
    # The system grants it: the person proved to be this member (ID + name), at the member's union.
    role_assign(user=user, organization=member.organization, role=Role.TEACHER, system=True)
    audit_record(actor=user, action=action, target=account, organization=member.organization,
                 data={"member": member.pk})
    return account


@transaction.atomic
def teacher_signup(*, username: str, password: str, password2: str | None = None, name: str,
                   id_number: str) -> User:
    """A teacher's self-service account, linked to their member record by ID number + name;
    acts as a teacher of the member's grassroots union."""
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = ["请填写用户名。"]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [USERNAME_TAKEN]
    if password2 is not None and password != password2:
        errors["password2"] = [PASSWORDS_DIFFER]
    else:
        try:
            validate_password(password, user=User(username=username, full_name=name))
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    member = member_by_identity(id_number=id_number, name=name)
    with scopes_disabled():  # the sign-up is anonymous: a member is linked once city-wide
        if TeacherAccount.objects.filter(member=member).exists():
            raise ValidationError({"id_number": ValidationError(ALREADY_LINKED, code="linked")})
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password, full_name=member.name)
    except IntegrityError as exc:
        raise ValidationError({"username": [USERNAME_TAKEN]}) from exc
    _link(user=user, member=member, action="teacher.signup")
    return user


@transaction.atomic
def teacher_link(*, user: User, id_number: str, name: str) -> TeacherAccount:
    """Link an existing (teacher role) user to their member record."""
    with scopes_disabled():  # the user's own link, by their id, before they act as a teacher
        if TeacherAccount.objects.filter(user=user).exists():
            raise ValidationError(OWN_ACCOUNT_LINKED, code="own_linked")
    member = member_by_identity(id_number=id_number, name=name)
    return _link(user=user, member=member, action="teacher.link")


def teacher_member(*, user) -> Member:
    """The member the user's self-service account is linked to (ValidationError if none)."""
    member = teacher_member_or_none(user=user)
    if member is None:
        raise ValidationError(NO_ACCOUNT, code="no_account")
    return member


# --- entries ------------------------------------------------------------------------------


def _strip(value, limit: int, field: str, label: str, errors: dict) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors.setdefault(field, []).append(f"{label}不能超过 {limit} 个字。")
    return value


def _clean(group: Group, data: dict[str, Any], *, current: Entry | None = None) -> tuple[dict, dict]:
    """Validate an entry's fields against what the edition requires. ``data`` holds only the
    fields being set (on an update, the others keep ``current``'s values). Returns the text
    fields and the uploads as {field: (upload, kind)}."""
    edition = group.edition
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    labels = {"course_title": ("课程/题目", 200), "supervisor_name": ("指导教师", 50), "team_name": ("团队名称", 100)}
    for field, (label, limit) in labels.items():
        if field in data:
            fields[field] = _strip(data[field], limit, field, label, errors)
    if "video_url" in data:
        url = (data["video_url"] or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                errors.setdefault("video_url", []).append(BAD_URL)
            if len(url) > 200:
                errors.setdefault("video_url", []).append("视频链接不能超过 200 个字符。")
        fields["video_url"] = url
    uploads: dict[str, tuple[Any, str]] = {}
    for field in ("lesson_plan", "teaching_design"):
        upload = data.get(field)
        if upload:
            try:
                uploads[field] = (upload, check_document(upload, max_bytes=MAX_UPLOAD_BYTES, field=field))
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    errors.setdefault(key, []).extend(messages)

    def final(field):
        if field in fields:
            return fields[field]
        return getattr(current, field, "") if current is not None else ""

    def has_file(field):
        return field in uploads or bool(current is not None and getattr(current, field))

    if edition.requires_course_title and not final("course_title") and "course_title" not in errors:
        errors["course_title"] = ["请填写课程/题目。"]
    if edition.requires_video and not final("video_url") and "video_url" not in errors:
        errors["video_url"] = ["请填写视频链接。"]
    if edition.requires_lesson_plan and not has_file("lesson_plan") and "lesson_plan" not in errors:
        errors["lesson_plan"] = ["请上传教案（PDF 或 Word）。"]
    if edition.requires_teaching_design and not has_file("teaching_design") and "teaching_design" not in errors:
        errors["teaching_design"] = ["请上传教学设计（PDF 或 Word）。"]
    if group.entry_kind == EntryKind.TEAM:
        if not final("team_name") and "team_name" not in errors:
            errors["team_name"] = ["请填写团队名称。"]
    else:
        fields["team_name"] = ""
    if errors:
        raise ValidationError(errors)
    return fields, uploads


def _store(entry: Entry, uploads: dict) -> list[str]:
    """Write the uploads under random names (never the user's); keep the original names."""
    stored = []
    for field, (upload, kind) in uploads.items():
        getattr(entry, field).save(random_name(kind), upload, save=False)
        setattr(entry, f"{field}_name", original_name(upload, kind))
        stored.append(getattr(entry, field).name)
    return stored


def _delete_files(names) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            try:
                default_storage.delete(name)
            except OSError:
                pass


def _live_count(group: Group) -> int:
    """Live entries of the group (what counts against its capacity)."""
    return Entry.objects.filter(LIVE_ENTRY, group=group).count()


def _full_already(group: Group) -> bool:
    """Near a deadline most answers are "full": given without the lock and before any upload
    is stored. (Only a hint: the count under the lock in ``_book`` decides; a place freed
    meanwhile by a withdrawal is seen by the next try.)"""
    if group.capacity is None:
        return False
    with scopes_disabled():  # a group's capacity is city-wide: every unit's live entries count
        return Entry.objects.filter(LIVE_ENTRY, group=group).count() >= group.capacity


def _existing_answer(entry: Entry, group: Group) -> tuple[Entry, bool]:
    if entry.group_id == group.pk:
        return entry, False
    raise ValidationError({"group": [other_group(name=entry.group.name)]})


def entry_register(*, user, group: Group, course_title: str = "", video_url: str = "", supervisor_name: str = "",
                   team_name: str = "", lesson_plan=None, teaching_design=None,
                   now: dt.datetime | None = None) -> tuple[Entry, bool]:
    """A teacher registers for a group (a team group: as the captain). Returns (entry,
    created): a repeated submit returns the existing entry with ``created=False``; a
    withdrawn entry of the edition is re-activated. Raises ``GroupFull`` when the group's
    capacity is reached, a ValidationError with Chinese messages otherwise."""
    now = now or timezone.now()
    member = teacher_member(user=user)
    edition = group.edition
    problem = edition_registration_problem(edition=edition, now=now)
    if problem:
        raise ValidationError({"group": [problem]}, code="closed")
    with as_teacher(user):
        existing = Entry.objects.filter(edition=edition, member=member).select_related("group").first()
    if existing is not None and existing.status in LIVE:
        return _existing_answer(existing, group)
    if existing is not None and existing.status == EntryStatus.REJECTED:
        raise ValidationError({"group": [REJECTED_BEFORE]})
    if _full_already(group):
        raise GroupFull()
    problems = member_eligibility_problems(member=member, edition=edition)
    if problems:
        raise ValidationError({"group": problems}, code="ineligible")
    taken = member_live_entry(member=member, edition=edition, pending=False)
    if taken is not None and taken.member_id == member.pk:  # the same teacher's concurrent submit won
        return _existing_answer(taken, group)
    if taken is not None:
        raise ValidationError({"group": [IN_A_TEAM]})
    fields, uploads = _clean(group, {"course_title": course_title, "video_url": video_url,
                                     "supervisor_name": supervisor_name, "team_name": team_name,
                                     "lesson_plan": lesson_plan, "teaching_design": teaching_design})
    draft = Entry(edition=edition, group=group, organization=member.organization, member=member,
                  registered_by=user, status=EntryStatus.SUBMITTED, **fields)
    stored = _store(draft, uploads)  # before the lock: the lock is held only for count + insert
    try:
        return _book(draft, user=user, existing=existing)
    except BaseException:
        _delete_files(stored)
        raise


@transaction.atomic
def _book(draft: Entry, *, user, existing: Entry | None) -> tuple[Entry, bool]:
    group = draft.group
    with scopes_disabled():  # the capacity lock and count span every unit's entries of the group
        capacity = group.capacity
        if LOCKING and capacity is not None:
            # the group row is the lock every registration of the group queues on
            capacity = Group.objects.select_for_update(of=("self",)).filter(pk=group.pk).values_list("capacity", flat=True)[0]
            again = Entry.objects.filter(edition_id=draft.edition_id, member=draft.member).select_related(
                "group").first()
            if again is not None and again.status in LIVE:  # the same teacher's other submit won
                return _existing_answer(again, group)
        if capacity is not None and _live_count(group) >= capacity:
            raise GroupFull()
        if existing is not None:
            entry = _reactivate(existing, draft)
            created = True
        else:
            entry, created = _insert(draft)
            if not created:
                return _existing_answer(entry, group)
    audit_record(actor=user, action="entry.register", target=entry,
                 data={"group": group.pk, "code": entry.code, "reactivated": existing is not None})
    return entry, created


def _insert(draft: Entry) -> tuple[Entry, bool]:
    for _attempt in range(5):
        draft.code = entry_code(edition=draft.edition)
        try:
            with transaction.atomic():
                draft.save(force_insert=True)
            return draft, True
        except IntegrityError:
            draft.pk = None
            first = Entry.objects.filter(edition_id=draft.edition_id, member=draft.member).select_related(
                "group").first()
            if first is not None:  # a concurrent submit of the same teacher
                return first, False
            # else: the random code collided; draw another
    raise ValidationError("报名失败，请重试。")


def _reactivate(existing: Entry, draft: Entry) -> Entry:
    """A withdrawn entry registered again: back to 已报名 with the new fields and files."""
    old_files: list[str] = []

    def renew(entry: Entry) -> dict:
        old_files.extend(f.name for f in (entry.lesson_plan, entry.teaching_design) if f)
        entry.group = draft.group
        entry.registered_by = draft.registered_by
        for field in ("team_name", "course_title", "video_url", "supervisor_name", "lesson_plan", "lesson_plan_name",
                      "teaching_design", "teaching_design_name"):
            setattr(entry, field, getattr(draft, field))
        return {"group": draft.group_id}

    entry = entry_transition(entry=existing, to=EntryStatus.SUBMITTED, actor=draft.registered_by, guard=renew)
    entry.team_members.all().delete()  # a re-activated team starts without invitations
    kept = {entry.lesson_plan.name, entry.teaching_design.name}
    transaction.on_commit(lambda: _delete_files([n for n in old_files if n not in kept]))
    return entry


def _locked_own(entry: Entry, user) -> Entry:
    member = teacher_member(user=user)
    with as_teacher(user):
        locked = Entry.objects.select_for_update(of=("self",)).select_related("edition", "group").filter(
            pk=entry.pk).first()
    if locked is None or locked.member_id != member.pk:
        raise PermissionDenied(NOT_YOURS)
    return locked


def as_teacher(user):
    """A teacher's own entries are read in the teacher's person scope, whoever calls (their
    pages and API already are in it)."""
    return scope(person="teacher", user_id=user.pk)


def _check_deadline(entry: Entry, now) -> None:
    if not entry.edition.registration_is_open(now):
        raise ValidationError(CLOSED_CHANGE, code="closed")


@transaction.atomic
def entry_update(*, entry: Entry, user, now: dt.datetime | None = None, **changes) -> Entry:
    """The teacher edits their entry until registration closes, while it awaits review.
    ``changes``: course_title, video_url, supervisor_name, team_name, lesson_plan,
    teaching_design (an upload replaces the file; None keeps it)."""
    allowed = {"course_title", "video_url", "supervisor_name", "team_name", "lesson_plan", "teaching_design"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    now = now or timezone.now()
    entry = _locked_own(entry, user)
    _check_deadline(entry, now)
    if entry.status != EntryStatus.SUBMITTED:
        raise ValidationError({EntryStatus.APPROVED: ONLY_SUBMITTED_EDITABLE, EntryStatus.WITHDRAWN: WITHDRAWN_ALREADY}
                              .get(entry.status, REJECTED_BEFORE))
    data = {k: v for k, v in changes.items() if v is not None}
    fields, uploads = _clean(entry.group, data, current=entry)
    changed = sorted(k for k, v in fields.items() if getattr(entry, k) != v) + sorted(uploads)
    if not changed:
        return entry
    old_files = [getattr(entry, f).name for f in uploads if getattr(entry, f)]
    for field, value in fields.items():
        setattr(entry, field, value)
    stored = _store(entry, uploads)
    transaction.on_commit(lambda: _delete_files(old_files))
    try:
        with transaction.atomic():
            entry.save()
            audit_record(actor=user, action="entry.update", target=entry, data={"fields": changed})
    except BaseException:
        _delete_files(stored)
        raise
    return entry


@transaction.atomic
def entry_withdraw(*, entry: Entry, user, now: dt.datetime | None = None) -> Entry:
    """The teacher withdraws (before the deadline); a withdrawn entry frees its place and its
    unit's approval, and registering again re-activates it."""
    now = now or timezone.now()
    entry = _locked_own(entry, user)
    return entry_transition(entry=entry, to=EntryStatus.WITHDRAWN, actor=user,
                            guard=lambda locked: _check_deadline(locked, now))


# --- the unit's review --------------------------------------------------------------------


def _approved_count(group_id: int, organization_id: int) -> int:
    return Entry.objects.filter(group_id=group_id, organization_id=organization_id,
                                status=EntryStatus.APPROVED).count()


def _check_reviewer(entry: Entry) -> None:
    """The decision is the entry's unit's (or a unit above it): outside the acting subtree
    is refused, as the pages and API make it a 404 before. Fails closed: outside any scope,
    or in a person scope (a teacher, a judge), nobody decides; only an explicit
    ``scopes_disabled()`` (seeding) passes."""
    current = get_scope()
    if current is None or not current.allows_path(entry.organization.path):
        raise PermissionDenied("该报名不在您的管理范围内。")


def entry_team_problem(*, entry: Entry) -> str | None:
    """Why a team entry cannot be approved yet (None when the team is complete)."""
    if entry.group.entry_kind != EntryKind.TEAM:
        return None
    with scopes_disabled():  # every invitation of the team counts, whoever asks (its unit or its teacher)
        statuses = list(TeamMember.objects.filter(entry=entry).values_list("status", flat=True))
    accepted = statuses.count(InvitationStatus.ACCEPTED)
    needed = max(entry.group.team_size - 1, 0)
    if InvitationStatus.INVITED in statuses or accepted < needed:
        return f"团队成员尚未全部确认（已确认 {accepted}/{needed} 人），暂不能审核通过。"
    return None


def _check_open(entry: Entry) -> None:
    if entry.edition.status != EditionStatus.OPEN:
        raise ValidationError(EDITION_NOT_OPEN)


@transaction.atomic
def entry_approve(*, entry: Entry, actor) -> Entry:
    """The unit approves an entry within its quota for the group (the quota row is locked
    before counting; approving twice changes nothing)."""
    _check_reviewer(entry_lock(entry=entry))

    def within_quota(locked: Entry) -> dict:
        _check_open(locked)
        problem = entry_team_problem(entry=locked)
        if problem:
            raise ValidationError(problem)
        with scopes_disabled():  # the unit's own quota row and count, whoever of its staff asks
            quotas = UnitQuota.objects.filter(group_id=locked.group_id, organization_id=locked.organization_id)
            if LOCKING:
                quotas = quotas.select_for_update(of=("self",))
            quota = quotas.values_list("quota", flat=True).first() or 0
            used = _approved_count(locked.group_id, locked.organization_id)
            if used >= quota:
                raise ValidationError(quota_used_up(used=used, quota=quota), code="quota")
            if locked.current_stage_id is None:
                locked.current_stage = locked.edition.stages.order_by("order").first()
        return {"quota": quota, "used": used + 1}

    return entry_transition(entry=entry, to=EntryStatus.APPROVED, actor=actor, guard=within_quota)


@transaction.atomic
def entry_reject(*, entry: Entry, actor, reason: str) -> Entry:
    """The unit does not put the entry forward (an approved one frees its place)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [NEEDS_REASON]})
    if len(reason) > 200:
        raise ValidationError({"reason": ["原因不能超过 200 个字。"]})
    _check_reviewer(entry_lock(entry=entry))

    def still_open(locked: Entry) -> dict:
        _check_open(locked)
        return {"reason": reason}

    return entry_transition(entry=entry, to=EntryStatus.REJECTED, actor=actor, guard=still_open, reason=reason)
