"""/api/v1/welfare/…: 从教30周年 rolls (build, confirm, reopen, issue as a job, roster,
missing dates), their honorees, the monthly milestones run and the outbox (list, retry).
Everything goes through the services; outside the acting scope an object is a 404."""

from __future__ import annotations

import django_filters
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.acting import acting_organization
from apps.core.api import ScopedAPIMixin
from apps.core.enums import OutboxStatus
from apps.core.excel import XLSX_CONTENT_TYPE, xlsx_attachment
from apps.core.models import OutboxMessage
from apps.core.outbox import outbox_retry
from apps.core.audit import audit_record
from apps.organizations.filters import SubtreeFilter

from .. import services
from ..certificates import roster_filename, roster_write
from ..enums import RollStatus
from ..issuing import certificates_issue
from ..milestones import milestones_run
from ..models import ThirtyYearHonoree, ThirtyYearRoll
from ..selectors import thirty_missing_dates
from .serializers import (
    BuildSerializer, HonoreeSerializer, IssueSerializer, JobStartedSerializer, MilestonesResultSerializer,
    MilestonesRunSerializer, MissingDateSerializer, OutboxSerializer, RollSerializer,
)

DIGITS = r"[0-9]+"
CHANGE_ROLL = "milestones.change_thirtyyearroll"


class RollFilter(django_filters.FilterSet):
    unit = SubtreeFilter()
    year = django_filters.NumberFilter(label="年度")
    status = django_filters.ChoiceFilter(choices=RollStatus.choices, label="状态")

    class Meta:
        model = ThirtyYearRoll
        fields = ("unit", "year", "status")


class RollViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """从教30周年名单 of the acting subtree's universities."""

    model = ThirtyYearRoll
    serializer_class = RollSerializer
    filterset_class = RollFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"build": CHANGE_ROLL, "confirm": CHANGE_ROLL, "reopen": CHANGE_ROLL,
                          "issue": services.ISSUE_PERMISSION, "missing": "milestones.view_thirtyyearroll",
                          "roster": "milestones.view_thirtyyearroll"}

    def get_queryset(self):
        return ThirtyYearRoll.objects.select_related("organization").order_by("-year", "organization__path", "id")

    @extend_schema(request=BuildSerializer, responses=RollSerializer(many=True),
                   summary="按会员登记信息生成（或刷新）年度名单：指定高校，或管理范围内的全部高校")
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def build(self, request):
        data = BuildSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = data.validated_data.get("organization")
        if organization is not None:
            rolls = [services.roll_build(organization=organization, year=data.validated_data["year"],
                                         actor=request.user)]
        else:
            rolls = services.rolls_build_year(year=data.validated_data["year"], actor=request.user)
        return Response(RollSerializer(rolls, many=True).data)

    @extend_schema(request=None, responses=RollSerializer, summary="单位确认名单")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        roll = services.roll_confirm(roll=self.get_object(), actor=request.user)
        return Response(RollSerializer(roll).data)

    @extend_schema(request=None, responses=RollSerializer, summary="退回修改（证书颁发前）")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        roll = services.roll_reopen(roll=self.get_object(), actor=request.user)
        return Response(RollSerializer(roll).data)

    @extend_schema(request=IssueSerializer, responses={202: JobStartedSerializer},
                   summary="颁发纪念证书（市教育工会；后台任务，生成每人一份 PDF 和各校名册）")
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def issue(self, request):
        data = IssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = sorted(set(data.validated_data["rolls"]))
        rolls = list(self.get_queryset().filter(pk__in=ids))
        if len(rolls) != len(ids):
            raise ValidationError({"rolls": ["部分名单不存在或不在您的管理范围内。"]})
        job = certificates_issue(rolls=rolls, actor=request.user, organization=acting_organization(request.user))
        url = reverse("jobs:detail", args=[job.pk])
        return Response({"job": str(job.pk), "url": url, "certificates": sum(r.honoree_count for r in rolls)},
                        status=status.HTTP_202_ACCEPTED, headers={"Location": url})

    @extend_schema(responses=MissingDateSerializer(many=True),
                   summary="从教日期缺失的在职会员（请单位核实补录；非教学岗位可忽略）")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def missing(self, request, pk=None):
        roll = self.get_object()
        people = thirty_missing_dates(organization=roll.organization, year=roll.year).only("id", "name", "post")
        return Response(MissingDateSerializer(people[:1000], many=True).data)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY}, summary="下载名册（Excel）")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def roster(self, request, pk=None):
        roll = self.get_object()
        response, rows = xlsx_attachment(lambda handle: roster_write(handle, roll=roll), roster_filename(roll=roll))
        audit_record(actor=request.user, action="milestones.roster_export", target=roll, data={"rows": rows})
        return response


class HonoreeFilter(django_filters.FilterSet):
    roll = django_filters.NumberFilter(field_name="roll_id", label="名单 ID")
    year = django_filters.NumberFilter(field_name="roll__year", label="年度")

    class Meta:
        model = ThirtyYearHonoree
        fields = ("roll", "year")


class HonoreeViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """从教30周年人员 (each with their certificate's code once issued)."""

    model = ThirtyYearHonoree
    serializer_class = HonoreeSerializer
    filterset_class = HonoreeFilter
    lookup_value_regex = DIGITS

    def get_queryset(self):
        return ThirtyYearHonoree.objects.select_related("roll__organization").order_by("roll_id", "name", "id")


class MilestonesRunView(ScopedAPIMixin, APIView):
    """Run a month's milestones now (the beat task does it on the 1st); idempotent."""

    required_permission = "core.change_outboxmessage"

    @extend_schema(request=MilestonesRunSerializer, responses=MilestonesResultSerializer,
                   summary="生成某月的入职/入会纪念日消息（每人一条；重复运行不会重复生成）")
    def post(self, request):
        data = MilestonesRunSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(milestones_run(**data.validated_data))


class OutboxFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OutboxStatus.choices, label="状态")
    channel = django_filters.CharFilter(label="渠道")

    class Meta:
        model = OutboxMessage
        fields = ("status", "channel")


class OutboxViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """消息发件箱 of the acting subtree (by the recipient's unit)."""

    model = OutboxMessage
    serializer_class = OutboxSerializer
    filterset_class = OutboxFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"retry": "core.change_outboxmessage"}

    def get_queryset(self):
        return OutboxMessage.objects.select_related("organization").order_by("-created_at", "-id")

    @extend_schema(request=None, responses=OutboxSerializer, summary="重新发送发送失败的消息")
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        message = self.get_object()
        if message.status != OutboxStatus.FAILED:
            raise ValidationError({"status": ["只有发送失败的消息可以重新发送。"]})
        outbox_retry(message=message, actor=request.user)
        message.refresh_from_db()
        return Response(OutboxSerializer(message).data)
