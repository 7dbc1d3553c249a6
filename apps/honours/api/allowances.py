"""/api/v1/allowance-schedules/: city-wide allowance schedules (municipal admin only),
their preview and batch generation for a period, and the yearly report."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from apps.core.api import ScopedAPIMixin

from ..allowance_models import AllowanceKind, AllowanceSchedule
from ..allowances import allowance_generate, allowance_preview, allowance_report, allowance_schedule_create
from ..enums import TitleLevel

VIEW = "honours.view_allowanceschedule"
CHANGE = "honours.change_allowanceschedule"
MONEY = {"max_digits": 12, "decimal_places": 2}


class AllowanceRateSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=TitleLevel.choices)
    amount = serializers.DecimalField(min_value=Decimal("0.01"), **MONEY)


class AllowanceScheduleSerializer(serializers.ModelSerializer):
    rates = AllowanceRateSerializer(many=True)

    class Meta:
        model = AllowanceSchedule
        fields = ("id", "name", "kind", "qualifies_on_roll_only", "requires_beijing_residence", "awarded_in_year",
                  "active", "rates")
        read_only_fields = ("id",)


class AllowancePreviewRowSerializer(serializers.Serializer):
    title = serializers.CharField()
    level = serializers.ChoiceField(choices=TitleLevel.choices)
    amount = serializers.DecimalField(**MONEY)
    count = serializers.IntegerField()
    sum = serializers.DecimalField(**MONEY)


class AllowancePreviewSerializer(serializers.Serializer):
    schedule = serializers.IntegerField()
    period = serializers.CharField()
    already_generated = serializers.BooleanField()
    count = serializers.IntegerField()
    sum = serializers.DecimalField(**MONEY)
    by_title = AllowancePreviewRowSerializer(many=True)


class AllowanceGenerateSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=32)


class AllowanceRunSerializer(serializers.Serializer):
    run = serializers.IntegerField(source="pk")
    period = serializers.CharField()
    batch = serializers.IntegerField(source="batch_id")
    item_count = serializers.IntegerField(source="batch.item_count")
    total_amount = serializers.DecimalField(source="batch.total_amount", **MONEY)


class AllowanceReceiptSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AllowanceKind.choices)
    kind_label = serializers.CharField()
    batch = serializers.IntegerField()
    batch_title = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    status = serializers.CharField()


class AllowanceHolderSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    organization = serializers.CharField()
    received = AllowanceReceiptSerializer(many=True)
    total = serializers.DecimalField(**MONEY)


class AllowanceKindTotalSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AllowanceKind.choices)
    kind_label = serializers.CharField()
    sum = serializers.DecimalField(**MONEY)
    holders = serializers.IntegerField()


class AllowanceGroupSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    holders = serializers.IntegerField()
    sum = serializers.DecimalField(**MONEY)


class AllowanceReportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    heading = serializers.CharField(help_text="报表标题：仅统计发放完成批次中已到账的明细")
    holders = AllowanceHolderSerializer(many=True)
    totals_by_kind = AllowanceKindTotalSerializer(many=True)
    groups = AllowanceGroupSerializer(many=True)
    total = serializers.DecimalField(**MONEY)


class AllowanceScheduleViewSet(
    ScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Allowance schedules: global data of the municipal admin; everyone else is refused."""

    model = AllowanceSchedule
    serializer_class = AllowanceScheduleSerializer
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"preview": VIEW, "generate_batch": CHANGE, "report": VIEW}

    def get_queryset(self):
        return AllowanceSchedule.objects.prefetch_related("rates").order_by("kind", "name")

    def create(self, request, *args, **kwargs):
        data = AllowanceScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        rates = {row["level"]: row["amount"] for row in values.pop("rates")}
        schedule = allowance_schedule_create(actor=request.user, rates=rates, **values)
        return Response(AllowanceScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("period", str, required=True, description="期间，如 2026 或 2026-春节")],
                   responses=AllowancePreviewSerializer)
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None, **kwargs):
        """What generating a batch for the period would create: count, sum, by title."""
        schedule = self.get_object()
        result = allowance_preview(schedule, request.query_params.get("period", ""))
        return Response(AllowancePreviewSerializer(result).data)

    @extend_schema(request=AllowanceGenerateSerializer, responses={201: AllowanceRunSerializer})
    @action(detail=True, methods=["post"], url_path="generate-batch")
    def generate_batch(self, request, pk=None, **kwargs):
        """Generate the payments batch (a draft of the municipal union) for the period; once per period."""
        schedule = self.get_object()
        data = AllowanceGenerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = allowance_generate(schedule=schedule, period=data.validated_data["period"], actor=request.user)
        return Response(AllowanceRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True, description="年度")],
                   responses=AllowanceReportSerializer, summary="年度已发放金额报表（仅统计发放完成批次中已到账的明细）")
    @action(detail=False, methods=["get"])
    def report(self, request, **kwargs):
        """Per holder what they were paid in the year (paid items of completed batches only), and totals per kind."""
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError as exc:
            raise ValidationError({"year": ["请填写年度（整数）。"]}) from exc
        return Response(AllowanceReportSerializer(allowance_report(year)).data)
