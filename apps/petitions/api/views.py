"""/api/v1/petitions/…: cases (receive, read, every move, reveal, history, attachments),
the work queue, the rates (+ Excel), categories and the 12351 accounts register.

Everything goes through the services; outside the acting scope an object is a 404; ids
that are not numbers do not route (404)."""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ScopedAPIMixin
from apps.core.excel import XLSX_CONTENT_TYPE
from apps.organizations.filters import SubtreeFilter

from .. import services
from ..deadlines import deadlines_for
from ..enums import AccountStatus, CaseKind, CaseStatus, Source, Urgency, WarningKind, WarningLevel
from ..exporting import rates_xlsx_response
from ..models import Case, Category, PlatformAccount
from ..selectors import GROUPS, accounts_to_review, case_rates, work_queue
from .serializers import (
    AccountReviewSerializer, AccountSerializer, AccountStatusSerializer, AccountWriteSerializer,
    AttachmentSerializer, AttachmentUploadSerializer, CaseEventSerializer, CaseReceiveSerializer, CaseSerializer,
    CategorySerializer, RateSerializer, PetitionRevealedSerializer, PetitionRevealSerializer, TransitionSerializer,
    WorkQueueSerializer,
)

DIGITS = r"[0-9]+"


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    source = django_filters.ChoiceFilter(choices=Source.choices)
    order_no = django_filters.CharFilter()
    category = django_filters.CharFilter(field_name="category__code", label="分类编码")
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices)
    warning_kind = django_filters.ChoiceFilter(choices=WarningKind.choices)
    warning_level = django_filters.ChoiceFilter(choices=WarningLevel.choices)
    unit = SubtreeFilter()

    class Meta:
        model = Case
        fields = ()


class CaseViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases of the acting subtree (responsible unit), petitioner masked. ``?ordering=deadline``
    sorts the open ones by remaining working time; ``?due_within_hours=N`` keeps those due
    within N working hours (or overdue)."""

    model = Case
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"create": services.DISPATCH_PERMISSION, "transition": "petitions.view_case",
                          "reveal": "petitions.view_case", "events": "petitions.view_caseevent",
                          "attachments": "petitions.view_caseattachment"}

    def get_queryset(self):
        return Case.objects.select_related("organization", "petitioner_unit", "category").order_by(
            "-received_at", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "deadlines": getattr(self, "_deadlines", {})}

    @extend_schema(parameters=[
        OpenApiParameter("ordering", str, enum=["deadline"], description="deadline：按剩余工作时间排序（仅办理中的工单）"),
        OpenApiParameter("due_within_hours", int, description="只列出剩余工作时间不超过 N 小时（含已超期）的工单"),
    ])
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        ordering = request.query_params.get("ordering", "")
        within = request.query_params.get("due_within_hours", "")
        if ordering not in ("", "deadline"):
            raise serializers.ValidationError({"ordering": ["只能按 deadline 排序。"]})
        if within and not within.isdigit():
            raise serializers.ValidationError({"due_within_hours": ["应为非负整数。"]})
        if ordering or within:
            cases = list(queryset.filter(status__in=[CaseStatus.DISPATCHED, CaseStatus.SIGNED, CaseStatus.HANDLING]))
            self._deadlines = deadlines_for(cases)
            keyed = [(self._deadlines[c.pk].remaining_seconds, c) for c in cases]
            if within:
                keyed = [(r, c) for r, c in keyed if r is not None and r <= int(within) * 3600]
            keyed.sort(key=lambda rc: (rc[0] is None, rc[0] or 0))
            rows = [c for _, c in keyed]
        else:
            rows = queryset
        page = self.paginate_queryset(rows)
        if not (ordering or within):
            self._deadlines = deadlines_for(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        services.case_opened(case=case, actor=request.user, via="api")
        self._deadlines = deadlines_for([case])
        return Response(self.get_serializer(case).data)

    @extend_schema(request=CaseReceiveSerializer, responses={201: CaseSerializer, 200: CaseSerializer},
                   summary="受理工单（同一来源的同一平台工单号只登记一次）")
    def create(self, request, *args, **kwargs):
        data = CaseReceiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case, created = services.case_receive(actor=request.user, **data.validated_data)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=TransitionSerializer, responses=CaseSerializer,
                   summary="办理操作：派单、签收、办理、答复、办结、回访、退单、延期、暂停/恢复、重办、督办")
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        case = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_transition(case=case, actor=request.user, **data.validated_data)
        self._deadlines = deadlines_for([case])
        return Response(self.get_serializer(case).data)

    @extend_schema(request=PetitionRevealSerializer, responses=PetitionRevealedSerializer, summary="查看诉求人完整信息（须填写原因，记入审计）")
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        case = self.get_object()
        data = PetitionRevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(services.case_reveal(case=case, actor=request.user, reason=data.validated_data["reason"]))

    @extend_schema(responses=CaseEventSerializer(many=True), summary="办理记录（全部历史）")
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        case = self.get_object()
        return Response(CaseEventSerializer(case.events.select_related("actor", "organization"), many=True).data)

    @extend_schema(methods=["GET"], responses=AttachmentSerializer(many=True), summary="附件列表")
    @extend_schema(methods=["POST"], request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer}, summary="上传附件（PDF/DOCX，10 MB）")
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        case = self.get_object()
        if request.method == "POST":
            data = AttachmentUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            attachment = services.case_attach(case=case, upload=data.validated_data["file"], actor=request.user)
            return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
        return Response(AttachmentSerializer(case.attachments.order_by("id"), many=True).data)


class WorkQueueView(ScopedAPIMixin, APIView):
    """The acting unit's 待签收 / 待办理 / 即将超期, soonest deadline first."""

    required_permission = "petitions.view_case"

    @extend_schema(responses=WorkQueueSerializer)
    def get(self, request):
        queue = work_queue()
        deadlines = {}
        context = {"deadlines": deadlines}
        for entries in queue.values():
            for e in entries:
                deadlines[e.case.pk] = deadlines_for([e.case])[e.case.pk]
        return Response(WorkQueueSerializer(queue, context=context).data)


def _rate_args(request) -> dict:
    by = tuple(g for g in request.query_params.get("by", "unit").split(",") if g)
    errors = {}
    if set(by) - set(GROUPS):
        errors["by"] = ["分组只能是 unit、month、category 的组合。"]
    dates = {}
    for name in ("start", "end"):
        value = request.query_params.get(name, "")
        if value:
            field = serializers.DateField()
            try:
                dates[name] = field.to_internal_value(value)
            except serializers.ValidationError:
                errors[name] = ["日期格式应为 YYYY-MM-DD。"]
    if errors:
        raise serializers.ValidationError(errors)
    return {"by": by, **dates}


RATE_PARAMS = [OpenApiParameter("by", str, description="分组：unit、month、category 的组合，逗号分隔（默认 unit）"),
               OpenApiParameter("start", OpenApiTypes.DATE, description="受理日期起（含）"),
               OpenApiParameter("end", OpenApiTypes.DATE, description="受理日期止（不含）")]


class RatesView(ScopedAPIMixin, APIView):
    """响应率、解决率、满意率、办结率、平均答复用时、超期件数 for the acting subtree."""

    required_permission = "petitions.view_case"

    @extend_schema(parameters=RATE_PARAMS, responses=RateSerializer(many=True))
    def get(self, request):
        return Response([r.as_dict() for r in case_rates(**_rate_args(request))])


class RatesExportView(ScopedAPIMixin, APIView):
    required_permission = "petitions.view_case"

    @extend_schema(parameters=RATE_PARAMS, responses={(200, XLSX_CONTENT_TYPE): {"type": "string", "format": "binary"}})
    def get(self, request):
        args = _rate_args(request)
        return rates_xlsx_response(case_rates(**args), by=args["by"], actor=request.user)


class CategoryViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The category tree (city-wide data)."""

    model = Category
    serializer_class = CategorySerializer
    queryset = Category.objects.select_related("parent").order_by("rank", "code")
    lookup_value_regex = DIGITS
    pagination_class = None


class AccountFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AccountStatus.choices)
    unit = SubtreeFilter()

    class Meta:
        model = PlatformAccount
        fields = ()


class AccountViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The 12351 platform accounts of the acting subtree (phones masked)."""

    model = PlatformAccount
    serializer_class = AccountSerializer
    filterset_class = AccountFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"status": "petitions.change_platformaccount", "review": "petitions.view_platformaccount"}

    def get_queryset(self):
        return PlatformAccount.objects.select_related("organization").order_by("organization__path", "holder_name")

    @extend_schema(request=AccountWriteSerializer, responses={201: AccountSerializer}, summary="登记平台账号")
    def create(self, request, *args, **kwargs):
        data = AccountWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = services.account_register(actor=request.user, **data.validated_data)
        return Response(AccountSerializer(account).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AccountStatusSerializer, responses=AccountSerializer, summary="停用、注销或恢复账号")
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        account = self.get_object()
        data = AccountStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = services.account_set_status(account=account, actor=request.user, **data.validated_data)
        return Response(AccountSerializer(account).data)

    @extend_schema(responses=AccountReviewSerializer(many=True), summary="人员调整核对：持有人已调离或离会的账号")
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def review(self, request):
        rows = [{"account": a, "reason": why} for a, why in accounts_to_review()]
        return Response(AccountReviewSerializer(rows, many=True).data)


