"""The phone-first portal section 活动与服务: open activities I may apply to (and why not for
the others), apply, my applications with waiting-list positions, withdraw, confirm, and check-in
by the venue's QR code; for organisers the venue QR page and the Excel lists.

A member reaches only their own applications (an explicit filter on their member record); an
organiser reaches the sessions of their subtree through the scoped manager; anything else is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .eligibility import member_check, needs, rules_describe
from .enums import ApplicationStatus
from .exporting import KINDS, session_xlsx_response
from .models import Activity, Application, Session
from .qr import qr_data_uri
from .selectors import applications_of, member_of, open_activities_for

ORGANISE = "activities.change_session"
APPLY = "activities.apply_activity"


def _member_or_404(request):
    member = member_of(request.user)
    if member is None:
        raise Http404
    return member


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_GET
def index(request):
    member = member_of(request.user)
    context = {"member": member, "organiser": request.user.has_perm(ORGANISE)}
    if member is not None:
        context.update(open=open_activities_for(member=member), applications=applications_of(member=member))
    return render(request, "activities/index.html", context)


@login_required
@require_GET
def activity_detail(request, pk: int):
    member = _member_or_404(request)
    activity = get_object_or_404(Activity.objects.select_related("organization", "club"), pk=pk, published=True)
    sessions = list(activity.sessions.order_by("starts_on", "id"))
    refusals = member_check(activity=activity, member=member, day=sessions[0].starts_on) if sessions else []
    return render(request, "activities/detail.html", {
        "activity": activity, "sessions": sessions, "rules": rules_describe(activity.rules), "refusals": refusals,
        "needs": needs(activity), "member": member})


@login_required
@require_POST
def session_apply(request, pk: int):
    member = _member_or_404(request)
    session = get_object_or_404(Session.objects.select_related("activity__organization"), pk=pk)
    try:
        application = services.application_apply(
            session=session, member=member, actor=request.user,
            declared_single=request.POST.get("declared_single") == "1",
            child_name=request.POST.get("child_name", ""), child_id_number=request.POST.get("child_id_number", ""))
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("activities:detail", pk=session.activity_id)
    messages.success(request, f"报名成功：{application.get_status_display()}。")
    return redirect("activities:index")


def _own_application(request, pk: int) -> Application:
    member = _member_or_404(request)
    return get_object_or_404(Application._base_manager.select_related("session__activity"), pk=pk,
                             member=member)  # one's own only: anyone else's is a 404


@login_required
@require_POST
def application_withdraw(request, pk: int):
    application = _own_application(request, pk)
    try:
        services.application_withdraw(application=application, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已退出报名。")
    return redirect("activities:index")


@login_required
@require_POST
def application_confirm(request, pk: int):
    application = _own_application(request, pk)
    try:
        services.application_confirm(application=application, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已确认参加。")
    return redirect("activities:index")


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request, token: str):
    """The venue's QR code leads here: the member confirms and is checked in."""
    member = _member_or_404(request)
    try:
        session_id = services.session_from_token(token)
    except ValidationError:
        raise Http404 from None
    session = get_object_or_404(Session._base_manager.select_related("activity"), pk=session_id)
    application = (Application._base_manager.filter(session=session, member=member)
                   .exclude(status=ApplicationStatus.WITHDRAWN).first())
    if request.method == "POST":
        try:
            application = services.member_check_in_by_token(token=token, member=member, actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "签到成功。")
            return redirect("activities:index")
    return render(request, "activities/checkin.html", {"session": session, "application": application})


@login_required
@require_GET
def session_qr(request, pk: int):
    """The organiser's page shown at the venue: the session's check-in QR code."""
    if not request.user.has_perm(ORGANISE):
        raise Http404
    session = get_object_or_404(Session.objects.select_related("activity"), pk=pk)  # scoped: their subtree
    url = request.build_absolute_uri(reverse("activities:checkin", args=[services.checkin_token(session)]))
    return render(request, "activities/qr.html", {"session": session, "url": url, "qr": qr_data_uri(url)})


@login_required
@require_GET
def session_export(request, pk: int, kind: str):
    if not request.user.has_perm(ORGANISE) or kind not in KINDS:
        raise Http404
    session = get_object_or_404(Session.objects.select_related("activity__organization"), pk=pk)  # scoped
    return session_xlsx_response(session=session, kind=kind, actor=request.user)
