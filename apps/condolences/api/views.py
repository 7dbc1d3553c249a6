"""/api/v1/welfare/…: policies, campaigns (preview, generate, cancel, grants, export),
occasions (record, approve, reject, the unit's next batch) and distribution lists (receipts,
signed sheet, sign-off sheet). Everything goes through the services; outside the acting
scope an object is a 404."""

from __future__ import annotations

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.accounts.acting import acting_organization
from apps.core.api import ScopedAPIMixin
from apps.core.excel import XLSX_CONTENT_TYPE, xlsx_attachment, xlsx_filename
from apps.members.models import Member

from .. import campaigns, distributions, exporting, occasions, policies
from ..enums import OccasionStatus
from ..models import Campaign, Distribution, Grant, Occasion, Policy
from .serializers import (
    CondolenceBatchRefSerializer, CondolenceCampaignCreateSerializer, CondolenceCampaignSerializer, CondolenceCancelSerializer, CondolenceConfirmSerializer,
    CondolenceCountSerializer, CondolenceDistributionSerializer, CondolenceGenerateResultSerializer, CondolenceGrantSerializer, CondolenceOccasionBatchSerializer,
    CondolenceOccasionCreateSerializer, CondolenceOccasionSerializer, CondolencePolicySerializer, CondolencePolicyUpdateSerializer, CondolencePreviewSerializer,
    CondolenceRejectSerializer, CondolenceSheetUploadSerializer,
)

DIGITS = r"[0-9]+"
XLSX = {(200, XLSX_CONTENT_TYPE): {"type": "string", "format": "binary"}}


class PolicyViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """慰问标准 (city-wide): everyone with a welfare role reads; the municipal admin adds versions
    and changes a version nobody used yet."""

    model = Policy
    serializer_class = CondolencePolicySerializer
    filterset_fields = ("kind", "form")
    lookup_value_regex = DIGITS
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Policy.objects.order_by("kind", "-valid_from")

    def create(self, request, *args, **kwargs):
        data = CondolencePolicySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = policies.policy_create(actor=request.user, **data.validated_data)
        return Response(CondolencePolicySerializer(policy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CondolencePolicyUpdateSerializer, responses=CondolencePolicySerializer)
    def partial_update(self, request, *args, **kwargs):
        policy = self.get_object()
        data = CondolencePolicyUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        policy = policies.policy_update(policy=policy, actor=request.user, **data.validated_data)
        return Response(CondolencePolicySerializer(policy).data)


class CampaignViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    """慰问活动 of the acting subtree (paying unit)."""

    model = Campaign
    serializer_class = CondolenceCampaignSerializer
    filterset_fields = ("kind", "status")
    lookup_value_regex = DIGITS
    action_permissions = {"preview": "condolences.view_campaign", "generate": "condolences.change_campaign",
                          "cancel": "condolences.change_campaign", "grants": "condolences.view_grant",
                          "export": "condolences.view_grant"}

    def get_queryset(self):
        return Campaign.objects.select_related("organization").order_by("-date", "-id")

    @extend_schema(request=CondolenceCampaignCreateSerializer, responses={201: CondolenceCampaignSerializer})
    def create(self, request, *args, **kwargs):
        data = CondolenceCampaignCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        campaign = campaigns.campaign_create(
            kind=values["kind"], title=values["title"], date=values["date"], period_end=values.get("period_end"),
            organization=values.get("organization") or acting_organization(request.user),
            target=values.get("target") or {}, actor=request.user)
        return Response(CondolenceCampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=CondolencePreviewSerializer)
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None, **kwargs):
        """Who would get what now, and who is left out and why (nothing is written)."""
        campaign = self.get_object()
        if campaign.status != "draft":
            return Response(campaign.summary or campaigns.campaign_preview(campaign=campaign))
        return Response(campaigns.campaign_preview(campaign=campaign))

    @extend_schema(request=None, responses={200: CondolenceGenerateResultSerializer, 202: CondolenceGenerateResultSerializer})
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None, **kwargs):
        """Generate once: now (200), or as a job for a large campaign (202, ``job`` to follow)."""
        campaign = self.get_object()
        result = campaigns.campaign_generate_start(campaign=campaign, actor=request.user)
        fresh = self.get_queryset().get(pk=campaign.pk)
        job = None if isinstance(result, Campaign) else result.pk
        return Response({"campaign": CondolenceCampaignSerializer(fresh).data, "job": job},
                        status=status.HTTP_202_ACCEPTED if job else status.HTTP_200_OK)

    @extend_schema(request=CondolenceCancelSerializer, responses=CondolenceCampaignSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        campaign = self.get_object()
        data = CondolenceCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = campaigns.campaign_cancel(campaign=campaign, actor=request.user,
                                             reason=data.validated_data.get("reason", ""))
        return Response(CondolenceCampaignSerializer(self.get_queryset().get(pk=campaign.pk)).data)

    @extend_schema(responses=CondolenceGrantSerializer(many=True))
    @action(detail=True, methods=["get"])
    def grants(self, request, pk=None, **kwargs):
        """Who received what in this campaign (ID numbers masked)."""
        campaign = self.get_object()
        rows = Grant.objects.filter(campaign=campaign).select_related("member", "unit", "payer").order_by("id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CondolenceGrantSerializer(page, many=True).data)

    @extend_schema(responses=XLSX)
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None, **kwargs):
        """The campaign's grants as Excel (masked)."""
        campaign = self.get_object()
        grants = Grant.objects.filter(campaign=campaign).order_by("unit__path", "member__name", "id")
        response, _rows = xlsx_attachment(lambda h: exporting.grants_xlsx(grants, h),
                                          xlsx_filename("慰问发放明细", campaign.title))
        return response


class OccasionViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    """个人慰问 of the acting subtree: recorded by the unit, approved by its administrator."""

    model = Occasion
    serializer_class = CondolenceOccasionSerializer
    filterset_fields = ("kind", "status")
    lookup_value_regex = DIGITS
    parser_classes = (JSONParser, FormParser, MultiPartParser)
    action_permissions = {"approve": occasions.APPROVE_PERMISSION, "reject": occasions.APPROVE_PERMISSION,
                          "batch": "payments.add_paymentbatch"}

    def get_queryset(self):
        return Occasion.objects.select_related("member", "unit").order_by("-date", "-id")

    @extend_schema(request={"multipart/form-data": CondolenceOccasionCreateSerializer,
                            "application/json": CondolenceOccasionCreateSerializer}, responses={201: CondolenceOccasionSerializer})
    def create(self, request, *args, **kwargs):
        data = CondolenceOccasionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        member = Member.objects.filter(pk=values["member"]).first()
        if member is None:
            raise ValidationError({"member": ["会员不存在或不在您的管理范围内。"]})
        occasion = occasions.occasion_record(member=member, kind=values["kind"], date=values["date"],
                                             note=values.get("note", ""), evidence=values.get("evidence"),
                                             immediate=values.get("immediate", False), actor=request.user)
        return Response(CondolenceOccasionSerializer(self.get_queryset().get(pk=occasion.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CondolenceOccasionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, **kwargs):
        occasion = occasions.occasion_transition(occasion=self.get_object(), to=OccasionStatus.APPROVED,
                                                 actor=request.user)
        return Response(CondolenceOccasionSerializer(self.get_queryset().get(pk=occasion.pk)).data)

    @extend_schema(request=CondolenceRejectSerializer, responses=CondolenceOccasionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        occasion = self.get_object()
        data = CondolenceRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        occasion = occasions.occasion_transition(occasion=occasion, to=OccasionStatus.REJECTED,
                                                 actor=request.user, reason=data.validated_data["reason"])
        return Response(CondolenceOccasionSerializer(self.get_queryset().get(pk=occasion.pk)).data)

    @extend_schema(request=CondolenceOccasionBatchSerializer, responses={201: CondolenceBatchRefSerializer})
    @action(detail=False, methods=["post"])
    def batch(self, request, **kwargs):
        """The unit's next batch: every approved occasion of the unit not yet paid in a batch."""
        data = CondolenceOccasionBatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = data.validated_data.get("unit") or acting_organization(request.user)
        batch = occasions.occasion_batch_create(unit=unit, actor=request.user)
        return Response({"batch": batch.pk, "items": batch.item_count, "total": batch.total_amount},
                        status=status.HTTP_201_CREATED)


class DistributionViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """慰问品发放清单 of the acting subtree: receipts, the signed sheet, the printable sign-off sheet."""

    model = Distribution
    serializer_class = CondolenceDistributionSerializer
    filterset_fields = ("campaign",)
    lookup_value_regex = DIGITS
    parser_classes = (JSONParser, MultiPartParser)
    action_permissions = {"confirm": "condolences.change_distribution",
                          "signed_sheet": "condolences.change_distribution",
                          "sheet": "condolences.view_distribution", "grants": "condolences.view_grant"}

    def get_queryset(self):
        return (Distribution.objects.select_related("unit")
                .annotate(received_count=Count("grants", filter=Q(grants__received_at__isnull=False)))
                .order_by("campaign_id", "unit__path"))

    @extend_schema(responses=CondolenceGrantSerializer(many=True))
    @action(detail=True, methods=["get"])
    def grants(self, request, pk=None, **kwargs):
        distribution = self.get_object()
        rows = Grant.objects.filter(distribution=distribution).select_related("member", "unit", "payer").order_by("id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CondolenceGrantSerializer(page, many=True).data)

    @extend_schema(request=CondolenceConfirmSerializer, responses=CondolenceCountSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, **kwargs):
        """Tick people as having received their goods (a person already ticked is left alone)."""
        distribution = self.get_object()
        data = CondolenceConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = distributions.distribution_confirm(distribution=distribution,
                                                   grant_ids=data.validated_data["grants"], actor=request.user)
        return Response({"confirmed": count})

    @extend_schema(request={"multipart/form-data": CondolenceSheetUploadSerializer}, responses=CondolenceCountSerializer)
    @action(detail=True, methods=["post"], url_path="signed-sheet")
    def signed_sheet(self, request, pk=None, **kwargs):
        """Upload the signed sheet (PDF/DOCX): everyone on the list not yet ticked is confirmed."""
        distribution = self.get_object()
        data = CondolenceSheetUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = distributions.distribution_upload_sheet(distribution=distribution,
                                                        upload=data.validated_data["file"], actor=request.user)
        return Response({"confirmed": count})

    @extend_schema(responses=XLSX)
    @action(detail=True, methods=["get"])
    def sheet(self, request, pk=None, **kwargs):
        """The printable sign-off sheet (签收表, A4, ID numbers masked)."""
        distribution = self.get_object()
        response, _rows = xlsx_attachment(lambda h: exporting.signoff_sheet(distribution, h),
                                          xlsx_filename("签收表", distribution.unit.name))
        return response
