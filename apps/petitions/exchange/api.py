"""/api/v1/petitions/platform/…: the 12351 order-list template, the import (all or nothing;
a job above ``SYNC_MAX_ROWS`` rows) and the export of replies and closure results in the
platform's layout (masked; revealed only with the permission and an audited reason).
Municipal staff only (``petitions.dispatch_case``)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.acting import acting_organization
from apps.core.api import ScopedAPIMixin
from apps.core.excel import XLSX_CONTENT_TYPE
from apps.core.importing import uploads
from apps.core.importing.admin_flow import template_download
from apps.core.importing.sheet import MAX_UPLOAD_BYTES

from .. import services
from ..enums import Source
from . import jobs
from .columns import TEMPLATE_NAME, write_template
from .exporting import platform_results_response
from .importing import import_orders_file

XLSX = {(200, XLSX_CONTENT_TYPE): {"type": "string", "format": "binary"}}
SHOWN_ERRORS = 50


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="12351 平台导出的工单列表（.xlsx，列布局见模板）")
    dry_run = serializers.BooleanField(default=False, help_text="只校验、不写入")

    def validate_file(self, upload):
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(f"文件过大：不能超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB。")
        if not upload.name.lower().endswith(".xlsx"):
            raise serializers.ValidationError("请上传 .xlsx 格式的 Excel 文件。")
        return upload


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="表格行号（标题为第 1 行；0 表示整个文件）")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    existing = serializers.IntegerField(help_text="已登记的工单（跳过，不作改动）")
    dry_run = serializers.BooleanField()
    ok = serializers.BooleanField()
    bad_rows = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)
    errors_truncated = serializers.BooleanField()


class ImportFailedSerializer(serializers.Serializer):
    file = serializers.ListField(child=serializers.CharField(), help_text="中文错误说明（前 50 处）")
    errors = ImportErrorSerializer(many=True, required=False, help_text="文件内容有误时：逐行逐列的错误")


class ImportJobSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    rows = serializers.IntegerField()
    status_url = serializers.CharField()


class ExportSerializer(serializers.Serializer):
    start = serializers.DateField(required=False, allow_null=True, default=None, help_text="受理日期起（含）")
    end = serializers.DateField(required=False, allow_null=True, default=None, help_text="受理日期止（不含）")
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=8,
                                   help_text="来源：12351 或 12345（默认全部平台）")
    reveal = serializers.BooleanField(default=False, help_text="导出完整联系电话和身份证号（须有权限，记入审计）")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    def validate_source(self, value):
        if value not in ("", Source.P12351.value, Source.P12345.value):
            raise serializers.ValidationError("来源应为 12351 或 12345。")
        return value

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["截止日期应晚于起始日期。"]})
        return attrs


class PlatformTemplateView(ScopedAPIMixin, APIView):
    required_permission = services.DISPATCH_PERMISSION

    @extend_schema(responses=XLSX, summary="下载 12351 平台工单模板（平台的列布局）")
    def get(self, request):
        return template_download(write_template, TEMPLATE_NAME)


class PlatformImportView(ScopedAPIMixin, APIView):
    required_permission = services.DISPATCH_PERMISSION
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer},
                   responses={200: ImportReportSerializer, 202: ImportJobSerializer, 400: ImportFailedSerializer},
                   summary="导入 12351 平台工单（全部校验通过才写入；同一工单编号只登记一次；大文件转后台任务）")
    def post(self, request):
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload, dry_run = data.validated_data["file"], data.validated_data["dry_run"]
        report = import_orders_file(upload, actor=request.user, dry_run=True)
        if report.ok and not dry_run:
            if report.rows > jobs.SYNC_MAX_ROWS:
                name = uploads.claim(uploads.store(upload))
                job = jobs.start_import_job(name=name, filename=upload.name[:200], rows=report.rows,
                                            organization=acting_organization(request.user), actor=request.user)
                return Response({"job": job.pk, "rows": report.rows, "status_url": f"/jobs/{job.pk}/status/"},
                                status=status.HTTP_202_ACCEPTED)
            upload.seek(0)
            report = import_orders_file(upload, actor=request.user)
        if not report.ok:
            lines = report.lines(SHOWN_ERRORS)
            if len(report.errors) > SHOWN_ERRORS:
                lines.append(f"……另有 {len(report.errors) - SHOWN_ERRORS} 处错误未列出。")
            # the API's error shape (messages beside the field "file"), plus every error by row and column
            return Response({"file": [f"导入失败：{report.rows} 行中有 {report.bad_rows} 行有误，未写入任何数据。",
                                      *lines], "errors": [e.as_dict() for e in report.errors[:1000]]},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(report.as_dict())


class PlatformExportView(ScopedAPIMixin, APIView):
    required_permission = services.DISPATCH_PERMISSION
    parser_classes = [JSONParser]

    @extend_schema(parameters=[
        OpenApiParameter("start", OpenApiTypes.DATE, description="受理日期起（含）"),
        OpenApiParameter("end", OpenApiTypes.DATE, description="受理日期止（不含）"),
        OpenApiParameter("source", str, enum=["12351", "12345"], description="来源（默认全部平台）")],
        responses=XLSX, summary="导出办理结果（平台列布局，联系电话、身份证号脱敏）")
    def get(self, request):
        data = ExportSerializer(data={k: v for k, v in request.query_params.items()
                                      if k in ("start", "end", "source")})
        data.is_valid(raise_exception=True)
        return platform_results_response(actor=request.user, **{**data.validated_data, "reveal": False})

    @extend_schema(request=ExportSerializer, responses=XLSX,
                   summary="导出办理结果；reveal=true 时导出完整联系电话和身份证号（须有查看权限并填写原因，记入审计）")
    def post(self, request):
        data = ExportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return platform_results_response(actor=request.user, **data.validated_data)

