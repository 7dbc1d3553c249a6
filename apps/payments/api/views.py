from __future__ import annotations


from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.accounts.acting import acting_organization
from apps.accounts.middleware import LOGIN_AT
from apps.core.api import ScopedAPIMixin
from apps.core.excel import XLSX_CONTENT_TYPE
from apps.members.api.serializers import RevealSerializer as RevealReasonSerializer

from .. import exporting, services
from ..models import PaymentBatch, PaymentItem
from .serializers import (
    ApproveSerializer,
    CancelSerializer,
    ItemsAddSerializer,
    PaymentBatchCreateSerializer,
    PaymentBatchSerializer,
    PaymentItemSerializer,
    ReissueSerializer,
    ReturnFileSerializer,
)

XLSX_RESPONSE = {(200, XLSX_CONTENT_TYPE): {
    "type": "string", "format": "binary"}}

MAKER = "payments.change_paymentbatch"


class PaymentBatchViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Payment batches of the acting subtree. Every change is a service call; outside the scope is a 404."""

    model = PaymentBatch
    serializer_class = PaymentBatchSerializer
    filterset_fields = ("status", "purpose")
    parser_classes = (JSONParser, FormParser, MultiPartParser)
    action_permissions = {
        "items": "payments.view_paymentitem",  # POST also needs add_paymentitem (checked below)
        "submit": MAKER,
        "cancel": MAKER,
        "approve": services.APPROVE_PERMISSION,
        "disburse": "payments.disburse_paymentbatch",
        "return_file": "payments.disburse_paymentbatch",
        "reissue": MAKER,
        "export": "payments.view_paymentbatch",
        "export_items": "payments.view_paymentitem",
        "export_items_reveal": "payments.view_paymentitem",  # and the reveal permission (the service checks)
    }

    def get_queryset(self):
        return (PaymentBatch.objects.select_related("organization", "created_by", "job")
                .annotate(approval_count=Count("approvals", distinct=True)).order_by("-created_at", "-id"))

    def _done(self, batch, code=status.HTTP_200_OK):
        return Response(PaymentBatchSerializer(self.get_queryset().get(pk=batch.pk)).data, status=code)

    @extend_schema(request=PaymentBatchCreateSerializer, responses=PaymentBatchSerializer)
    def create(self, request, *args, **kwargs):
        data = PaymentBatchCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = data.validated_data.get("organization") or acting_organization(request.user)
        batch = services.payment_batch_create(organization=organization, title=data.validated_data["title"],
                                              purpose=data.validated_data["purpose"], actor=request.user)
        return self._done(batch, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=PaymentItemSerializer(many=True))
    @extend_schema(methods=["POST"], request=ItemsAddSerializer, responses=PaymentBatchSerializer)
    @action(detail=True, methods=["get", "post"])
    def items(self, request, pk=None, **kwargs):
        """GET: the items (accounts masked). POST: bulk add to a draft — ``items`` [{member, amount}] or
        ``members`` (a member query) with ``amount`` or ``amount_by_category``."""
        batch = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(PaymentItem.objects.filter(batch=batch).select_related("member"))
            return self.get_paginated_response(PaymentItemSerializer(page, many=True).data)
        if not request.user.has_perm("payments.add_paymentitem"):
            raise PermissionDenied("您没有添加发放明细的权限。")
        data = ItemsAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values.get("items"):
            services.payment_batch_add_member_ids(
                batch=batch, items=[(i["member"], i["amount"]) for i in values["items"]], actor=request.user)
        else:
            query = values["members"]
            members = services.payment_members_select(
                unit_code=query.get("unit"), teaching_years_at_least=query.get("teaching_years_at_least"),
                employment_type=query.get("employment_type"))
            services.payment_batch_from_members(
                batch=batch, members=members, actor=request.user,
                amount=values.get("amount"), amount_by_category=values.get("amount_by_category"))
        return self._done(batch, status.HTTP_201_CREATED)

    def _service(self, func, **kwargs):
        batch = self.get_object()
        result = func(batch=batch, actor=self.request.user, **kwargs)
        return self._done(batch if not isinstance(result, PaymentBatch) else result)

    @extend_schema(request=None, responses=PaymentBatchSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, **kwargs):
        return self._service(services.payment_batch_submit)

    @extend_schema(request=CancelSerializer, responses=PaymentBatchSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._service(services.payment_batch_cancel, reason=data.validated_data.get("reason", ""))

    @extend_schema(request=ApproveSerializer, responses=PaymentBatchSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, **kwargs):
        """Approve (four eyes): the password again, unless this session logged in within 5 minutes."""
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        logged_in_at = None
        session = getattr(request._request, "session", None)
        if request.auth is None and session is not None:  # a session, not a token
            logged_in_at = session.get(LOGIN_AT)
        return self._service(services.payment_batch_approve, password=data.validated_data.get("password") or None,
                             logged_in_at=logged_in_at)

    @extend_schema(request=None, responses=PaymentBatchSerializer)
    @action(detail=True, methods=["post"])
    def disburse(self, request, pk=None, **kwargs):
        """Start paying (a background job; the same request twice starts one job)."""
        batch = self.get_object()
        services.payment_batch_disburse(batch=batch, actor=request.user)
        return self._done(batch, status.HTTP_202_ACCEPTED)

    @extend_schema(request={"multipart/form-data": ReturnFileSerializer}, responses={200: dict})
    @action(detail=True, methods=["post"], url_path="return-file")
    def return_file(self, request, pk=None, **kwargs):
        """Import the bank's return file: settles items, reports unmatched lines."""
        batch = self.get_object()
        data = ReturnFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError({"file": ["文件过大。"]})
        report = services.payment_batch_import_return_file(batch=batch, name=upload.name, data=upload.read(),
                                                           actor=request.user)
        return Response(report)



    @extend_schema(request=ReissueSerializer, responses={201: PaymentBatchSerializer})
    @action(detail=True, methods=["post"])
    def reissue(self, request, pk=None, **kwargs):
        """Re-issue the failed items (not yet re-issued) into a new draft batch; 201 with the new batch."""
        batch = self.get_object()
        data = ReissueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = services.payment_batch_reissue_failed(batch=batch, actor=request.user,
                                                    title=data.validated_data.get("title", ""))
        return self._done(new, status.HTTP_201_CREATED)

    @extend_schema(summary="导出发放明细（Excel，脱敏）", filters=False, responses=XLSX_RESPONSE)
    @action(detail=True, methods=["get"], url_path="items/export")
    def export_items(self, request, pk=None, **kwargs):
        """The batch's items as xlsx: ID and bank account masked (full accounts: POST items/export/reveal/)."""
        batch = self.get_object()
        return exporting.items_export_response(batch=batch, actor=request.user, reveal=False, via="api")

    @extend_schema(summary="导出发放明细（Excel，完整银行账号）", filters=False, request=RevealReasonSerializer,
                   responses=XLSX_RESPONSE,
                   description="需“查看完整个人信息”权限，须填写原因，记入审计日志。")
    @action(detail=True, methods=["post"], url_path="items/export/reveal")
    def export_items_reveal(self, request, pk=None, **kwargs):
        """The batch's items with full bank accounts: a POST with a reason, for holders of the
        reveal permission; audited."""
        batch = self.get_object()
        data = RevealReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            return exporting.items_export_response(batch=batch, actor=request.user, reveal=True, via="api",
                                                   reason=data.validated_data["reason"])
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc

    @extend_schema(summary="导出发放批次（Excel，当前筛选条件）", filters=True, responses=XLSX_RESPONSE)
    @action(detail=False, methods=["get"])
    def export(self, request, **kwargs):
        """The filtered batch list as xlsx (no personal data; audited)."""
        return exporting.batches_export_response(queryset=self.filter_queryset(self.get_queryset()),
                                                 actor=request.user, via="api")
