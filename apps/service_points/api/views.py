"""/api/v1/welfare/…: service points (recognitions, photos, Excel), bookable resources (weekly
patterns, materialising slots), slots (browse, book) and bookings (mine or my host's; cancel,
check in by code, no-show, .ics, Excel).

Everything goes through the services; outside the acting scope an object is a 404; a full
slot is a 409 ``{"detail": …, "code": "full"}``; every other refusal a 400 naming the rule."""

from __future__ import annotations

import django_filters
from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.core.api import ScopedAPIMixin
from apps.core.excel import XLSX_CONTENT_TYPE
from apps.organizations.filters import SubtreeFilter

from .. import registry, services
from ..enums import DISTRICT_CHOICES, BookingAction, BookingStatus, PointKind, ResourceKind
from ..exporting import bookings_xlsx_response, points_xlsx_response
from ..ics import booking_ics
from ..models import LIVE, Booking, Recognition, Resource, ServicePoint, Slot, SlotPattern
from .serializers import (
    BookingSerializer, CheckInSerializer, FullSerializer, MaterialisedSerializer, MaterialiseSerializer,
    PatternSerializer, PhotoSerializer, PhotoUploadSerializer, RecognitionSerializer, ResourceSerializer,
    ServicePointSerializer, SlotSerializer,
)

DIGITS = r"[0-9]+"
XLSX = {(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY}


class PointFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PointKind.choices)
    district = django_filters.ChoiceFilter(choices=DISTRICT_CHOICES)
    year = django_filters.NumberFilter(field_name="recognitions__year", label="认定/资助年度", distinct=True)
    unit = SubtreeFilter()

    class Meta:
        model = ServicePoint
        fields = ()


class ServicePointViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The service points of the acting subtree with their recognitions, grants and photos."""

    model = ServicePoint
    serializer_class = ServicePointSerializer
    filterset_class = PointFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {"recognitions": "service_points.view_recognition", "photos": "service_points.add_pointphoto",
                          "export": "service_points.view_servicepoint"}

    def get_queryset(self):
        return ServicePoint.objects.select_related("organization").prefetch_related(
            "recognitions__nominated_by", "photos").order_by("kind", "organization__path", "name", "id")

    def perform_create(self, serializer):
        serializer.instance = registry.service_point_save(point=ServicePoint(**serializer.validated_data),
                                                          actor=self.request.user)

    def perform_update(self, serializer):
        point = serializer.instance
        for key, value in serializer.validated_data.items():
            setattr(point, key, value)
        serializer.instance = registry.service_point_save(point=point, actor=self.request.user)

    @extend_schema(methods=["GET"], responses=RecognitionSerializer(many=True), summary="认定与资助记录")
    @extend_schema(methods=["POST"], request=RecognitionSerializer, responses={201: RecognitionSerializer},
                   summary="登记认定或资助（市教育工会）")
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def recognitions(self, request, pk=None):
        point = self.get_object()
        if request.method == "POST":
            if not request.user.has_perm("service_points.add_recognition"):
                self.permission_denied(request, message="只有市教育工会可以登记认定与资助。")
            data = RecognitionSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            existing = Recognition._base_manager.filter(point=point, year=data.validated_data["year"],
                                                        title=data.validated_data["title"]).first()
            recognition = existing or Recognition(point=point)
            for key, value in data.validated_data.items():
                setattr(recognition, key, value)
            recognition = registry.recognition_save(recognition=recognition, actor=request.user)
            return Response(RecognitionSerializer(recognition).data, status=status.HTTP_201_CREATED)
        return Response(RecognitionSerializer(point.recognitions.select_related("nominated_by"), many=True).data)

    @extend_schema(request={"multipart/form-data": PhotoUploadSerializer}, responses={201: PhotoSerializer},
                   summary="上传照片（JPEG/PNG，5 MB）")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        point = self.get_object()
        data = PhotoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = registry.point_photo_add(point=point, upload=data.validated_data["file"], actor=request.user)
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=XLSX, summary="导出服务阵地（Excel，筛选同列表）")
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        return points_xlsx_response(self.filter_queryset(self.get_queryset()), actor=request.user)


class ResourceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices)
    district = django_filters.ChoiceFilter(choices=DISTRICT_CHOICES)
    unit = SubtreeFilter()

    class Meta:
        model = Resource
        fields = ()


class ResourceViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Bookable resources: a host's own (staff), or those open to me (a teacher)."""

    model = Resource
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {"patterns": "service_points.view_slotpattern",
                          "materialise": "service_points.add_slotpattern"}

    def get_queryset(self):
        return Resource.objects.select_related("organization").order_by("organization__path", "name", "id")

    def perform_create(self, serializer):
        serializer.instance = services.resource_save(resource=Resource(**serializer.validated_data),
                                                     actor=self.request.user)

    def perform_update(self, serializer):
        resource = serializer.instance
        for key, value in serializer.validated_data.items():
            setattr(resource, key, value)
        serializer.instance = services.resource_save(resource=resource, actor=self.request.user)

    @extend_schema(methods=["GET"], responses=PatternSerializer(many=True), summary="每周开放时段")
    @extend_schema(methods=["POST"], request=PatternSerializer, responses={201: PatternSerializer},
                   summary="添加每周开放时段")
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def patterns(self, request, pk=None):
        resource = self.get_object()
        if request.method == "POST":
            if not request.user.has_perm("service_points.add_slotpattern"):
                self.permission_denied(request)
            data = PatternSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            if SlotPattern._base_manager.filter(resource=resource, weekday=data.validated_data["weekday"],
                                                start_time=data.validated_data["start_time"]).exists():
                return Response({"start_time": ["该时段已存在。"]}, status=status.HTTP_400_BAD_REQUEST)
            pattern = services.pattern_save(pattern=SlotPattern(resource=resource, **data.validated_data),
                                            actor=request.user)
            return Response(PatternSerializer(pattern).data, status=status.HTTP_201_CREATED)
        return Response(PatternSerializer(SlotPattern._base_manager.filter(resource=resource), many=True).data)

    @extend_schema(request=MaterialiseSerializer, responses=MaterialisedSerializer,
                   summary="按每周时段生成预约时段（已生成的不重复）")
    @action(detail=True, methods=["post"])
    def materialise(self, request, pk=None):
        resource = self.get_object()
        data = MaterialiseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.slots_materialise(resource=resource, actor=request.user, **data.validated_data)
        return Response({"created": created})


class SlotFilter(django_filters.FilterSet):
    resource = django_filters.NumberFilter(field_name="resource_id")
    kind = django_filters.ChoiceFilter(field_name="resource__kind", choices=ResourceKind.choices)
    district = django_filters.ChoiceFilter(field_name="resource__district", choices=DISTRICT_CHOICES)
    date = django_filters.DateFilter(field_name="starts_at", lookup_expr="date", label="日期")
    past = django_filters.BooleanFilter(method="with_past", label="含已开始的时段")

    class Meta:
        model = Slot
        fields = ()

    def with_past(self, qs, name, value):
        return qs

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("past"):
            queryset = queryset.filter(starts_at__gt=timezone.now())
        return queryset


def slots_with_counts(queryset):
    return queryset.select_related("resource__organization").annotate(
        live=Count("bookings", filter=Q(bookings__status__in=LIVE)))


class SlotViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Slots to book (future ones unless ``past=true``), with their places left."""

    model = Slot
    serializer_class = SlotSerializer
    filterset_class = SlotFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"book": services.BOOK_PERMISSION}

    def get_queryset(self):
        if self.action == "book":  # the service counts under its lock
            return Slot.objects.select_related("resource__organization")
        return slots_with_counts(Slot.objects.all()).order_by("starts_at", "resource_id", "id")

    @extend_schema(request=None, responses={201: BookingSerializer, 200: BookingSerializer,
                                            409: OpenApiResponse(FullSerializer, description="该时段已约满")},
                   summary="预约该时段（重复提交返回已有预约）")
    @action(detail=True, methods=["post"])
    def book(self, request, pk=None):
        slot = self.get_object()
        try:
            booking, created = services.slot_book(slot=slot, user=request.user)
        except services.SlotFull as exc:
            return Response({"detail": exc.message_dict["slot"][0], "code": "full"}, status=status.HTTP_409_CONFLICT)
        return Response(BookingSerializer(booking, context={"request": request}).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class BookingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BookingStatus.choices)
    resource = django_filters.NumberFilter(field_name="slot__resource_id")
    date = django_filters.DateFilter(field_name="slot__starts_at", lookup_expr="date", label="日期")

    class Meta:
        model = Booking
        fields = ()


class BookingViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """My bookings (a teacher) or the bookings at my unit's resources (staff)."""

    model = Booking
    serializer_class = BookingSerializer
    filterset_class = BookingFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"cancel": "service_points.view_booking", "check_in": services.HOST_PERMISSION,
                          "no_show": services.HOST_PERMISSION, "scan": services.HOST_PERMISSION,
                          "ics": "service_points.view_booking", "export": "service_points.view_booking"}

    def get_queryset(self):
        return Booking.objects.select_related("slot__resource__organization", "user", "organization").annotate(
            live=Count("slot__bookings", filter=Q(slot__bookings__status__in=LIVE))).order_by("-created_at", "-id")

    def _move(self, request, action_name):
        booking = services.booking_transition(booking=self.get_object(), action=action_name, actor=request.user)
        return Response(BookingSerializer(self.get_queryset().get(pk=booking.pk), context={"request": request}).data)

    @extend_schema(request=None, responses=BookingSerializer, summary="取消预约（开始前截止时间之前）")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._move(request, BookingAction.CANCEL)

    @extend_schema(request=None, responses=BookingSerializer, summary="签到（开放单位，开始前 30 分钟至结束）")
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        return self._move(request, BookingAction.CHECK_IN)

    @extend_schema(request=None, responses=BookingSerializer, summary="记为爽约（开放单位，时段结束后）")
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        return self._move(request, BookingAction.NO_SHOW)

    @extend_schema(request=CheckInSerializer, responses=BookingSerializer, summary="扫码签到（二维码中的签到码）")
    @action(detail=False, methods=["post"])
    def scan(self, request):
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            booking = services.booking_from_token(token=data.validated_data["token"])
        except Booking.DoesNotExist:
            return Response({"detail": "未找到。"}, status=status.HTTP_404_NOT_FOUND)
        booking = services.booking_transition(booking=booking, action=BookingAction.CHECK_IN, actor=request.user)
        return Response(BookingSerializer(self.get_queryset().get(pk=booking.pk), context={"request": request}).data)

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.STR}, summary="日历文件（.ics）")
    @action(detail=True, methods=["get"])
    def ics(self, request, pk=None):
        booking = self.get_object()
        response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
        return response

    @extend_schema(responses=XLSX, summary="导出预约与签到（Excel，筛选同列表）")
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        return bookings_xlsx_response(self.filter_queryset(self.get_queryset()), actor=request.user)
