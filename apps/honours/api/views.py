from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from apps.core.api import ScopedAPIMixin
from apps.members.api.views import as_drf_error
from apps.organizations.models import Organization

from ..enums import HonourStatus, TitleLevel
from ..models import Honour
from ..selectors import honour_roll
from ..services import honour_create
from .serializers import HonourSerializer, HonourWriteSerializer


class HonourFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(field_name="title__code", label="称号编码")
    level = django_filters.ChoiceFilter(field_name="title__level", choices=TitleLevel.choices, label="级别")
    status = django_filters.ChoiceFilter(choices=HonourStatus.choices)
    year = django_filters.NumberFilter()
    unit = django_filters.CharFilter(method="filter_unit", label="单位编码（含下级）")
    roll = django_filters.BooleanFilter(method="filter_roll", label="名册：每人一行，取最高称号（在册）")

    class Meta:
        model = Honour
        fields = ()

    def filter_unit(self, queryset, name, value):
        root = Organization.objects.filter(code=value).first()  # scoped: outside → nothing
        if root is None:
            return queryset.none()
        return queryset.filter(organization__path__startswith=root.path)

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

    @extend_schema(request=HonourWriteSerializer, responses=HonourSerializer)
    def create(self, request, *args, **kwargs):
        data = HonourWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            honour = honour_create(actor=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return Response(HonourSerializer(honour).data, status=status.HTTP_201_CREATED)
