"""/api/v1/welfare/hardship/… and /api/v1/welfare/love-fund/…: hardship files (listed masked,
every detail read audited), applications (submit, every move, evidence, the applicant's other
aid this year), love funds (donations) and their book; /api/v1/welfare/my-aid/ for a member.

Everything goes through the services; another unit's object is a 404."""

from __future__ import annotations

import django_filters
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ScopedAPIMixin
from apps.core.audit import audit_record
from apps.core.excel import XLSX_CONTENT_TYPE
from apps.organizations.filters import SubtreeFilter

from .. import services
from ..enums import AidKind, ApplicationStatus, EntryKind, FileStatus, HardshipLevel
from ..exporting import applications_xlsx_response, files_xlsx_response
from ..fund import fund_create, fund_donate
from ..models import AidApplication, FundEntry, HardshipFile, LoveFund
from ..selectors import my_aid, other_aid
from .serializers import (
    HardshipAidRowSerializer, HardshipApplicationSerializer, HardshipApplicationSubmitSerializer, HardshipApplicationTransitionSerializer,
    HardshipDonateSerializer, HardshipEntrySerializer, HardshipEvidenceSerializer, HardshipEvidenceUploadSerializer, HardshipFileDetailSerializer,
    HardshipFileListSerializer, HardshipFileOpenSerializer, HardshipFileReviewSerializer, HardshipFileStatusSerializer, HardshipFundCreateSerializer,
    HardshipFundSerializer,
)

DIGITS = r"[0-9]+"
XLSX = {(200, XLSX_CONTENT_TYPE): {"type": "string", "format": "binary"}}


class FileFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=FileStatus.choices)
    level = django_filters.ChoiceFilter(choices=HardshipLevel.choices)
    unit = SubtreeFilter()

    class Meta:
        model = HardshipFile
        fields = ()


class FileViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """困难职工档案 of the acting subtree: names masked in the list; the detail (causes, income,
    reviews) is audited at every read."""

    model = HardshipFile
    serializer_class = HardshipFileListSerializer
    filterset_class = FileFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    # The moves check their own permission in the services (so another unit's file is a 404 first).
    action_permissions = {"review": "hardship.view_hardshipfile", "transition": "hardship.view_hardshipfile",
                          "export": "hardship.view_hardshipfile"}

    def get_queryset(self):
        return HardshipFile.objects.select_related("member", "organization").order_by("organization__path",
                                                                                        "-opened_on", "id")

    @extend_schema(responses=HardshipFileDetailSerializer, summary="档案详情（每次查看记入审计）")
    def retrieve(self, request, *args, **kwargs):
        file = self.get_object()
        services.file_opened(file=file, actor=request.user, via="api")
        return Response(HardshipFileDetailSerializer(file).data)

    @extend_schema(request=HardshipFileOpenSerializer, responses={201: HardshipFileDetailSerializer}, summary="建立困难档案")
    def create(self, request, *args, **kwargs):
        data = HardshipFileOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file = services.file_open(actor=request.user, **data.validated_data)
        return Response(HardshipFileDetailSerializer(file).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HardshipFileReviewSerializer, responses=HardshipFileDetailSerializer, summary="年度复核（不再困难则销档）")
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        file = self.get_object()
        data = HardshipFileReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.file_review(file=file, actor=request.user, **data.validated_data)
        file = self.get_queryset().get(pk=file.pk)
        return Response(HardshipFileDetailSerializer(file).data)

    @extend_schema(request=HardshipFileStatusSerializer, responses=HardshipFileListSerializer, summary="销档或重新建档")
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        file = self.get_object()
        data = HardshipFileStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        file = services.file_transition(file=file, to=data.validated_data["status"], actor=request.user,
                                        reason=data.validated_data["reason"])
        return Response(HardshipFileListSerializer(self.get_queryset().get(pk=file.pk)).data)

    @extend_schema(responses=XLSX, summary="导出档案（Excel，姓名脱敏）")
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        return files_xlsx_response(self.filter_queryset(self.get_queryset()), actor=request.user)


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)
    kind = django_filters.ChoiceFilter(choices=AidKind.choices)
    unit = SubtreeFilter()

    class Meta:
        model = AidApplication
        fields = ()


class ApplicationViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """帮扶申请 of the acting subtree (names masked)."""

    model = AidApplication
    serializer_class = HardshipApplicationSerializer
    filterset_class = ApplicationFilter
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"transition": "hardship.view_aidapplication", "evidence": "hardship.view_aidapplication",
                          "evidence_download": "hardship.view_aidevidence",
                          "other_aid": "hardship.view_aidapplication", "export": "hardship.view_aidapplication"}

    def get_queryset(self):
        return AidApplication.objects.select_related("member", "organization", "fund").order_by("-applied_on", "-id")

    @extend_schema(request=HardshipApplicationSubmitSerializer, responses={201: HardshipApplicationSerializer}, summary="申报帮扶")
    def create(self, request, *args, **kwargs):
        data = HardshipApplicationSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_submit(actor=request.user, **data.validated_data)
        return Response(HardshipApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HardshipApplicationTransitionSerializer, responses=HardshipApplicationSerializer,
                   summary="审核、审批、驳回、生成发放批次")
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        application = self.get_object()
        data = HardshipApplicationTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_transition(application=application, actor=request.user,
                                                      **data.validated_data)
        return Response(HardshipApplicationSerializer(self.get_queryset().get(pk=application.pk)).data)

    @extend_schema(responses=HardshipAidRowSerializer(many=True), summary="申请人本年度已获的其他帮扶与互助金（含其他单位）")
    @action(detail=True, methods=["get"], url_path="other-aid", pagination_class=None, filter_backends=[])
    def other_aid(self, request, pk=None):
        return Response(HardshipAidRowSerializer(other_aid(application=self.get_object()), many=True).data)

    @extend_schema(methods=["GET"], responses=HardshipEvidenceSerializer(many=True), summary="证明材料")
    @extend_schema(methods=["POST"], request={"multipart/form-data": HardshipEvidenceUploadSerializer},
                   responses={201: HardshipEvidenceSerializer}, summary="上传证明材料（PDF/DOCX，10 MB）")
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser], pagination_class=None,
            filter_backends=[])
    def evidence(self, request, pk=None):
        application = self.get_object()
        if request.method == "POST":
            data = HardshipEvidenceUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            evidence = services.application_attach(application=application, upload=data.validated_data["file"],
                                                   actor=request.user)
            return Response(HardshipEvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)
        return Response(HardshipEvidenceSerializer(application.evidence.order_by("id"), many=True).data)

    @extend_schema(responses={(200, "application/octet-stream"): {"type": "string", "format": "binary"}},
                   summary="下载证明材料（记入审计）")
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_id>[0-9]+)/download",
            pagination_class=None, filter_backends=[])
    def evidence_download(self, request, pk=None, evidence_id=None):
        application = self.get_object()
        evidence = get_object_or_404(application.evidence.all(), pk=evidence_id)
        audit_record(actor=request.user, action="hardship.evidence_download", target=application,
                     data={"evidence": evidence.pk})
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)

    @extend_schema(responses=XLSX, summary="导出帮扶申请（Excel，姓名脱敏）")
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        return applications_xlsx_response(self.filter_queryset(self.get_queryset()), actor=request.user)


class FundViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """爱心基金 kept in the acting subtree; donations in through ``donate``."""

    model = LoveFund
    serializer_class = HardshipFundSerializer
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"donate": "hardship.view_lovefund"}  # the service checks hardship.add_fundentry

    def get_queryset(self):
        return LoveFund.objects.select_related("organization").order_by("organization__path")

    @extend_schema(request=HardshipFundCreateSerializer, responses={201: HardshipFundSerializer}, summary="设立爱心基金")
    def create(self, request, *args, **kwargs):
        data = HardshipFundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fund = fund_create(actor=request.user, **data.validated_data)
        return Response(HardshipFundSerializer(fund).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HardshipDonateSerializer, responses={201: HardshipEntrySerializer}, summary="登记捐赠（出具收据编号）")
    @action(detail=True, methods=["post"])
    def donate(self, request, pk=None):
        fund = self.get_object()
        data = HardshipDonateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = fund_donate(fund=fund, actor=request.user, **data.validated_data)
        return Response(HardshipEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class EntryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices)
    fund = django_filters.NumberFilter(field_name="fund_id")

    class Meta:
        model = FundEntry
        fields = ()


class EntryViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """爱心基金收支: the book of donations and grants."""

    model = FundEntry
    serializer_class = HardshipEntrySerializer
    filterset_class = EntryFilter
    lookup_value_regex = DIGITS

    def get_queryset(self):
        return FundEntry.objects.select_related("fund", "donor_unit").order_by("-on_date", "-id")


class MyAidView(ScopedAPIMixin, APIView):
    """我的慰问与帮扶 (aid part): what the member linked to the signed-in user received."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=HardshipAidRowSerializer(many=True), summary="我获得的帮扶与互助金")
    def get(self, request):
        return Response(HardshipAidRowSerializer(my_aid(user=request.user), many=True).data)
