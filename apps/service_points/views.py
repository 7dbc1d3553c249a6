"""Phone-first pages under /services/: browse the resources open to me by kind and district,
book a slot, my bookings with the check-in QR code, the .ics file and cancel (confirmed); the
host's check-in page the QR code opens; a point's photo (permission-checked)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .enums import DISTRICTS, BookingAction, BookingStatus, ResourceKind
from .ics import booking_ics
from .models import LIVE, Booking, PointPhoto, Resource, Slot
from .qr import qr_svg

DAYS_SHOWN = 14


def _need(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _get(queryset, **lookup):
    try:
        return queryset.get(**lookup)  # scoped: another unit's object reads as missing
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def resource_list(request):
    _need(request, "service_points.view_resource")
    kind, district = request.GET.get("kind", ""), request.GET.get("district", "")
    resources = Resource.objects.filter(is_open=True).select_related("organization")
    if kind in ResourceKind.values:
        resources = resources.filter(kind=kind)
    if district in DISTRICTS:
        resources = resources.filter(district=district)
    resources = resources.annotate(upcoming=Count("slots", filter=Q(slots__starts_at__gt=timezone.now()))).order_by(
        "kind", "organization__path", "name")
    return render(request, "service_points/resources.html", {
        "resources": resources, "kinds": ResourceKind.choices, "districts": DISTRICTS, "kind": kind,
        "district": district})


@login_required
@require_GET
def resource_detail(request, pk: int):
    _need(request, "service_points.view_resource")
    resource = _get(Resource.objects.select_related("organization"), pk=pk)
    now = timezone.now()
    slots = (Slot.objects.filter(resource=resource, starts_at__gt=now, starts_at__lt=now + dt.timedelta(days=DAYS_SHOWN))
             .annotate(live=Count("bookings", filter=Q(bookings__status__in=LIVE))).order_by("starts_at"))
    mine = set()
    if request.user.has_perm(services.BOOK_PERMISSION):
        mine = set(Booking.objects.filter(user=request.user, status__in=LIVE, slot__resource=resource)
                   .values_list("slot_id", flat=True))
    rows = [{"slot": s, "left": max(0, s.capacity - s.live), "mine": s.pk in mine} for s in slots]
    return render(request, "service_points/resource.html", {
        "resource": resource, "rows": rows, "can_book": request.user.has_perm(services.BOOK_PERMISSION)})


@login_required
@require_POST
def slot_book(request, pk: int):
    _need(request, services.BOOK_PERMISSION)
    slot = _get(Slot.objects.select_related("resource"), pk=pk)
    try:
        booking, created = services.slot_book(slot=slot, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.message_dict.get("slot") or exc.messages))
        return redirect("service_points:resource", pk=slot.resource_id)
    messages.success(request, "预约成功，请凭二维码签到。" if created else "您已预约该时段。")
    return redirect("service_points:booking", pk=booking.pk)


@login_required
@require_GET
def booking_list(request):
    _need(request, "service_points.view_booking")
    bookings = (Booking.objects.filter(user=request.user).select_related("slot__resource__organization")
                .order_by("-slot__starts_at", "-id")[:100])
    return render(request, "service_points/bookings.html", {"bookings": bookings})


def _my_booking(request, pk: int) -> Booking:
    _need(request, "service_points.view_booking")
    return _get(Booking.objects.select_related("slot__resource__organization", "user"), pk=pk, user=request.user)


@login_required
@require_GET
def booking_detail(request, pk: int):
    booking = _my_booking(request, pk)
    slot = booking.slot
    cutoff = slot.starts_at - dt.timedelta(hours=slot.resource.cancel_cutoff_hours)
    return render(request, "service_points/booking.html", {
        "booking": booking, "live": booking.status == BookingStatus.BOOKED,
        "can_cancel": booking.status == BookingStatus.BOOKED and timezone.now() <= cutoff, "cutoff": cutoff})


@login_required
@require_GET
def booking_qr(request, pk: int):
    booking = _my_booking(request, pk)
    if booking.status != BookingStatus.BOOKED:
        raise Http404
    url = request.build_absolute_uri(reverse("service_points:checkin",
                                             args=[services.checkin_token(booking=booking)]))
    response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def booking_ics_download(request, pk: int):
    booking = _my_booking(request, pk)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
    return response


@login_required
@require_POST
def booking_cancel(request, pk: int):
    booking = _my_booking(request, pk)
    try:
        services.booking_transition(booking=booking, action=BookingAction.CANCEL, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.message_dict.get("action") or exc.messages))
    else:
        messages.success(request, "预约已取消。")
    return redirect("service_points:booking", pk=booking.pk)


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request, token: str):
    """The page the QR code opens: the host's staff see the booking and confirm the check-in."""
    _need(request, services.HOST_PERMISSION)
    try:
        booking = services.booking_from_token(token=token)
    except (ValidationError, Booking.DoesNotExist) as exc:
        raise Http404 from exc
    error = ""
    if request.method == "POST":
        try:
            booking = services.booking_transition(booking=booking, action=BookingAction.CHECK_IN, actor=request.user)
        except ValidationError as exc:
            error = "；".join(exc.message_dict.get("action") or exc.messages)
        else:
            messages.success(request, "签到成功。")
            return redirect(request.path)
    return render(request, "service_points/checkin.html", {"booking": booking, "error": error})


@login_required
@require_GET
def photo_download(request, pk: int):
    _need(request, "service_points.view_pointphoto")
    photo = _get(PointPhoto.objects.all(), pk=pk)
    kind = "image/png" if photo.file.name.endswith(".png") else "image/jpeg"
    return FileResponse(photo.file.open("rb"), content_type=kind, filename=photo.original_name)
