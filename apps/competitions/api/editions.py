"""/api/v1/competitions/editions|groups|quotas: the structure of editions.

Editions and groups are city-wide: staff with the competitions permissions, teachers and
judges read them (teachers and judges only editions past 筹备中), each group carrying the
acting unit's own quota (used and left) and never another unit's; only the municipal
admin's role creates and edits them and moves an edition's status. Quotas are scoped: a
unit lists its subtree's, a foreign one is a 404; the municipal admin sets them.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.api.permissions import RolePermissions
from apps.accounts.permissions import REGISTER_ENTRY, SCORE_ENTRY
from apps.core.api import ScopedAPIMixin
from apps.organizations.filters import SubtreeFilter

from ..selectors import quotas_with_used
from ..services import structure
from ..enums import EditionStatus
from ..models import Edition, Group, Stage, UnitQuota
from .serializers_structure import EditionSerializer, EditionStatusSerializer, GroupSerializer, UnitQuotaSerializer

VIEW_EDITION = "competitions.view_edition"
KEEPER = "competitions.change_edition"
READERS = (VIEW_EDITION, REGISTER_ENTRY, SCORE_ENTRY)


class StructureReaders(RolePermissions):
    """Reading: staff with the competitions permissions, teachers and judges. Writing: the
    model's add/change permission (the municipal admin's role)."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) in ("list", "retrieve") and request.method in ("GET", "HEAD", "OPTIONS"):
            user = request.user
            return bool(user and user.is_authenticated and any(user.has_perm(p) for p in READERS))
        return super().has_permission(request, view)


def _visible_editions(user):
    editions = Edition.objects.all()
    if not user.has_perm(VIEW_EDITION):  # teachers and judges: nothing still in preparation
        editions = editions.exclude(status=EditionStatus.DRAFT)
    return editions


class EditionFilter(django_filters.FilterSet):
    series = django_filters.CharFilter(field_name="series__code", label="赛事编码（qjs/qgs/jjb）")
    status = django_filters.ChoiceFilter(choices=EditionStatus.choices, label="状态")
    year = django_filters.NumberFilter(label="年度")

    class Meta:
        model = Edition
        fields = ()


class EditionViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Competition editions with their groups, stages and criteria, and the registration window."""

    model = Edition
    serializer_class = EditionSerializer
    filterset_class = EditionFilter
    permission_classes = [StructureReaders]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    action_permissions = {"status": KEEPER}

    def get_queryset(self):
        return (_visible_editions(self.request.user).select_related("series")
                .prefetch_related("participating_units", "groups",
                                  Prefetch("stages", queryset=Stage.objects.prefetch_related("criteria")))
                .order_by("-year", "series__code", "-number"))

    def _save(self, serializer):
        data = dict(serializer.validated_data)
        units = data.pop("participating_units", None)
        edition = serializer.instance or Edition()
        for field, value in data.items():
            setattr(edition, field, value)
        serializer.instance = structure.edition_save(edition=edition, actor=self.request.user,
                                                     participating_units=units)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)

    @extend_schema(request=EditionStatusSerializer, responses=EditionSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None, **kwargs):
        """开放报名 (to=open: 筹备中 → 报名中) or 截止报名 (to=judging: 报名中 → 评审中), audited."""
        edition = self.get_object()
        data = EditionStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        edition = structure.edition_transition(edition=edition, to=data.validated_data["to"], actor=request.user)
        edition = self.get_queryset().get(pk=edition.pk)
        return Response(EditionSerializer(edition, context=self.get_serializer_context()).data)


class GroupFilter(django_filters.FilterSet):
    edition = django_filters.NumberFilter(label="届次 id")

    class Meta:
        model = Group
        fields = ()


class GroupViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Groups of the editions, each with the acting unit's own quota and the city-wide places left."""

    model = Group
    serializer_class = GroupSerializer
    filterset_class = GroupFilter
    permission_classes = [StructureReaders]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        editions = _visible_editions(self.request.user)
        return (Group.objects.filter(edition__in=editions).select_related("edition")
                .order_by("edition_id", "order", "id"))

    def _save(self, serializer):
        data = dict(serializer.validated_data)
        group = serializer.instance or Group()
        for field, value in data.items():
            setattr(group, field, value)
        serializer.instance = structure.structure_save(obj=group, actor=self.request.user)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)


class QuotaFilter(django_filters.FilterSet):
    group = django_filters.NumberFilter(label="组别 id")
    edition = django_filters.NumberFilter(field_name="group__edition", label="届次 id")
    unit = SubtreeFilter()

    class Meta:
        model = UnitQuota
        fields = ()


class UnitQuotaViewSet(ScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Units' quotas of the acting subtree, with used (approved) and left. The municipal
    admin sets a quota (POST: a second POST for the same group and unit changes it)."""

    model = UnitQuota
    serializer_class = UnitQuotaSerializer
    filterset_class = QuotaFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return quotas_with_used(queryset=UnitQuota.objects.select_related("group", "group__edition", "organization")
                                .order_by("group_id", "organization__path"))

    def _set(self, group, organization, quota):
        return structure.quota_set(group=group, organization=organization, quota=quota, actor=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = self._set(data["group"], data["organization"], data["quota"])
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        quota = serializer.validated_data.get("quota", serializer.instance.quota)
        serializer.instance = self._set(serializer.instance.group, serializer.instance.organization, quota)


def register(router) -> None:
    router.register("editions", EditionViewSet, basename="competition-edition")
    router.register("groups", GroupViewSet, basename="competition-group")
    router.register("quotas", UnitQuotaViewSet, basename="competition-quota")
