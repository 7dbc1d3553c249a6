"""Teachers' competition pages (sign up, register, my entry, team invitations) and the
unit's review page. Server-rendered, Chinese, phone-friendly; every write calls a service.

Who sees what: a teacher sees only their own entries and the teams they were invited to
(an explicit filter on their member record); unit staff see their subtree's entries through
the scoped manager; anything else is a 404, like a missing entry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.acting import acting_organization
from apps.accounts.permissions import REGISTER_ENTRY
from apps.core.net import client_ip

from ..enums import EditionStatus, EntryStatus, InvitationStatus
from ..models import Edition, Entry, Group, TeamMember, UnitQuota
from ..selectors import entries_of_teacher, invitations_for, teacher_member_or_none
from ..services.eligibility import groups_eligible, member_check_eligible
from ..services.registration import (
    GroupFull,
    entry_approve,
    entry_register,
    entry_reject,
    entry_team_problem,
    entry_update,
    entry_withdraw,
    teacher_link,
    teacher_signup,
)
from ..services.teams import team_invite, team_respond
from .forms import EntryForm, IdentityForm, InviteForm, SignupForm, add_service_error

REVIEW = "competitions.change_entry"  # unit admins and clerks (and the municipal admin)
VIEW = "competitions.view_entry"
SIGNUP_FAILURES_PER_HOUR = 10
TOO_MANY = "尝试次数过多，请一小时后再试。"
ROLE_BACKEND = "apps.accounts.backends.RoleBackend"


# --- helpers ------------------------------------------------------------------------------------


def _attempt_key(request, what: str) -> str:
    return f"competitions:{what}:fail:{client_ip(request) or 'unknown'}"


def _throttled(request, what: str) -> bool:
    return (cache.get(_attempt_key(request, what)) or 0) >= SIGNUP_FAILURES_PER_HOUR


def _count_failure(request, what: str) -> None:
    key = _attempt_key(request, what)
    if cache.add(key, 1, timeout=3600):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)


def _teacher_or_404(request):
    """The member of a logged-in teacher; a teacher without a linked record is sent to link it."""
    member = teacher_member_or_none(user=request.user)
    if member is not None:
        return member
    if request.user.has_perm(REGISTER_ENTRY):
        raise _Redirect(reverse("competitions:link"))
    raise Http404


class _Redirect(Exception):
    def __init__(self, url):
        self.url = url


def _teacher_view(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Redirect as r:
            return HttpResponseRedirect(r.url)
    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_required(wrapper)


def _entry_for(request, pk: int):
    """(entry, role) where role is "owner", "team" or "staff"; 404 for anyone else."""
    member = teacher_member_or_none(user=request.user)
    if member is not None:
        # the teacher's person scope holds only their own entries and teams; the checks below
        # are the second fence
        entry = (Entry.objects.filter(pk=pk).select_related("edition", "group", "organization", "member")
                 .first())
        if entry is not None:
            if entry.member_id == member.pk:
                return entry, "owner"
            if TeamMember.objects.filter(entry=entry, member=member, status__in=(
                    InvitationStatus.INVITED, InvitationStatus.ACCEPTED)).exists():
                return entry, "team"
    if request.user.has_perm(VIEW):
        entry = Entry.objects.filter(pk=pk).select_related("edition", "group", "organization", "member").first()
        if entry is not None:  # the scoped manager: another unit's entry is not found
            return entry, "staff"
    raise Http404


# --- pages ---------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def index(request):
    """Open competitions the teacher may enter and their entries; a landing page otherwise."""
    context = {"member": None}
    if request.user.is_authenticated:
        member = teacher_member_or_none(user=request.user)
        context.update(member=member, can_link=member is None and request.user.has_perm(REGISTER_ENTRY),
                       can_review=request.user.has_perm(REVIEW))
        if member is not None:
            entries = entries_of_teacher(member=member)
            entered = {e.edition_id for e in entries if e.status in (EntryStatus.SUBMITTED, EntryStatus.APPROVED)}
            context.update(
                entries=entries,
                groups=[g for g in groups_eligible(member=member) if g.edition_id not in entered],
                invitations=sum(1 for i in invitations_for(member=member) if i.status == InvitationStatus.INVITED),
            )
    return render(request, "competitions/teacher/index.html", context)


@require_http_methods(["GET", "POST"])
def signup(request):
    """Self-service account for a teacher who is a member: ID number + exact name."""
    if request.user.is_authenticated:
        return redirect("competitions:index")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if _throttled(request, "signup"):
            form.is_valid()
            form.add_error(None, TOO_MANY)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                user = teacher_signup(username=data["username"], password=data["password"],
                                      password2=data["password2"], name=data["name"], id_number=data["id_number"])
            except ValidationError as exc:
                _count_failure(request, "signup")
                add_service_error(form, exc)
            else:
                login(request, user, backend=ROLE_BACKEND)
                messages.success(request, "注册成功，已绑定您的会员信息。")
                return redirect("competitions:index")
    return render(request, "competitions/teacher/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def link(request):
    """A teacher-role user without a self-service record links it by ID number + name."""
    if not request.user.has_perm(REGISTER_ENTRY):
        raise Http404
    if teacher_member_or_none(user=request.user) is not None:
        return redirect("competitions:index")
    form = IdentityForm(request.POST or None)
    if request.method == "POST":
        if _throttled(request, "link"):
            form.is_valid()
            form.add_error(None, TOO_MANY)
        elif form.is_valid():
            try:
                teacher_link(user=request.user, id_number=form.cleaned_data["id_number"],
                             name=form.cleaned_data["name"])
            except ValidationError as exc:
                _count_failure(request, "link")
                add_service_error(form, exc)
            else:
                messages.success(request, "已绑定您的会员信息。")
                return redirect("competitions:index")
    return render(request, "competitions/teacher/link.html", {"form": form})


@_teacher_view
@require_http_methods(["GET", "POST"])
def group_register(request, pk: int):
    """Register for a group with the fields the edition requires (a repeated POST finds the
    first entry)."""
    member = _teacher_or_404(request)
    group = get_object_or_404(Group.objects.select_related("edition", "edition__series"), pk=pk)
    existing = Entry.objects.filter(edition=group.edition, member=member, group=group,  # the teacher's scope
                                    status__in=(EntryStatus.SUBMITTED, EntryStatus.APPROVED)).first()
    if existing is not None and request.method == "GET":
        return redirect("competitions:entry", pk=existing.pk)
    problems = []
    try:
        member_check_eligible(member=member, group=group)
    except ValidationError as exc:
        problems = exc.messages
    form = EntryForm(request.POST or None, request.FILES or None, group=group)
    if request.method == "POST" and not problems and form.is_valid():
        try:
            entry, created = entry_register(user=request.user, group=group, **form.service_kwargs())
        except GroupFull as exc:
            add_service_error(form, exc)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "报名成功，请等待本单位工会审核。" if created else "您已报名，无需重复提交。")
            return redirect("competitions:entry", pk=entry.pk)
    elif request.method == "POST" and problems:
        form.is_valid()
    return render(request, "competitions/teacher/register.html",
                  {"group": group, "edition": group.edition, "form": form, "problems": problems, "member": member})


def _entry_context(request, entry, role, form=None, invite_form=None):
    team = list(TeamMember.objects.filter(entry=entry).select_related("member").order_by("id"))  # scoped
    editable = (role == "owner" and entry.status == EntryStatus.SUBMITTED
                and entry.edition.registration_is_open())
    if form is None and editable:
        form = EntryForm(group=entry.group, entry=entry, initial={
            f: getattr(entry, f) for f in ("team_name", "course_title", "supervisor_name", "video_url")})
    return {
        "entry": entry, "role": role, "team": team, "form": form if editable else None,
        "editable": editable,
        "withdrawable": role == "owner" and entry.status in (EntryStatus.SUBMITTED, EntryStatus.APPROVED)
        and entry.edition.registration_is_open(),
        "is_team": entry.group.entry_kind == "team",
        "invite_form": invite_form or (InviteForm() if editable and entry.group.entry_kind == "team" else None),
        "team_problem": entry_team_problem(entry=entry),
        "registration_open": entry.edition.registration_is_open(),
    }


@_teacher_view
@require_http_methods(["GET", "POST"])
def entry_detail(request, pk: int):
    """My entry: status, edit until the deadline, team members and invitations."""
    entry, role = _entry_for(request, pk)
    form = None
    if request.method == "POST":
        if role != "owner":
            raise Http404
        form = EntryForm(request.POST, request.FILES, group=entry.group, entry=entry)
        if form.is_valid():
            try:
                entry_update(entry=entry, user=request.user, **form.service_kwargs())
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # closed, already reviewed …: the page says why
                    messages.error(request, "；".join(exc.messages))
                    return redirect("competitions:entry", pk=entry.pk)
                add_service_error(form, exc)
            else:
                messages.success(request, "报名信息已更新。")
                return redirect("competitions:entry", pk=entry.pk)
    return render(request, "competitions/teacher/entry.html", _entry_context(request, entry, role, form=form))


@_teacher_view
@require_POST
def entry_withdraw_view(request, pk: int):
    entry, role = _entry_for(request, pk)
    if role != "owner":
        raise Http404
    try:
        entry_withdraw(entry=entry, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "报名已撤回。")
    return redirect("competitions:entry", pk=entry.pk)


@_teacher_view
@require_POST
def entry_invite(request, pk: int):
    entry, role = _entry_for(request, pk)
    if role != "owner":
        raise Http404
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            team_invite(entry=entry, user=request.user, id_number=form.cleaned_data["id_number"],
                        name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "邀请已发出，请提醒队员登录后确认。")
            return redirect("competitions:entry", pk=entry.pk)
    return render(request, "competitions/teacher/entry.html", _entry_context(request, entry, role, invite_form=form),
                  status=200)


@_teacher_view
@require_http_methods(["GET", "POST"])
def invitations(request):
    """Team invitations addressed to me: accept or decline."""
    member = _teacher_or_404(request)
    if request.method == "POST":
        try:
            pk = int(request.POST.get("invitation", ""))
        except ValueError as exc:
            raise Http404 from exc
        mine = {i.pk: i for i in invitations_for(member=member)}
        if pk not in mine:
            raise Http404
        accept = request.POST.get("decision") == "accept"
        try:
            team_respond(invitation=mine[pk], user=request.user, accept=accept)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已接受邀请。" if accept else "已谢绝邀请。")
        return redirect("competitions:invitations")
    return render(request, "competitions/teacher/invitations.html", {"invitations": invitations_for(member=member)})


# --- the unit's review -------------------------------------------------------------------------


def _review_editions():
    return Edition.objects.filter(status__in=(EditionStatus.OPEN, EditionStatus.JUDGING)).select_related(
        "series").order_by("-year", "series__code")


def _review_groups(edition) -> list[dict]:
    """Per group of the edition: the acting subtree's entries and each unit's places."""
    entries = list(Entry.objects.filter(edition=edition)  # scoped: the acting subtree only
                   .select_related("group", "organization", "member").order_by("organization__path", "created_at"))
    approved = {(r["group"], r["organization"]): r["n"] for r in
                Entry.objects.filter(edition=edition, status=EntryStatus.APPROVED)
                .values("group", "organization").annotate(n=Count("id"))}
    quotas = list(UnitQuota.objects.filter(group__edition=edition).select_related("organization"))  # scoped
    out = []
    for group in edition.groups.order_by("order", "id"):
        units = {q.organization_id: {"organization": q.organization, "quota": q.quota}
                 for q in quotas if q.group_id == group.pk}
        rows = [e for e in entries if e.group_id == group.pk]
        for e in rows:
            units.setdefault(e.organization_id, {"organization": e.organization, "quota": 0})
        for org_id, unit in units.items():
            unit["used"] = approved.get((group.pk, org_id), 0)
            unit["left"] = max(unit["quota"] - unit["used"], 0)
        if rows or units:
            out.append({"group": group, "entries": rows,
                        "units": sorted(units.values(), key=lambda u: u["organization"].path)})
    return out


@login_required
@require_http_methods(["GET"])
def unit_review(request):
    """The unit's teachers' entries per group with its places used/left; approve or reject."""
    if not request.user.has_perm(REVIEW):
        raise Http404
    editions = list(_review_editions())
    wanted = request.GET.get("edition")
    shown = [e for e in editions if str(e.pk) == wanted] if wanted else editions
    sections = [{"edition": edition, "groups": _review_groups(edition)} for edition in shown]
    return render(request, "competitions/teacher/unit.html", {
        "editions": editions, "wanted": wanted, "sections": sections,
        "unit": acting_organization(request.user),
    })


@login_required
@require_POST
def unit_decide(request, pk: int):
    """Approve (within the unit's quota) or reject an entry of the acting subtree."""
    if not request.user.has_perm(REVIEW):
        raise Http404
    entry = get_object_or_404(Entry.objects.select_related("organization", "group", "edition"), pk=pk)  # scoped
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            entry_approve(entry=entry, actor=request.user)
            messages.success(request, f"已审核通过：{entry.display_name}（{entry.group.name}）")
        elif decision == "reject":
            entry_reject(entry=entry, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, f"已退回：{entry.display_name}（{entry.group.name}）")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect(f"{reverse('competitions:unit_review')}?edition={entry.edition_id}")
