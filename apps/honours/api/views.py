from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.core.api import ScopedAPIMixin
from apps.core.excel import XLSX_CONTENT_TYPE
from apps.organizations.filters import SubtreeFilter

from ..enums import HonourStatus, NominationStatus, TitleLevel
from ..exporting import honours_xlsx_response
from ..models import Honour, Nomination, NominationCampaign
from ..selectors import campaigns_with_my_quota, honour_roll
from ..services import (
    campaign_save,
    material_add,
    honour_create,
    nomination_record_objection,
    nomination_submit,
    nomination_transition,
)
from .serializers import (
    HonourSerializer,
    HonourWriteSerializer,
    NominationCampaignSerializer,
    NominationDecideSerializer,
    NominationMaterialSerializer,
    NominationMaterialUploadSerializer,
    NominationNoticeSerializer,
    NominationObjectionSerializer,
    NominationReviewSerializer,
    NominationSerializer,
    NominationWriteSerializer,
)


class HonourFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(field_name="title__code", label="称号编码")
    level = django_filters.ChoiceFilter(field_name="title__level", choices=TitleLevel.choices, label="级别")
    status = django_filters.ChoiceFilter(choices=HonourStatus.choices)
    year = django_filters.NumberFilter()
    unit = SubtreeFilter()
    roll = django_filters.BooleanFilter(method="filter_roll", label="名册：每人一行，取最高称号（在册）")

    class Meta:
        model = Honour
        fields = ()

    def filter_roll(self, queryset, name, value):
        return queryset.filter(pk__in=honour_roll().values("pk")) if value else queryset


class HonourViewSet(
    ScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Honours of the acting subtree (members masked). Outside the scope is a 404."""

    model = Honour
    serializer_class = HonourSerializer
    filterset_class = HonourFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return Honour.objects.select_related("title", "member", "organization").order_by(
            "title__rank", "-year", "id")

    @extend_schema(
        summary="导出 Excel（当前筛选条件，身份证号脱敏）",
        filters=True,
        responses={(200, XLSX_CONTENT_TYPE): {"type": "string", "format": "binary"}},
    )
    @action(detail=False, methods=["get"])
    def export(self, request, **kwargs):
        """The filtered honours of the acting subtree as xlsx: IDs masked, text cells, audited."""
        queryset = self.filter_queryset(self.get_queryset())
        filters = {k: v for k, v in request.query_params.items() if k != "format"}
        return honours_xlsx_response(queryset, actor=request.user, via="api", filters=filters)

    @extend_schema(request=HonourWriteSerializer, responses=HonourSerializer)
    def create(self, request, *args, **kwargs):
        data = HonourWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        honour = honour_create(actor=request.user, **data.validated_data)
        return Response(HonourSerializer(honour).data, status=status.HTTP_201_CREATED)


class NominationFilter(django_filters.FilterSet):
    campaign = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(choices=NominationStatus.choices)

    class Meta:
        model = Nomination
        fields = ()


REVIEW = "honours.change_nomination"  # the municipal admin's role only


class NominationViewSet(
    ScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Nominations of the acting subtree and their review cascade. Units create and submit
    (基层推荐); the municipal admin reviews, puts on notice and decides. Outside the scope is a 404."""

    model = Nomination
    serializer_class = NominationSerializer
    filterset_class = NominationFilter
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {
        "submit": "honours.add_nomination",
        "review": REVIEW,
        "notice": REVIEW,
        "objection": REVIEW,
        "decide": REVIEW,
        "materials": "honours.view_nomination",  # the list (GET)
        "upload_material": "honours.add_nomination",  # POST to the same URL
    }

    def get_queryset(self):
        return Nomination.objects.select_related("title", "member", "organization").order_by(
            "campaign_id", "organization__path", "id")

    def _move(self, request, to: str, **kwargs):
        nomination = self.get_object()
        nomination = nomination_transition(nomination=nomination, to=to, actor=request.user, **kwargs)
        return Response(NominationSerializer(nomination).data)

    @extend_schema(request=NominationWriteSerializer, responses=NominationSerializer)
    def create(self, request, *args, **kwargs):
        data = NominationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        nomination = nomination_submit(actor=request.user, **data.validated_data)
        return Response(NominationSerializer(nomination).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, **kwargs):
        """基层推荐: the unit sends its draft (or a returned nomination, corrected) to the city."""
        return self._move(request, NominationStatus.RECOMMENDED)

    @extend_schema(request=NominationReviewSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None, **kwargs):
        """市级初审: pass, or return to the unit (a reason is required)."""
        data = NominationReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        passed = data.validated_data["result"] == "pass"
        return self._move(request, NominationStatus.INITIAL_APPROVED if passed else NominationStatus.RETURNED,
                          reason=data.validated_data["reason"])

    @extend_schema(request=NominationNoticeSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None, **kwargs):
        """公示: put the nomination on public notice between two dates."""
        data = NominationNoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._move(request, NominationStatus.NOTICE, **data.validated_data)

    @extend_schema(request=NominationObjectionSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def objection(self, request, pk=None, **kwargs):
        """Record an objection received during the notice."""
        nomination = self.get_object()
        data = NominationObjectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        nomination_record_objection(nomination=nomination, actor=request.user, **data.validated_data)
        return Response(NominationSerializer(nomination).data)

    @extend_schema(methods=["GET"], request=None, responses=NominationMaterialSerializer(many=True))
    @action(detail=True, methods=["get"], parser_classes=[MultiPartParser], pagination_class=None)
    def materials(self, request, pk=None, **kwargs):
        """The supporting documents of a nomination, each with its (permission-checked) download URL."""
        nomination = self.get_object()
        materials = nomination.materials.order_by("id")
        return Response(NominationMaterialSerializer(materials, many=True).data)

    @extend_schema(methods=["POST"], request={"multipart/form-data": NominationMaterialUploadSerializer},
                   responses={201: NominationMaterialSerializer})
    @materials.mapping.post
    def upload_material(self, request, pk=None, **kwargs):
        """Upload a supporting document (PDF or DOCX, checked by content; at most 10 MB) to a
        draft or returned nomination."""
        nomination = self.get_object()
        data = NominationMaterialUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        material = material_add(nomination=nomination, upload=data.validated_data["file"], actor=request.user)
        return Response(NominationMaterialSerializer(material).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NominationDecideSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, **kwargs):
        """Approve (after the notice has ended; the honour goes on the roll) or reject."""
        data = NominationDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approve = data.validated_data["decision"] == "approve"
        return self._move(request, NominationStatus.APPROVED if approve else NominationStatus.REJECTED,
                          reason=data.validated_data["reason"])


class NominationCampaignViewSet(
    ScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Nomination campaigns (city-wide): staff read them with their own unit's quota used
    and left; only the municipal admin's role (add/change permissions) creates and edits."""

    model = NominationCampaign
    serializer_class = NominationCampaignSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        from apps.accounts.acting import acting_organization

        queryset = NominationCampaign.objects.prefetch_related("titles").order_by("-year", "-id")
        return campaigns_with_my_quota(queryset, organization=acting_organization(self.request.user))

    def _save(self, serializer):
        data = dict(serializer.validated_data)
        titles = data.pop("titles", None)
        campaign = serializer.instance or NominationCampaign()
        for field, value in data.items():
            setattr(campaign, field, value)
        serializer.instance = campaign_save(campaign=campaign, actor=self.request.user, titles=titles)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)
