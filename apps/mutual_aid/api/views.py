"""/api/v1/welfare/mutual-aid/…: plans (the municipal admin edits figures), enrolments (from a
member query, an Excel list, the model workers automatically; export), claims (file, every
move, evidence; export). Everything goes through the services; another unit's object is a 404."""

from __future__ import annotations

import django_filters
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.core.api import ScopedAPIMixin
from apps.core.audit import audit_record
from apps.core.excel import XLSX_CONTENT_TYPE
from apps.members.models import Member
from apps.organizations.filters import SubtreeFilter

from .. import services
from ..enums import ClaimStatus
from ..exporting import claims_xlsx_response, enrolments_xlsx_response
from ..importing import import_enrolments
from ..models import Claim, Enrolment, Plan
from .serializers import (
    MutualAidClaimFileSerializer, MutualAidClaimSerializer, MutualAidClaimTransitionSerializer, MutualAidEnrolCountSerializer, MutualAidEnrolImportSerializer,
    MutualAidEnrolmentSerializer, MutualAidEnrolQuerySerializer, MutualAidEvidenceSerializer, MutualAidEvidenceUploadSerializer, MutualAidImportReportSerializer,
    MutualAidModelWorkersSerializer, MutualAidPlanSerializer, MutualAidPlanWriteSerializer,
)

DIGITS = r"[0-9]+"
XLSX = {(200, XLSX_CONTENT_TYPE): {"type": "string", "format": "binary"}}


class PlanViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The plans (city-wide data)."""

    model = Plan
    serializer_class = MutualAidPlanSerializer
    queryset = Plan.objects.order_by("rank", "code")
    lookup_value_regex = DIGITS
    pagination_class = None
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(request=MutualAidPlanWriteSerializer, responses=MutualAidPlanSerializer, summary="修改计划的缴费、给付标准与上限")
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        data = MutualAidPlanWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(MutualAidPlanSerializer(services.plan_update(plan=plan, actor=request.user,
                                                            **data.validated_data)).data)


class EnrolmentFilter(django_filters.FilterSet):
    plan = django_filters.CharFilter(field_name="plan__code", label="计划编码")
    year = django_filters.NumberFilter()
    unit = SubtreeFilter()

    class Meta:
        model = Enrolment
        fields = ()


class EnrolmentViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """参保登记 of the acting subtree."""

    model = Enrolment
    serializer_class = MutualAidEnrolmentSerializer
    filterset_class = EnrolmentFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"import_list": services.ENROL_PERMISSION, "model_workers": services.ENROL_PERMISSION,
                          "export": "mutual_aid.view_enrolment"}

    def get_queryset(self):
        return Enrolment.objects.select_related("plan", "member", "organization").order_by(
            "-year", "plan__rank", "organization__path", "id")

    @extend_schema(request=MutualAidEnrolQuerySerializer, responses={201: MutualAidEnrolCountSerializer},
                   summary="按条件参保（单位及下级的在会会员；已参保者不重复）")
    def create(self, request, *args, **kwargs):
        data = MutualAidEnrolQuerySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        members = Member.objects.all()
        if args["employment_type"]:
            members = members.filter(employment_type=args["employment_type"])
        count = services.enrol_members(plan=args["plan"], year=args["year"], organization=args["unit"],
                                       members=members, actor=request.user)
        return Response({"enrolled": count}, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": MutualAidEnrolImportSerializer}, responses=MutualAidImportReportSerializer,
                   summary="Excel 名单参保（全部无误才导入，错误按行列列出）")
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_list(self, request):
        data = MutualAidEnrolImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        report = import_enrolments(args["file"], plan=args["plan"], year=args["year"], organization=args["unit"],
                                   actor=request.user, dry_run=args["dry_run"])
        return Response(report.as_dict(), status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)

    @extend_schema(request=MutualAidModelWorkersSerializer, responses=MutualAidEnrolCountSerializer,
                   summary="荣誉名册在册劳模自动参加专项互助保障（可重复执行）")
    @action(detail=False, methods=["post"], url_path="model-workers")
    def model_workers(self, request):
        data = MutualAidModelWorkersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response({"enrolled": services.enrol_model_workers(year=data.validated_data["year"],
                                                                  actor=request.user)})

    @extend_schema(responses=XLSX, summary="导出参保名单（Excel）")
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        return enrolments_xlsx_response(self.filter_queryset(self.get_queryset()), actor=request.user)


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices)
    plan = django_filters.CharFilter(field_name="plan__code", label="计划编码")
    year = django_filters.NumberFilter()
    unit = SubtreeFilter()

    class Meta:
        model = Claim
        fields = ()


class ClaimViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """互助金申请 of the acting subtree."""

    model = Claim
    serializer_class = MutualAidClaimSerializer
    filterset_class = ClaimFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"transition": "mutual_aid.view_claim", "evidence": "mutual_aid.view_claim",
                          "evidence_download": "mutual_aid.view_claimevidence", "export": "mutual_aid.view_claim"}

    def get_queryset(self):
        return Claim.objects.select_related("plan", "member", "organization").order_by("-event_date", "-id")

    @extend_schema(request=MutualAidClaimFileSerializer, responses={201: MutualAidClaimSerializer},
                   summary="申报互助金（按计划规则计算并按年度上限封顶）")
    def create(self, request, *args, **kwargs):
        data = MutualAidClaimFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_file(actor=request.user, **data.validated_data)
        return Response(MutualAidClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MutualAidClaimTransitionSerializer, responses=MutualAidClaimSerializer,
                   summary="审核、审批、驳回、生成发放批次")
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        claim = self.get_object()
        data = MutualAidClaimTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_transition(claim=claim, actor=request.user, **data.validated_data)
        return Response(MutualAidClaimSerializer(self.get_queryset().get(pk=claim.pk)).data)

    @extend_schema(methods=["GET"], responses=MutualAidEvidenceSerializer(many=True), summary="证明材料")
    @extend_schema(methods=["POST"], request={"multipart/form-data": MutualAidEvidenceUploadSerializer},
                   responses={201: MutualAidEvidenceSerializer}, summary="上传证明材料（PDF/DOCX，10 MB）")
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser], pagination_class=None,
            filter_backends=[])
    def evidence(self, request, pk=None):
        claim = self.get_object()
        if request.method == "POST":
            data = MutualAidEvidenceUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            evidence = services.claim_attach(claim=claim, upload=data.validated_data["file"], actor=request.user)
            return Response(MutualAidEvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)
        return Response(MutualAidEvidenceSerializer(claim.evidence.order_by("id"), many=True).data)

    @extend_schema(responses={(200, "application/octet-stream"): {"type": "string", "format": "binary"}},
                   summary="下载证明材料（记入审计）")
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_id>[0-9]+)/download",
            pagination_class=None, filter_backends=[])
    def evidence_download(self, request, pk=None, evidence_id=None):
        claim = self.get_object()
        evidence = get_object_or_404(claim.evidence.all(), pk=evidence_id)
        audit_record(actor=request.user, action="mutual_aid.evidence_download", target=claim,
                     data={"evidence": evidence.pk})
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)

    @extend_schema(responses=XLSX, summary="导出互助金申请（Excel）")
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        return claims_xlsx_response(self.filter_queryset(self.get_queryset()), actor=request.user)
