from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from apps.core.api import ScopedAPIMixin

from ..filters import SubtreeFilter
from ..models import Cluster, Organization
from ..services import organization_create, organization_update
from .serializers import (
    ClusterSerializer,
    OrganizationCreateSerializer,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
)


class OrganizationFilter(django_filters.FilterSet):
    within = SubtreeFilter(path_field="path")
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Organization
        fields = ("kind", "is_active", "depth")


class OrganizationViewSet(
    ScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Units of the acting subtree. Looked up by code; outside the scope is a 404."""

    model = Organization  # querysets are built per request, inside the scope
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    lookup_field = "code"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Organization.objects.order_by("path")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "list":
            context["parent_codes"] = dict(Organization.objects.values_list("path", "code"))
        return context

    @extend_schema(request=OrganizationCreateSerializer, responses=OrganizationSerializer)
    def create(self, request, *args, **kwargs):
        data = OrganizationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = organization_create(actor=request.user, **data.validated_data)
        return Response(OrganizationSerializer(org).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrganizationUpdateSerializer, responses=OrganizationSerializer)
    def partial_update(self, request, *args, **kwargs):
        org = self.get_object()
        data = OrganizationUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        org = organization_update(organization=org, actor=request.user, **data.validated_data)
        return Response(OrganizationSerializer(org).data)


class ClusterViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Clusters with at least one member unit inside the acting subtree."""

    model = Cluster
    serializer_class = ClusterSerializer
    filterset_fields = ("kind",)
    lookup_field = "code"

    def get_queryset(self):
        return Cluster.objects.select_related("lead").prefetch_related("units").order_by("code")
