from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.core.api import ScopedAPIMixin
from apps.core.excel import XLSX_CONTENT_TYPE

from ..filters import MemberFilter
from ..models import Member
from ..selectors import members_of_acting_units
from ..services import member_change_status, member_create, member_reveal, member_transfer, member_update
from .serializers import (
    MemberSerializer,
    MemberUpdateSerializer,
    MemberWriteSerializer,
    RevealedSerializer,
    RevealSerializer,
    StatusSerializer,
    TransferSerializer,
)


EXPORT_RESPONSES = {
    (200, XLSX_CONTENT_TYPE): {"type": "string", "format": "binary"},
    202: {"type": "object", "properties": {"job": {"type": "string", "format": "uuid"},
                                           "url": {"type": "string"}, "rows": {"type": "integer"}}},
}


class MemberViewSet(
    ScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Members of the acting subtree, personal data masked. Outside the scope is a 404."""

    model = Member
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {
        "reveal": "members.view_member",  # the service requires the reveal permission and audits
        "change_status": "members.change_member",
        "transfer": "members.change_member",
        "export": "members.view_member",
        "export_reveal": "members.view_member",  # and the reveal permission (checked in the action)
    }

    def get_queryset(self):
        # the index member_list_order matches this order, so deep pages stay cheap; the units'
        # ids let a page walk it (see members_of_acting_units)
        if self.action != "list":
            return Member.objects.select_related("organization", "branch").order_by("organization_id", "name", "id")
        return members_of_acting_units().select_related("organization", "branch").order_by(
            "organization_id", "name", "id")

    @extend_schema(request=MemberWriteSerializer, responses=MemberSerializer)
    def create(self, request, *args, **kwargs):
        data = MemberWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = member_create(actor=request.user, **data.validated_data)
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MemberUpdateSerializer, responses=MemberSerializer)
    def partial_update(self, request, *args, **kwargs):
        member = self.get_object()
        data = MemberUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        member = member_update(member=member, actor=request.user, **data.validated_data)
        return Response(MemberSerializer(member).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=RevealSerializer, responses=RevealedSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None, **kwargs):
        """The full ID, phone and account; needs the reveal permission; audited with the reason."""
        member = self.get_object()
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            values = member_reveal(member=member, actor=request.user, reason=data.validated_data["reason"])
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        response = Response(values)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=StatusSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None, **kwargs):
        member = self.get_object()
        data = StatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = member_change_status(member=member, to_status=data.validated_data["status"], actor=request.user,
                                      reason=data.validated_data["reason"])
        return Response(MemberSerializer(member).data)

    @extend_schema(request=TransferSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None, **kwargs):
        """Transfer out of this unit into another grassroots union (any in the city)."""
        member = self.get_object()
        data = TransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = member_transfer(member=member, actor=request.user, **data.validated_data)
        return Response({"id": target.pk, "organization": target.organization.code}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="导出 Excel（当前筛选条件，脱敏）",
        filters=True,
        description="与列表相同的筛选条件与范围；身份证号、手机号、银行账号一律脱敏（完整信息请用 POST export/reveal/）。"
                    "不超过 MEMBER_EXPORT_SYNC_LIMIT 行直接返回文件，更多时返回 202 与后台任务地址。",
        responses=EXPORT_RESPONSES,
    )
    @action(detail=False, methods=["get"])
    def export(self, request, **kwargs):
        """The filtered list as xlsx, always masked; a big result is exported by a background
        job (202 with the job page)."""
        return self._export(request, reveal=False, reason="")

    @extend_schema(
        summary="导出 Excel（完整个人信息）",
        filters=True,
        request=RevealSerializer,
        description="与 GET export/ 相同的筛选条件（查询参数）；需“查看完整个人信息”权限，须填写原因，记入审计日志。",
        responses=EXPORT_RESPONSES,
    )
    @action(detail=False, methods=["post"], url_path="export/reveal")
    def export_reveal(self, request, **kwargs):
        """The filtered list as xlsx with full ID, phone and account: a POST with a reason, for
        holders of the reveal permission; audited (and a job's file is its starter's only)."""
        from ..services import REVEAL_PERMISSION

        if not request.user.has_perm(REVEAL_PERMISSION):
            raise PermissionDenied("您没有导出完整个人信息的权限。")
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._export(request, reveal=True, reason=data.validated_data["reason"])

    def _export(self, request, *, reveal: bool, reason: str):
        from django.urls import reverse

        from ..export_jobs import start_member_export
        from ..exporting import acting_unit, export_filename, record_export, sync_limit, xlsx_response

        queryset = self.filter_queryset(self.get_queryset())
        filters = {k: v for k, v in request.query_params.items() if k not in ("reveal", "format")}
        rows = queryset.count()
        if rows > sync_limit():
            try:
                job = start_member_export(user=request.user, reveal=reveal, source="api", filters=filters,
                                          reason=reason)
            except DjangoPermissionDenied as exc:
                raise PermissionDenied(str(exc)) from exc
            url = reverse("jobs:detail", args=[job.pk])
            return Response({"job": str(job.pk), "url": url, "rows": rows}, status=status.HTTP_202_ACCEPTED,
                            headers={"Location": url})
        unit = acting_unit(request.user)
        response, written = xlsx_response(queryset, filename=export_filename(unit), reveal=reveal)
        record_export(actor=request.user, organization=unit, reveal=reveal, rows=written, via="api",
                      filters=filters, reason=reason)
        if reveal:
            response["Cache-Control"] = "no-store"
        return response
