"""/api/v1/competitions/awards/ (published awards of the acting subtree, the yearbook) and
/api/v1/competitions/bonuses/{edition}/preview|generate/ (prize bonuses, municipal admin)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.permissions import PUBLISH_EDITION
from apps.core.api import ScopedAPIMixin
from apps.core.excel import XLSX_CONTENT_TYPE
from apps.organizations.filters import SubtreeFilter

from ..enums import AwardKind
from ..models import Award, Edition
from ..services.bonuses import bonus_batch_create, bonus_preview
from ..services.yearbook import yearbook_response

MONEY = {"max_digits": 12, "decimal_places": 2}


class XlsxRenderer(renderers.BaseRenderer):
    """Lets ``…/yearbook.xlsx`` (and ``?format=xlsx``) negotiate; the workbook itself is a
    FileResponse. An error body under this format is the usual JSON."""

    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data)


class AwardSerializer(serializers.ModelSerializer):
    edition_name = serializers.CharField(source="edition.name", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True, default="")
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    entry_code = serializers.CharField(source="entry.code", read_only=True, default="")
    certificates = serializers.SerializerMethodField()
    # plain text (first/second/third or empty): a second "level" enum would collide in the schema
    level = serializers.CharField(read_only=True, help_text="等级：first 一等奖 / second 二等奖 / third 三等奖；其他奖项为空")
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Award
        fields = ("id", "edition", "edition_name", "group", "group_name", "kind", "level", "level_display", "name", "recipient",
                  "rank", "organization", "organization_name", "entry_code", "certificates", "created_at")

    def get_certificates(self, award) -> list[str]:
        return [c.code for c in award.certificates.all()]


class AwardFilter(django_filters.FilterSet):
    edition = django_filters.NumberFilter()
    group = django_filters.NumberFilter()
    kind = django_filters.ChoiceFilter(choices=AwardKind.choices)
    level = django_filters.CharFilter(label="等级（first / second / third）")
    unit = SubtreeFilter()

    class Meta:
        model = Award
        fields = ()


class AwardViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published awards of the acting subtree (a unit sees its own and its subunits')."""

    model = Award
    serializer_class = AwardSerializer
    filterset_class = AwardFilter
    http_method_names = ["get", "head", "options"]
    action_permissions = {"yearbook": PUBLISH_EDITION}

    def get_queryset(self):
        return (Award.objects.select_related("edition", "group", "organization", "entry")
                .prefetch_related("certificates").order_by("-edition__year", "edition_id", "group_id", "kind",
                                                           "rank", "id"))

    @extend_schema(summary="历届赛事年鉴统计表（Excel，市级管理员）",
                   responses={(200, XLSX_CONTENT_TYPE): {"type": "string", "format": "binary"}})
    @action(detail=False, methods=["get"], renderer_classes=[renderers.JSONRenderer, XlsxRenderer])
    def yearbook(self, request, **kwargs):
        return yearbook_response()


class BonusRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    level = serializers.CharField()
    label = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    count = serializers.IntegerField()
    sum = serializers.DecimalField(**MONEY)


class BonusPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    awards = serializers.ListField(child=serializers.CharField())


class BonusSkippedSerializer(serializers.Serializer):
    award = serializers.IntegerField()
    recipient = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    level = serializers.CharField()
    reason = serializers.CharField()


class BonusPreviewSerializer(serializers.Serializer):
    edition = serializers.IntegerField()
    already_generated = serializers.BooleanField()
    rows = BonusRowSerializer(many=True)
    count = serializers.IntegerField()
    people = serializers.IntegerField()
    sum = serializers.DecimalField(**MONEY)
    persons = BonusPersonSerializer(many=True)
    skipped = BonusSkippedSerializer(many=True)


class BonusBatchSerializer(serializers.Serializer):
    edition = serializers.IntegerField()
    batch = serializers.IntegerField()
    title = serializers.CharField()
    item_count = serializers.IntegerField()
    total_amount = serializers.DecimalField(**MONEY)
    status = serializers.CharField()


class BonusViewSet(ScopedAPIMixin, viewsets.GenericViewSet):
    """An edition's prize bonuses: preview, and generate the payments batch (once)."""

    model = Edition
    serializer_class = BonusPreviewSerializer
    action_permissions = {"preview": PUBLISH_EDITION, "generate": PUBLISH_EDITION}

    def get_queryset(self):
        return Edition.objects.all()

    @extend_schema(responses=BonusPreviewSerializer)
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None, **kwargs):
        """Count and sum per kind/level, per person, and the skipped awards (nothing written)."""
        return Response(BonusPreviewSerializer(bonus_preview(edition=self.get_object())).data)

    @extend_schema(request=None, responses={201: BonusBatchSerializer})
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None, **kwargs):
        """Build the bonus payments batch (a draft of the municipal union); once per edition."""
        edition = self.get_object()
        batch = bonus_batch_create(edition=edition, actor=request.user)
        return Response(BonusBatchSerializer({
            "edition": edition.pk, "batch": batch.pk, "title": batch.title, "item_count": batch.item_count,
            "total_amount": batch.total_amount, "status": batch.status}).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("awards", AwardViewSet, basename="competition-award")
    router.register("bonuses", BonusViewSet, basename="competition-bonus")
